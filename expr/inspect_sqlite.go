package expr

import (
	"context"
	"slices"
	"strings"
)

// sqliteCatalog reads SQLite's schema through its pragma table-valued functions,
// with the table and schema names bound. SQLite keeps no names for unique, check,
// primary and unnamed foreign key constraints, nor the checks themselves, outside the
// CREATE TABLE text: those are read from it (see parseSQLiteTable).
type sqliteCatalog struct{ q querier }

func (s *sqliteCatalog) defaultSchema(context.Context) (string, error) { return "main", nil }

func schemaOrMain(schema string) string {
	if schema == "" {
		return "main"
	}
	return schema
}

func (s *sqliteCatalog) args(table, schema string) Params {
	return Params{"schema": schemaOrMain(schema), "table": table}
}

func (s *sqliteCatalog) schemaNames(ctx context.Context) ([]string, error) {
	rows, err := s.q(ctx, `select name from pragma_database_list where name <> 'temp' order by name`, nil, 1)
	return firstColumn(rows), err
}

func (s *sqliteCatalog) relationNames(ctx context.Context, schema string, views bool) ([]string, error) {
	kind := "table"
	if views {
		kind = "view"
	}
	rows, err := s.q(ctx, `select name from pragma_table_list where schema = :schema and type = :kind
and name not like 'sqlite!_%' escape '!' order by name`, Params{"schema": schemaOrMain(schema), "kind": kind}, 1)
	return firstColumn(rows), err
}

func (s *sqliteCatalog) exists(ctx context.Context, table, schema string) (bool, error) {
	rows, err := s.q(ctx, `select 1 from pragma_table_list where schema = :schema and name = :table collate nocase
and type in ('table', 'view', 'virtual')`, s.args(table, schema), 1)
	return len(rows) > 0, err
}

// createSQL returns the CREATE TABLE text of the table, parsed. The schema is an
// identifier here (sqlite_master belongs to it), so it is quoted, not bound; the
// table's name is bound.
func (s *sqliteCatalog) createSQL(ctx context.Context, table, schema string) (sqliteTable, error) {
	q := `"` + strings.ReplaceAll(schemaOrMain(schema), `"`, `""`) + `".sqlite_master`
	rows, err := s.q(ctx, `select sql from `+q+` where type = 'table' and name = :table collate nocase`, Params{"table": table}, 1)
	if err != nil || len(rows) == 0 {
		return sqliteTable{}, err
	}
	return parseSQLiteTable(str(rows[0][0])), nil
}

func (s *sqliteCatalog) columns(ctx context.Context, table, schema string) ([]ColumnInfo, error) {
	rows, err := s.q(ctx, `select name, type, "notnull", dflt_value, pk from pragma_table_info(:table, :schema) order by cid`,
		s.args(table, schema), 5)
	if err != nil {
		return nil, err
	}
	npk := 0
	for _, r := range rows {
		if num(r[4]) > 0 {
			npk++
		}
	}
	out := make([]ColumnInfo, 0, len(rows))
	for _, r := range rows {
		ci := ColumnInfo{Name: str(r[0]), Nullable: num(r[2]) == 0 && num(r[4]) == 0}
		if ci.Type, err = normalizeType("sqlite", str(r[1])); err != nil {
			return nil, err
		}
		// a lone INTEGER PRIMARY KEY is the rowid's alias: SQLite numbers it
		ci.Autoincrement = npk == 1 && num(r[4]) == 1 && strings.EqualFold(strings.TrimSpace(str(r[1])), "integer")
		ci.Default = normalizeDefault("sqlite", strp(r[3]), false)
		out = append(out, ci)
	}
	return out, nil
}

func (s *sqliteCatalog) primaryKey(ctx context.Context, table, schema string) (PrimaryKeyInfo, error) {
	rows, err := s.q(ctx, `select name from pragma_table_info(:table, :schema) where pk > 0 order by pk`, s.args(table, schema), 1)
	if err != nil || len(rows) == 0 {
		return PrimaryKeyInfo{}, err
	}
	pk := PrimaryKeyInfo{Columns: firstColumn(rows)}
	parsed, err := s.createSQL(ctx, table, schema)
	if err != nil {
		return PrimaryKeyInfo{}, err
	}
	pk.Name = parsed.name("primary key", pk.Columns)
	return pk, nil
}

func (s *sqliteCatalog) foreignKeys(ctx context.Context, table, schema string) ([]ForeignKeyInfo, error) {
	rows, err := s.q(ctx, `select id, "table", "from", "to", on_delete, on_update
from pragma_foreign_key_list(:table, :schema) order by id, seq`, s.args(table, schema), 6)
	if err != nil {
		return nil, err
	}
	parsed, err := s.createSQL(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	byID := map[string]*ForeignKeyInfo{}
	var out []*ForeignKeyInfo
	groupKeys(rows, func(r []any) string { return str(r[0]) }, func(k string, r []any) {
		fk := byID[k]
		if fk == nil {
			fk = &ForeignKeyInfo{ReferredTable: str(r[1]),
				OnDelete: normalizeAction("sqlite", str(r[4])), OnUpdate: normalizeAction("sqlite", str(r[5]))}
			byID[k] = fk
			out = append(out, fk)
		}
		fk.Columns = append(fk.Columns, str(r[2]))
		fk.ReferredColumns = append(fk.ReferredColumns, str(r[3])) // NULL: the referred table's primary key
	})
	for _, fk := range out {
		if slices.Contains(fk.ReferredColumns, "") {
			pk, err := s.primaryKey(ctx, fk.ReferredTable, schema)
			if err != nil {
				return nil, err
			}
			if len(pk.Columns) == len(fk.Columns) {
				fk.ReferredColumns = pk.Columns
			}
		}
		fk.Name = parsed.name("foreign key", fk.Columns)
	}
	slices.SortStableFunc(out, func(a, b *ForeignKeyInfo) int { return strings.Compare(a.Name, b.Name) })
	return derefAll(out), nil
}

// indexList reads the table's indexes with their columns, and what made each: "c"
// CREATE INDEX, "u" a UNIQUE constraint, "pk" the primary key.
func (s *sqliteCatalog) indexList(ctx context.Context, table, schema string) ([]IndexInfo, []string, error) {
	args := s.args(table, schema)
	rows, err := s.q(ctx, `select il.name, il."unique", il.origin, ii.name
from pragma_index_list(:table, :schema) il join pragma_index_info(il.name, :schema) ii
order by il.name, ii.seqno`, args, 4)
	if err != nil {
		return nil, nil, err
	}
	origin := map[string]string{}
	for _, r := range rows {
		origin[str(r[0])] = str(r[2])
	}
	idx := foldIndexes(slicesMap(rows, func(r []any) []any { return []any{r[0], r[1], r[3]} }))
	origins := make([]string, len(idx))
	for i, ix := range idx {
		origins[i] = origin[ix.Name]
	}
	return idx, origins, nil
}

func slicesMap[T, U any](s []T, f func(T) U) []U {
	out := make([]U, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

func (s *sqliteCatalog) indexes(ctx context.Context, table, schema string) ([]IndexInfo, error) {
	idx, origins, err := s.indexList(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	out := []IndexInfo{}
	for i, ix := range idx {
		if origins[i] == "c" {
			out = append(out, ix)
		}
	}
	return out, nil
}

func (s *sqliteCatalog) uniqueConstraints(ctx context.Context, table, schema string) ([]UniqueConstraintInfo, error) {
	idx, origins, err := s.indexList(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	parsed, err := s.createSQL(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	out := []UniqueConstraintInfo{}
	for i, ix := range idx {
		if origins[i] == "u" {
			out = append(out, UniqueConstraintInfo{Name: parsed.name("unique", ix.Columns), Columns: ix.Columns})
		}
	}
	slices.SortStableFunc(out, func(a, b UniqueConstraintInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *sqliteCatalog) checkConstraints(ctx context.Context, table, schema string) ([]CheckConstraintInfo, error) {
	parsed, err := s.createSQL(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	out := append([]CheckConstraintInfo{}, parsed.checks...)
	slices.SortStableFunc(out, func(a, b CheckConstraintInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *sqliteCatalog) tableComment(context.Context, string, string) (string, error) { return "", nil }
