package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
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
