package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

type audit struct {
	CreatedBy string `db:"created_by"`
}

type item struct {
	ID    int64          `db:"id"`
	Name  string         `db:"name"`
	Note  sql.NullString `db:"note"`
	Score float64        // untagged: takes the column "score"
	Skip  string         `db:"-"`
	audit                // embedded: its fields are flattened
}

// TestScanGenerics: ScanAll, ScanOne, ScanFirst, Scalar and Scalars into structs by
// db tag and into single values.
func TestScanGenerics(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := makeTable(t, eng, idColumn(tg)+", name varchar(50), note varchar(50), score float, created_by varchar(20)")
		ctx := context.Background()
		_, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name, note, score, created_by) values ('ann', 'hi', 1.5, 'root')"))
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, eng, "insert into "+table+" (name, note, score, created_by) values ('bob', null, 2.5, 'root')")
		q := func(sql string) *alchemy.Result {
			t.Helper()
			res, err := eng.Execute(ctx, alchemy.Text(sql))
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			return res
		}
		all := "select id, name, note, score, created_by from " + table + " order by id"
		none := all[:strings.Index(all, " order")] + " where id < 0"

		items, err := alchemy.All[item](q(all))
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 {
			t.Fatalf("%d items", len(items))
		}
		a, b := items[0], items[1]
		if a.Name != "ann" || !a.Note.Valid || a.Note.String != "hi" || a.Score != 1.5 || a.CreatedBy != "root" || a.ID == 0 {
			t.Errorf("first item %+v", a)
		}
		if b.Name != "bob" || b.Note.Valid || b.Score != 2.5 {
			t.Errorf("second item %+v", b)
		}
		if empty, err := alchemy.All[item](q(none)); err != nil || len(empty) != 0 {
			t.Errorf("All of nothing: %v, %v", empty, err)
		}

		one, err := alchemy.One[item](q("select id, name from " + table + " where name = 'bob'"))
		if err != nil || one.Name != "bob" {
			t.Errorf("ScanOne: %+v, %v", one, err)
		}
		if _, err := alchemy.One[item](q(all)); !errors.Is(err, alchemy.ErrMultipleRows) {
			t.Errorf("ScanOne of two: %v, want ErrMultipleRows", err)
		}
		if _, err := alchemy.One[item](q(none)); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("ScanOne of nothing: %v, want ErrNoRows", err)
		}
		first, err := alchemy.First[item](q(all))
		if err != nil || first.Name != "ann" {
			t.Errorf("ScanFirst: %+v, %v", first, err)
		}
		if _, err := alchemy.First[item](q(none)); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("ScanFirst of nothing: %v, want ErrNoRows", err)
		}
		names, err := alchemy.All[string](q("select name from " + table + " order by id"))
		if err != nil || strings.Join(names, ",") != "ann,bob" {
			t.Errorf("All[string]: %v, %v", names, err)
		}
		if n, err := alchemy.Scalar[int64](q("select count(*) from " + table)); err != nil || n != 2 {
			t.Errorf("Scalar[int64]: %d, %v", n, err)
		}
		if s, err := alchemy.Scalar[string](q("select name, id from " + table + " order by id")); err != nil || s != "ann" {
			t.Errorf("Scalar[string] of a two-column row: %q, %v", s, err)
		}
		if _, err := alchemy.Scalar[int64](q(none)); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("Scalar of nothing: %v, want ErrNoRows", err)
		}
		if ss, err := alchemy.Scalars[string](q("select name from " + table + " order by id desc")); err != nil || strings.Join(ss, ",") != "bob,ann" {
			t.Errorf("Scalars[string]: %v, %v", ss, err)
		}

		// A column no field takes, a wrong type, several columns into one value.
		if _, err := alchemy.All[item](q("select id, name as nickname from " + table)); err == nil || !strings.Contains(err.Error(), "nickname") {
			t.Errorf("unmapped column: %v", err)
		}
		if _, err := alchemy.All[struct {
			Name int64 `db:"name"`
		}](q("select name from " + table)); err == nil {
			t.Error("scanning text into an int64 field succeeded")
		}
		if _, err := alchemy.All[string](q("select id, name from " + table)); err == nil {
			t.Error("scanning two columns into a string succeeded")
		}
		// Every helper closed its Result (the engine checks nothing is left checked out).
	})
}

// ScanAudit is embedded by pointer in auditedRow (exported: the scan sets it).
type ScanAudit struct {
	CreatedBy string `db:"created_by"`
}

type auditedRow struct {
	ID int64 `db:"id"`
	*ScanAudit
}

type nullableRow struct {
	ID    int64          `db:"id"`
	Note  sql.NullString `db:"note"`
	Ptr   *string        `db:"ptr"`
	Data  []byte         `db:"data"`
	Extra any            `db:"extra"`
	Who   appendScanner  `db:"created_by"`
}

// appendScanner appends what it scans: a value scanned into twice shows it.
type appendScanner []string

func (a *appendScanner) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*a = append(*a, v)
	case []byte:
		*a = append(*a, string(v))
	default:
		return fmt.Errorf("appendScanner: %T", src)
	}
	return nil
}

// TestAllKeepsRowsApart: each row All reads is its own, as if scanned into a fresh
// value: a NULL after a value leaves the zero value (no value of the row before
// shows through), and no two rows share a pointer or bytes; again when the next
// All reads the same columns; and for pointer targets and embedded pointers.
func TestAllKeepsRowsApart(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := makeTable(t, eng, "id integer primary key, note varchar(20), ptr varchar(20), data varchar(20), extra integer, created_by varchar(20)")
		mustExec(t, eng, "insert into "+table+" (id, note, ptr, data, extra, created_by) values"+
			" (1, 'n1', 'p1', 'd1', 10, 'ann'), (2, null, null, null, null, 'bob'), (3, 'n3', 'p3', 'd3', 30, 'cy'), (4, null, null, null, null, 'dee')")
		ctx := context.Background()
		q := func(sql string) *alchemy.Result {
			t.Helper()
			res, err := eng.Execute(ctx, alchemy.Text(sql))
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			return res
		}
		cols := "select id, note, ptr, data, extra, created_by from " + table
		rows, err := alchemy.All[nullableRow](q(cols + " order by id"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 {
			t.Fatalf("%d rows", len(rows))
		}
		for i, r := range rows {
			if len(r.Who) != 1 || r.Who[0] != []string{"ann", "bob", "cy", "dee"}[i] {
				t.Errorf("row %d was scanned into a value not fresh: %q", r.ID, r.Who)
			}
			if r.ID%2 == 0 {
				if r.Note.Valid || r.Ptr != nil || r.Data != nil || r.Extra != nil {
					t.Errorf("row %d of NULLs: %+v", r.ID, r)
				}
				continue
			}
			want := strconv.FormatInt(r.ID, 10)
			if r.Note.String != "n"+want || r.Ptr == nil || *r.Ptr != "p"+want || string(r.Data) != "d"+want || r.Extra == nil {
				t.Errorf("row %d: %+v", r.ID, r)
			}
		}
		if rows[0].Ptr == rows[2].Ptr {
			t.Error("rows 1 and 3 share their *string")
		}
		rows[0].Data[0] = 'X'
		if string(rows[2].Data) != "d3" {
			t.Errorf("rows 1 and 3 share their bytes: row 3 has %q", rows[2].Data)
		}
		// The next All of these columns: NULLs only, then values only.
		nulls, err := alchemy.All[nullableRow](q(cols + " where id in (2, 4) order by id"))
		if err != nil || len(nulls) != 2 {
			t.Fatalf("All of the NULL rows: %v, %v", nulls, err)
		}
		for _, r := range nulls {
			if len(r.Who) != 1 {
				t.Errorf("row %d was scanned into a value not fresh, second All: %q", r.ID, r.Who)
			}
			if r.Note.Valid || r.Ptr != nil || r.Data != nil || r.Extra != nil {
				t.Errorf("row %d of NULLs, second All: %+v", r.ID, r)
			}
		}

		ptrs, err := alchemy.All[*nullableRow](q(cols + " order by id"))
		if err != nil || len(ptrs) != 4 {
			t.Fatalf("All[*nullableRow]: %v, %v", ptrs, err)
		}
		if ptrs[0] == ptrs[1] || len(ptrs[3].Who) != 1 || ptrs[0].ID != 1 || ptrs[1].ID != 2 || ptrs[1].Ptr != nil || ptrs[2].Ptr == nil || *ptrs[2].Ptr != "p3" {
			t.Errorf("All[*nullableRow]: %+v %+v %+v", ptrs[0], ptrs[1], ptrs[2])
		}

		audited, err := alchemy.All[auditedRow](q("select id, created_by from " + table + " order by id"))
		if err != nil || len(audited) != 4 {
			t.Fatalf("All[auditedRow]: %v, %v", audited, err)
		}
		for i, r := range audited {
			if r.ScanAudit == nil || r.CreatedBy != []string{"ann", "bob", "cy", "dee"}[i] {
				t.Errorf("row %d: %+v", i+1, r.ScanAudit)
			}
		}
		if audited[0].ScanAudit == audited[1].ScanAudit {
			t.Error("rows 1 and 2 share their *ScanAudit")
		}
	})
}

// TestAllColumnListsOfOneType: one struct type read from several column lists in
// turn, and from goroutines at once (run with -race), gets each list's fields.
func TestAllColumnListsOfOneType(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, "sqlite://")
	table := makeTable(t, eng, "id integer primary key, name varchar(20), score float")
	mustExec(t, eng, "insert into "+table+" (id, name, score) values (1, 'ann', 1.5), (2, 'bob', 2.5)")
	ctx := context.Background()
	check := func(query string, want []item) error {
		res, err := eng.Execute(ctx, alchemy.Text(query))
		if err != nil {
			return err
		}
		got, err := alchemy.All[item](res)
		if err != nil {
			return err
		}
		if len(got) != len(want) {
			return fmt.Errorf("%s: %d rows, want %d", query, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				return fmt.Errorf("%s: row %d is %+v, want %+v", query, i, got[i], want[i])
			}
		}
		return nil
	}
	queries := []struct {
		sql  string
		want []item
	}{
		{"select id, name from " + table + " order by id", []item{{ID: 1, Name: "ann"}, {ID: 2, Name: "bob"}}},
		{"select score, id from " + table + " order by id", []item{{ID: 1, Score: 1.5}, {ID: 2, Score: 2.5}}},
		{"select name from " + table + " order by id desc", []item{{Name: "bob"}, {Name: "ann"}}},
		{"select id, name, score from " + table + " order by id", []item{{ID: 1, Name: "ann", Score: 1.5}, {ID: 2, Name: "bob", Score: 2.5}}},
	}
	for round := range 2 {
		for _, q := range queries {
			if err := check(q.sql, q.want); err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				q := queries[(i+w)%len(queries)]
				if err := check(q.sql, q.want); err != nil {
					t.Errorf("goroutine %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
