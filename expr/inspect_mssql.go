package expr

import (
	"context"
	"strconv"
	"strings"
)

// mssqlCatalog reads SQL Server's sys.* catalog views. It is compiled and its
// queries are checked for their binds, but no SQL Server runs in the tests.
type mssqlCatalog struct{ q querier }

// msRel joins a table or view (o) to its schema (s) and picks the one asked about.
const msRel = ` from sys.objects o join sys.schemas s on s.schema_id = o.schema_id`

const msWhere = ` where s.name = :schema and o.name = :table and o.type in ('U', 'V')`

func (m *mssqlCatalog) defaultSchema(ctx context.Context) (string, error) {
	rows, err := m.q(ctx, "select schema_name()", nil, 1)
	if err != nil {
		return "", err
	}
	if len(rows) == 0 || rows[0][0] == nil {
		return "", errNoDefaultSchema
	}
	return str(rows[0][0]), nil
}

func (m *mssqlCatalog) schema(ctx context.Context, schema string) (string, error) {
	if schema != "" {
		return schema, nil
	}
	return m.defaultSchema(ctx)
}

func (m *mssqlCatalog) args(ctx context.Context, table, schema string) (Params, error) {
	schema, err := m.schema(ctx, schema)
	if err != nil {
		return nil, err
	}
	return Params{"schema": schema, "table": table}, nil
}

func (m *mssqlCatalog) schemaNames(ctx context.Context) ([]string, error) {
	rows, err := m.q(ctx, `select name from sys.schemas
where name not in ('sys', 'INFORMATION_SCHEMA', 'guest') and name not like 'db[_]%' order by name`, nil, 1)
	return firstColumn(rows), err
}

func (m *mssqlCatalog) relationNames(ctx context.Context, schema string, views bool) ([]string, error) {
	schema, err := m.schema(ctx, schema)
	if err != nil {
		return nil, err
	}
	kind := "U"
	if views {
		kind = "V"
	}
	rows, err := m.q(ctx, `select o.name`+msRel+` where s.name = :schema and o.type = :kind and o.is_ms_shipped = 0 order by o.name`,
		Params{"schema": schema, "kind": kind}, 1)
	return firstColumn(rows), err
}

func (m *mssqlCatalog) exists(ctx context.Context, table, schema string) (bool, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return false, err
	}
	rows, err := m.q(ctx, `select 1`+msRel+msWhere, args, 1)
	return len(rows) > 0, err
}

// mssqlQueries are the statements of mssqlCatalog, for the test that compiles them.
var mssqlQueries = map[string]string{
	"columns": `select c.name, t.name, c.max_length, c.precision, c.scale, c.is_nullable,
  object_definition(c.default_object_id), cast(ep.value as nvarchar(max)), c.is_identity` + msRel + `
join sys.columns c on c.object_id = o.object_id
join sys.types t on t.user_type_id = c.user_type_id
left join sys.extended_properties ep on ep.class = 1 and ep.major_id = c.object_id and ep.minor_id = c.column_id and ep.name = 'MS_Description'` + msWhere + `
order by c.column_id`,
	"keys": `select k.name, c.name` + msRel + `
join sys.key_constraints k on k.parent_object_id = o.object_id and k.type = :kind
join sys.index_columns ic on ic.object_id = o.object_id and ic.index_id = k.unique_index_id
join sys.columns c on c.object_id = o.object_id and c.column_id = ic.column_id` + msWhere + `
order by k.name, ic.key_ordinal`,
	"foreignKeys": `select fk.name, pc.name, rs.name, ro.name, rc.name, fk.delete_referential_action_desc, fk.update_referential_action_desc` + msRel + `
join sys.foreign_keys fk on fk.parent_object_id = o.object_id
join sys.foreign_key_columns fkc on fkc.constraint_object_id = fk.object_id
join sys.columns pc on pc.object_id = fkc.parent_object_id and pc.column_id = fkc.parent_column_id
join sys.objects ro on ro.object_id = fkc.referenced_object_id
join sys.schemas rs on rs.schema_id = ro.schema_id
join sys.columns rc on rc.object_id = fkc.referenced_object_id and rc.column_id = fkc.referenced_column_id` + msWhere + `
order by fk.name, fkc.constraint_column_id`,
	"indexes": `select i.name, i.is_unique, c.name` + msRel + `
join sys.indexes i on i.object_id = o.object_id
join sys.index_columns ic on ic.object_id = i.object_id and ic.index_id = i.index_id and ic.is_included_column = 0
join sys.columns c on c.object_id = o.object_id and c.column_id = ic.column_id` + msWhere + `
  and i.is_primary_key = 0 and i.is_unique_constraint = 0 and i.type > 0 and i.is_hypothetical = 0
order by i.name, ic.key_ordinal`,
	"checks": `select cc.name, cc.definition` + msRel + `
join sys.check_constraints cc on cc.parent_object_id = o.object_id` + msWhere + `
order by cc.name`,
	"comment": `select cast(ep.value as nvarchar(max))` + msRel + `
left join sys.extended_properties ep on ep.class = 1 and ep.major_id = o.object_id and ep.minor_id = 0 and ep.name = 'MS_Description'` + msWhere,
}

func (m *mssqlCatalog) columns(ctx context.Context, table, schema string) ([]ColumnInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, mssqlQueries["columns"], args, 9)
	if err != nil {
		return nil, err
	}
	out := make([]ColumnInfo, 0, len(rows))
	for _, r := range rows {
		ci := ColumnInfo{Name: str(r[0]), Nullable: truth(r[5]), Comment: str(r[7]), Autoincrement: truth(r[8])}
		if ci.Type, err = normalizeType("mssql", mssqlTypeName(str(r[1]), num(r[2]), num(r[3]), num(r[4]))); err != nil {
			return nil, err
		}
		ci.Default = normalizeDefault("mssql", strp(r[6]), false)
		out = append(out, ci)
	}
	return out, nil
}

// mssqlTypeName spells a column's type from sys.columns: its length in characters
// (max_length is in bytes, -1 for max), or its precision and scale.
func mssqlTypeName(typ string, maxLen, prec, scale int64) string {
	switch t := strings.ToLower(typ); t {
	case "nvarchar", "nchar", "varchar", "char", "varbinary", "binary":
		if maxLen < 0 {
			return t + "(max)"
		}
		if t[0] == 'n' {
			maxLen /= 2
		}
		return t + "(" + strconv.FormatInt(maxLen, 10) + ")"
	case "decimal", "numeric":
		return t + "(" + strconv.FormatInt(prec, 10) + "," + strconv.FormatInt(scale, 10) + ")"
	case "datetime2", "datetimeoffset", "time":
		return t + "(" + strconv.FormatInt(scale, 10) + ")"
	default:
		return t
	}
}

func (m *mssqlCatalog) keyColumns(ctx context.Context, table, schema, kind string) ([]string, map[string][]string, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, nil, err
	}
	args["kind"] = kind
	rows, err := m.q(ctx, mssqlQueries["keys"], args, 2)
	if err != nil {
		return nil, nil, err
	}
	cols := map[string][]string{}
	names := groupKeys(rows, func(r []any) string { return str(r[0]) }, func(k string, r []any) {
		cols[k] = append(cols[k], str(r[1]))
	})
	return names, cols, nil
}

func (m *mssqlCatalog) primaryKey(ctx context.Context, table, schema string) (PrimaryKeyInfo, error) {
	names, cols, err := m.keyColumns(ctx, table, schema, "PK")
	if err != nil || len(names) == 0 {
		return PrimaryKeyInfo{}, err
	}
	return PrimaryKeyInfo{Name: names[0], Columns: cols[names[0]]}, nil
}

func (m *mssqlCatalog) uniqueConstraints(ctx context.Context, table, schema string) ([]UniqueConstraintInfo, error) {
	names, cols, err := m.keyColumns(ctx, table, schema, "UQ")
	if err != nil {
		return nil, err
	}
	out := make([]UniqueConstraintInfo, 0, len(names))
	for _, n := range names {
		out = append(out, UniqueConstraintInfo{Name: n, Columns: cols[n]})
	}
	return out, nil
}

func (m *mssqlCatalog) foreignKeys(ctx context.Context, table, schema string) ([]ForeignKeyInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, mssqlQueries["foreignKeys"], args, 7)
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
				OnDelete: normalizeAction("mssql", str(r[5])), OnUpdate: normalizeAction("mssql", str(r[6]))}
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

func (m *mssqlCatalog) indexes(ctx context.Context, table, schema string) ([]IndexInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, mssqlQueries["indexes"], args, 3)
	if err != nil {
		return nil, err
	}
	return foldIndexes(rows), nil
}

func (m *mssqlCatalog) checkConstraints(ctx context.Context, table, schema string) ([]CheckConstraintInfo, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := m.q(ctx, mssqlQueries["checks"], args, 2)
	if err != nil {
		return nil, err
	}
	out := make([]CheckConstraintInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, CheckConstraintInfo{Name: str(r[0]), SQLText: stripCheck(str(r[1]))})
	}
	return out, nil
}

func (m *mssqlCatalog) tableComment(ctx context.Context, table, schema string) (string, error) {
	args, err := m.args(ctx, table, schema)
	if err != nil {
		return "", err
	}
	rows, err := m.q(ctx, mssqlQueries["comment"], args, 1)
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return str(rows[0][0]), nil
}
