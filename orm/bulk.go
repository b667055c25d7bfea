package orm

import (
	"errors"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
)

// bulkMin is the smallest group of new objects worth the bulk path: below it, a
// multi-row INSERT's one round trip wins over reserving keys and a COPY.
const bulkMin = 256

// bulkInsert writes a large group of new objects through the dialect's bulk
// path (PostgreSQL: keys reserved from the sequence, then COPY), when it has
// one that fits; done reports whether it did. It fits a group that leaves no
// column to the database but the autoincrementing key, whose column types
// convert nothing.
func (f *flushRun) bulkInsert(conn *alchemy.Conn, m *mapper, cols, omitted []*colMap, sts []*state) (done bool, err error) {
	bl, ok := conn.Dialect().(dialect.BulkLoader)
	if !ok || len(sts) < bulkMin || len(omitted) > 1 || len(omitted) == 1 && omitted[0] != m.auto {
		return false, nil
	}
	for _, c := range m.cols {
		if c.spec.Converts {
			return false, nil
		}
	}
	schema, table := m.spec.Schema, m.table.Name()
	if len(omitted) == 1 {
		var keys []int64
		err := conn.Raw(func(dc any) error {
			var err error
			keys, err = bl.ReserveKeys(f.ctx, dc, schema, table, m.auto.name, len(sts))
			return err
		})
		if errors.Is(err, dialect.ErrNoKeySequence) {
			return false, nil
		}
		if err != nil {
			return true, err
		}
		for i, st := range sts {
			setInt(m.auto.fieldOf(st.obj), keys[i])
		}
		cols = append([]*colMap{m.auto}, cols...)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	row := make([]any, len(cols))
	src := dialect.FuncRows(len(sts), func(i int) ([]any, error) {
		for j, c := range cols {
			row[j] = c.value(sts[i].obj)
		}
		return row, nil
	})
	err = conn.Raw(func(dc any) error {
		_, err := bl.CopyRows(f.ctx, dc, schema, table, names, src)
		return err
	})
	if err != nil && f.ctx.Err() != nil {
		// A COPY cut off leaves the driver's connection closed under database/sql:
		// it must not go back to the pool.
		_ = conn.Invalidate()
	}
	return true, err
}
