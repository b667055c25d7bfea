package expr

import (
	"context"
	"strings"
)

// pgCatalog reads PostgreSQL's pg_catalog. Every query names its table by schema
// and name, both bound.
type pgCatalog struct{ q querier }

// pgRel joins a relation (c) to its schema (n) and picks the one asked about.
const pgRel = ` from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace`

const pgWhere = ` where n.nspname = :schema and c.relname = :table`

func (p *pgCatalog) schema(ctx context.Context, schema string) (string, error) {
	if schema != "" {
		return schema, nil
	}
	return p.defaultSchema(ctx)
}

func (p *pgCatalog) defaultSchema(ctx context.Context) (string, error) {
	rows, err := p.q(ctx, "select current_schema()", nil, 1)
	if err != nil {
		return "", err
	}
	if len(rows) == 0 || rows[0][0] == nil {
		return "", errNoDefaultSchema
	}
	return str(rows[0][0]), nil
}

func (p *pgCatalog) schemaNames(ctx context.Context) ([]string, error) {
	rows, err := p.q(ctx, `select nspname from pg_catalog.pg_namespace
where left(nspname, 3) <> 'pg_' and nspname <> 'information_schema' order by nspname`, nil, 1)
	return firstColumn(rows), err
}

func (p *pgCatalog) relationNames(ctx context.Context, schema string, views bool) ([]string, error) {
	schema, err := p.schema(ctx, schema)
	if err != nil {
		return nil, err
	}
	kinds := `('r', 'p', 'f')`
	if views {
		kinds = `('v', 'm')`
	}
	rows, err := p.q(ctx, `select c.relname`+pgRel+` where n.nspname = :schema and c.relkind in `+kinds+` order by c.relname`,
		Params{"schema": schema}, 1)
	return firstColumn(rows), err
}

func (p *pgCatalog) args(ctx context.Context, table, schema string) (Params, error) {
	schema, err := p.schema(ctx, schema)
	if err != nil {
		return nil, err
	}
	return Params{"schema": schema, "table": table}, nil
}

func (p *pgCatalog) exists(ctx context.Context, table, schema string) (bool, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return false, err
	}
	rows, err := p.q(ctx, `select 1`+pgRel+pgWhere+` and c.relkind in ('r', 'p', 'f', 'v', 'm')`, args, 1)
	return len(rows) > 0, err
}

func (p *pgCatalog) columns(ctx context.Context, table, schema string) ([]ColumnInfo, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := p.q(ctx, `select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), not a.attnotnull,
  pg_catalog.pg_get_expr(d.adbin, d.adrelid), pg_catalog.col_description(c.oid, a.attnum),
  a.attidentity::text, a.attgenerated::text, t.typcategory::text`+pgRel+`
join pg_catalog.pg_attribute a on a.attrelid = c.oid
join pg_catalog.pg_type t on t.oid = a.atttypid
left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum`+pgWhere+`
  and a.attnum > 0 and not a.attisdropped
order by a.attnum`, args, 8)
	if err != nil {
		return nil, err
	}
	out := make([]ColumnInfo, 0, len(rows))
	for _, r := range rows {
		ci := ColumnInfo{Name: str(r[0]), Nullable: truth(r[2]), Comment: str(r[4])}
		if ci.Type, err = normalizeType("postgresql", str(r[1])); err != nil {
			return nil, err
		}
		def := strp(r[3])
		if id := str(r[5]); id == "a" || id == "d" {
			ci.Autoincrement = true
		}
		if def != nil && strings.HasPrefix(*def, "nextval(") {
			ci.Autoincrement, def = true, nil
		}
		if str(r[6]) == "s" { // a generated column: its expression is no default
			def = nil
		}
		ci.Default = normalizeDefault("postgresql", def, str(r[7]) == "S")
		out = append(out, ci)
	}
	return out, nil
}

// pgKeyColumns reads the columns of the constraints of contype in key order.
func (p *pgCatalog) keyColumns(ctx context.Context, table, schema, contype string) ([]string, map[string][]string, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return nil, nil, err
	}
	args["contype"] = contype
	rows, err := p.q(ctx, `select con.conname, a.attname`+pgRel+`
join pg_catalog.pg_constraint con on con.conrelid = c.oid
cross join lateral unnest(con.conkey) with ordinality k(attnum, ord)
join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum`+pgWhere+`
  and con.contype::text = :contype
order by con.conname, k.ord`, args, 2)
	if err != nil {
		return nil, nil, err
	}
	cols := map[string][]string{}
	names := groupKeys(rows, func(r []any) string { return str(r[0]) }, func(k string, r []any) {
		cols[k] = append(cols[k], str(r[1]))
	})
	return names, cols, nil
}

func (p *pgCatalog) primaryKey(ctx context.Context, table, schema string) (PrimaryKeyInfo, error) {
	names, cols, err := p.keyColumns(ctx, table, schema, "p")
	if err != nil || len(names) == 0 {
		return PrimaryKeyInfo{}, err
	}
	return PrimaryKeyInfo{Name: names[0], Columns: cols[names[0]]}, nil
}

func (p *pgCatalog) uniqueConstraints(ctx context.Context, table, schema string) ([]UniqueConstraintInfo, error) {
	names, cols, err := p.keyColumns(ctx, table, schema, "u")
	if err != nil {
		return nil, err
	}
	out := make([]UniqueConstraintInfo, 0, len(names))
	for _, n := range names {
		out = append(out, UniqueConstraintInfo{Name: n, Columns: cols[n]})
	}
	return out, nil
}

func (p *pgCatalog) foreignKeys(ctx context.Context, table, schema string) ([]ForeignKeyInfo, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := p.q(ctx, `select con.conname, a.attname, rn.nspname, rc.relname, ra.attname,
  con.confdeltype::text, con.confupdtype::text`+pgRel+`
join pg_catalog.pg_constraint con on con.conrelid = c.oid and con.contype = 'f'
join pg_catalog.pg_class rc on rc.oid = con.confrelid
join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
cross join lateral unnest(con.conkey, con.confkey) with ordinality k(att, ratt, ord)
join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.att
join pg_catalog.pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = k.ratt`+pgWhere+`
order by con.conname, k.ord`, args, 7)
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
				OnDelete: normalizeAction("postgresql", str(r[5])), OnUpdate: normalizeAction("postgresql", str(r[6]))}
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

func (p *pgCatalog) indexes(ctx context.Context, table, schema string) ([]IndexInfo, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	// indexes that back a constraint (primary key, unique, exclusion) are the
	// constraint's; an expression's attnum is 0 and has no attribute
	rows, err := p.q(ctx, `select ic.relname, i.indisunique, a.attname`+pgRel+`
join pg_catalog.pg_index i on i.indrelid = c.oid
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
cross join lateral unnest(i.indkey::int2[]) with ordinality k(att, ord)
left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = k.att and k.att > 0`+pgWhere+`
  and k.ord <= i.indnkeyatts
  and not exists (select 1 from pg_catalog.pg_constraint con where con.conindid = i.indexrelid and con.contype in ('p', 'u', 'x'))
order by ic.relname, k.ord`, args, 3)
	if err != nil {
		return nil, err
	}
	return foldIndexes(rows), nil
}

// foldIndexes folds rows of (name, unique, column) into indexes.
func foldIndexes(rows [][]any) []IndexInfo {
	byName := map[string]*IndexInfo{}
	var out []*IndexInfo
	groupKeys(rows, func(r []any) string { return str(r[0]) }, func(k string, r []any) {
		ix := byName[k]
		if ix == nil {
			ix = &IndexInfo{Name: k, Unique: truth(r[1])}
			byName[k] = ix
			out = append(out, ix)
		}
		ix.Columns = append(ix.Columns, str(r[2]))
	})
	return derefAll(out)
}

func (p *pgCatalog) checkConstraints(ctx context.Context, table, schema string) ([]CheckConstraintInfo, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return nil, err
	}
	rows, err := p.q(ctx, `select con.conname, pg_catalog.pg_get_constraintdef(con.oid)`+pgRel+`
join pg_catalog.pg_constraint con on con.conrelid = c.oid and con.contype = 'c'`+pgWhere+`
order by con.conname`, args, 2)
	if err != nil {
		return nil, err
	}
	out := make([]CheckConstraintInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, CheckConstraintInfo{Name: str(r[0]), SQLText: stripCheck(str(r[1]))})
	}
	return out, nil
}

func (p *pgCatalog) tableComment(ctx context.Context, table, schema string) (string, error) {
	args, err := p.args(ctx, table, schema)
	if err != nil {
		return "", err
	}
	rows, err := p.q(ctx, `select pg_catalog.obj_description(c.oid, 'pg_class')`+pgRel+pgWhere, args, 1)
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return str(rows[0][0]), nil
}

// derefAll copies the values of ps.
func derefAll[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}
