package expr

import (
	"context"
	"strings"
)

// mysqlCatalog reads MySQL's and MariaDB's information_schema. The two differ in
// how they quote column defaults (MariaDB quotes string literals and says NULL; MySQL
// gives the bare text) and in where CHECK constraints are listed; MariaDB's JSON is
// LONGTEXT with a json_valid check, reflected as JSON.
type mysqlCatalog struct {
	q       querier
	mariadb bool
}

func (m *mysqlCatalog) flavor() string {
	if m.mariadb {
		return "mariadb"
	}
	return "mysql"
}

func (m *mysqlCatalog) defaultSchema(ctx context.Context) (string, error) {
	rows, err := m.q(ctx, "select database()", nil, 1)
	if err != nil {
		return "", err
	}
	if len(rows) == 0 || rows[0][0] == nil {
		return "", errNoDefaultSchema
	}
	return str(rows[0][0]), nil
}

func (m *mysqlCatalog) schema(ctx context.Context, schema string) (string, error) {
	if schema != "" {
		return schema, nil
	}
	return m.defaultSchema(ctx)
}

func (m *mysqlCatalog) args(ctx context.Context, table, schema string) (Params, error) {
	schema, err := m.schema(ctx, schema)
	if err != nil {
		return nil, err
	}
	return Params{"schema": schema, "table": table}, nil
}

func (m *mysqlCatalog) schemaNames(ctx context.Context) ([]string, error) {
	rows, err := m.q(ctx, `select schema_name from information_schema.schemata
where schema_name not in ('mysql', 'information_schema', 'performance_schema', 'sys') order by schema_name`, nil, 1)
	return firstColumn(rows), err
}

func (m *mysqlCatalog) relationNames(ctx context.Context, schema string, views bool) ([]string, error) {
	schema, err := m.schema(ctx, schema)
	if err != nil {
		return nil, err
	}
	kinds := `('BASE TABLE', 'SYSTEM VERSIONED')`
	if views {
		kinds = `('VIEW')`
	}
	rows, err := m.q(ctx, `select table_name from information_schema.tables
where table_schema = :schema and table_type in `+kinds+` order by table_name`, Params{"schema": schema}, 1)
	return firstColumn(rows), err
}

func (m *mysqlCatalog) exists(ctx context.Context, table, schema string) (bool, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return false, err
	}
	rows, err := m.q(ctx, `select 1 from information_schema.tables where table_schema = :schema and table_name = :table`, args, 1)
	return len(rows) > 0, err
}

// mysqlStringy lists the DATA_TYPEs whose literal defaults MySQL gives unquoted.
var mysqlStringy = map[string]bool{"char": true, "varchar": true, "tinytext": true, "text": true, "mediumtext": true,
	"longtext": true, "enum": true, "set": true, "date": true, "time": true, "datetime": true, "timestamp": true,
	"year": true, "binary": true, "varbinary": true, "json": true}

func (m *mysqlCatalog) columns(ctx context.Context, table, schema string) ([]ColumnInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, `select column_name, column_type, data_type, is_nullable, column_default, column_comment, extra
from information_schema.columns where table_schema = :schema and table_name = :table order by ordinal_position`, args, 7)
	if err != nil {
		return nil, err
	}
	var jsonCols map[string]bool
	if m.mariadb {
		if jsonCols, err = m.jsonColumns(ctx, args); err != nil {
			return nil, err
		}
	}
	out := make([]ColumnInfo, 0, len(rows))
	for _, r := range rows {
		ci := ColumnInfo{Name: str(r[0]), Nullable: truth(r[3]), Comment: str(r[5])}
		extra := strings.ToLower(str(r[6]))
		if jsonCols[ci.Name] && strings.EqualFold(str(r[2]), "longtext") {
			ci.Type = JSON.sql
		} else if ci.Type, err = normalizeType(m.flavor(), str(r[1])); err != nil {
			return nil, err
		}
		ci.Autoincrement = strings.Contains(extra, "auto_increment")
		stringy := mysqlStringy[strings.ToLower(str(r[2]))] && !strings.Contains(extra, "default_generated")
		ci.Default = normalizeDefault(m.flavor(), strp(r[4]), stringy)
		out = append(out, ci)
	}
	return out, nil
}

// jsonColumns finds MariaDB's JSON columns: a check named for the column that is
// json_valid of it.
func (m *mysqlCatalog) jsonColumns(ctx context.Context, args Params) (map[string]bool, error) {
	checks, err := m.rawChecks(ctx, args)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, c := range checks {
		if isJSONValid(c.Name, c.SQLText) {
			out[c.Name] = true
		}
	}
	return out, nil
}

// isJSONValid reports MariaDB's check of a JSON column: json_valid(`name`).
func isJSONValid(name, sql string) bool {
	return strings.EqualFold(strings.ReplaceAll(sql, " ", ""), "json_valid(`"+strings.ReplaceAll(name, "`", "``")+"`)")
}

func (m *mysqlCatalog) rawChecks(ctx context.Context, args Params) ([]CheckConstraintInfo, error) {
	query := `select tc.constraint_name, cc.check_clause from information_schema.table_constraints tc
join information_schema.check_constraints cc on cc.constraint_schema = tc.constraint_schema and cc.constraint_name = tc.constraint_name
where tc.table_schema = :schema and tc.table_name = :table and tc.constraint_type = 'CHECK' order by tc.constraint_name`
	if m.mariadb { // MariaDB's check names are the table's own: it lists the table
		query = `select constraint_name, check_clause from information_schema.check_constraints
where constraint_schema = :schema and table_name = :table order by constraint_name`
	}
	rows, err := m.q(ctx, query, args, 2)
	if err != nil {
		return nil, err
	}
	out := make([]CheckConstraintInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, CheckConstraintInfo{Name: str(r[0]), SQLText: stripCheck(str(r[1]))})
	}
	return out, nil
}

func (m *mysqlCatalog) checkConstraints(ctx context.Context, table, schema string) ([]CheckConstraintInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	checks, err := m.rawChecks(ctx, args)
	if err != nil || !m.mariadb {
		return checks, err
	}
	out := checks[:0]
	for _, c := range checks {
		if !isJSONValid(c.Name, c.SQLText) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *mysqlCatalog) primaryKey(ctx context.Context, table, schema string) (PrimaryKeyInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return PrimaryKeyInfo{}, err
	}
	rows, err := m.q(ctx, `select column_name from information_schema.statistics
where table_schema = :schema and table_name = :table and index_name = 'PRIMARY' order by seq_in_index`, args, 1)
	if err != nil {
		return PrimaryKeyInfo{}, err
	}
	return PrimaryKeyInfo{Columns: firstColumn(rows)}, nil
}

// keys reads the table's indexes other than the primary key.
func (m *mysqlCatalog) keys(ctx context.Context, table, schema string) ([]IndexInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, `select index_name, non_unique = 0, column_name from information_schema.statistics
where table_schema = :schema and table_name = :table and index_name <> 'PRIMARY' order by index_name, seq_in_index`, args, 3)
	if err != nil {
		return nil, err
	}
	return foldIndexes(rows), nil
}

func (m *mysqlCatalog) indexes(ctx context.Context, table, schema string) ([]IndexInfo, error) {
	all, err := m.keys(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, ix := range all {
		if !ix.Unique {
			out = append(out, ix)
		}
	}
	return out, nil
}

func (m *mysqlCatalog) uniqueConstraints(ctx context.Context, table, schema string) ([]UniqueConstraintInfo, error) {
	all, err := m.keys(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	out := []UniqueConstraintInfo{}
	for _, ix := range all {
		if ix.Unique {
			out = append(out, UniqueConstraintInfo{Name: ix.Name, Columns: ix.Columns})
		}
	}
	return out, nil
}

func (m *mysqlCatalog) foreignKeys(ctx context.Context, table, schema string) ([]ForeignKeyInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, `select k.constraint_name, k.column_name, k.referenced_table_schema, k.referenced_table_name,
  k.referenced_column_name, r.delete_rule, r.update_rule
from information_schema.key_column_usage k
join information_schema.referential_constraints r
  on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name and r.table_name = k.table_name
where k.table_schema = :schema and k.table_name = :table and k.referenced_table_name is not null
order by k.constraint_name, k.ordinal_position`, args, 7)
	if err != nil {
		return nil, err
	}
	own := args["schema"].(string)
	byName := map[string]*ForeignKeyInfo{}
	var out []*ForeignKeyInfo
	groupKeys(rows, func(r []any) string { return str(r[0]) }, func(k string, r []any) {
		fk := byName[k]
		if fk == nil {
			fk = &ForeignKeyInfo{Name: k, ReferredTable: str(r[3]),
				OnDelete: normalizeAction(m.flavor(), str(r[5])), OnUpdate: normalizeAction(m.flavor(), str(r[6]))}
			if rs := str(r[2]); rs != own {
				fk.ReferredSchema = rs
			}
			byName[k] = fk
			out = append(out, fk)
		}
		fk.Columns = append(fk.Columns, str(r[1]))
		fk.ReferredColumns = append(fk.ReferredColumns, str(r[4]))
	})
	return derefAll(out), nil
}

func (m *mysqlCatalog) tableComment(ctx context.Context, table, schema string) (string, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return "", err
	}
	rows, err := m.q(ctx, `select table_comment, table_type from information_schema.tables
where table_schema = :schema and table_name = :table`, args, 2)
	if err != nil || len(rows) == 0 || str(rows[0][1]) == "VIEW" { // MySQL comments a view "VIEW"
		return "", err
	}
	return str(rows[0][0]), nil
}
