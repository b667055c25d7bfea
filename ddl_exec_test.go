package alchemy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// ddlSchema is the schema the DDL execution test creates: every type, a cycle (org
// and thing reference each other), a composite primary key, keys with cascades,
// check, unique and Enum constraints, indexes, server defaults, reserved words as
// column names. Names carry a random suffix: other suites share the servers.
type ddlSchema struct {
	md  *expr.MetaData
	sfx string

	org     *expr.Table
	orgID   expr.Column[int64]
	orgName expr.Column[string]
	owner   expr.Column[int64]

	thing  *expr.Table
	id     expr.Column[int64]
	orgRef expr.Column[int64]
	small  expr.Column[int16]
	big    expr.Column[int64]
	s      expr.Column[string]
	txt    expr.Column[string]
	flag   expr.Column[bool]
	f      expr.Column[float64]
	num    expr.Column[string]
	d      expr.Column[time.Time]
	ts     expr.Column[time.Time]
	tstz   expr.Column[time.Time]
	tm     expr.Column[string]
	bin    expr.Column[[]byte]
	js     expr.Column[json.RawMessage]
	uid    expr.Column[string]
	status expr.Column[string]
	order  expr.Column[int64]
	user   expr.Column[string]
	span   expr.Column[string] // PostgreSQL only

	line   *expr.Table
	lineOf expr.Column[int64]
	lineNo expr.Column[int64]
	qty    expr.Column[int64]
}

func newDDLSchema(pg bool) *ddlSchema {
	s := &ddlSchema{md: expr.NewMetaData(), sfx: strconv.FormatUint(rand.Uint64()&0xffffffff, 36)}
	n := func(base string) string { return base + "_" + s.sfx }

	s.org = s.md.NewTable(n("ddl_org"), expr.TableComment("organisations"))
	s.orgID = expr.NewColumn(s.org, "id", expr.Integer, expr.PrimaryKey())
	s.orgName = expr.NewColumn(s.org, "name", expr.String(100), expr.NotNull(), expr.Unique(), expr.Comment("the org's name"))
	s.owner = expr.NewColumn(s.org, "owner_id", expr.BigInteger, expr.References(n("ddl_thing")+".id", expr.OnDelete("SET NULL")))

	s.thing = s.md.NewTable(n("ddl_thing"),
		expr.CheckConstraint(n("ck_small"), "small >= 0"),
		expr.UniqueIndex(n("ux_big"), "big"))
	t := s.thing
	s.id = expr.NewColumn(t, "id", expr.BigInteger, expr.PrimaryKey())
	s.orgRef = expr.NewColumn(t, "org_id", expr.Integer, expr.References(s.orgID, expr.OnDelete("CASCADE")))
	s.small = expr.NewColumn(t, "small", expr.SmallInteger)
	s.big = expr.NewColumn(t, "big", expr.BigInteger, expr.NotNull())
	s.s = expr.NewColumn(t, "s", expr.String(20), expr.Indexed())
	s.txt = expr.NewColumn(t, "txt", expr.TextType)
	s.flag = expr.NewColumn(t, "flag", expr.Boolean)
	s.f = expr.NewColumn(t, "f", expr.Float)
	s.num = expr.NewColumn(t, "num", expr.Numeric(10, 2))
	s.d = expr.NewColumn(t, "d", expr.Date)
	s.ts = expr.NewColumn(t, "ts", expr.DateTime(false))
	s.tstz = expr.NewColumn(t, "tstz", expr.DateTime(true))
	s.tm = expr.NewColumn(t, "tm", expr.Time)
	s.bin = expr.NewColumn(t, "bin", expr.LargeBinary)
	s.js = expr.NewColumn(t, "js", expr.JSON)
	s.uid = expr.NewColumn(t, "uid", expr.UUID)
	s.status = expr.NewColumn(t, "status", expr.Enum(n("ck_status"), "new", "done"), expr.NotNull(), expr.ServerDefault("'new'"))
	s.order = expr.NewColumn(t, "order", expr.Integer, expr.NotNull(), expr.ServerDefault("7"))
	s.user = expr.NewColumn(t, "user", expr.String(10))
	if pg {
		s.span = expr.NewColumn(t, "span", expr.Interval)
	}

	s.line = s.md.NewTable(n("ddl_line"),
		expr.ForeignKeyConstraint([]string{"thing_id"}, n("ddl_thing"), []string{"id"}, expr.OnDelete("CASCADE")))
	s.lineOf = expr.NewColumn(s.line, "thing_id", expr.BigInteger, expr.PrimaryKey())
	s.lineNo = expr.NewColumn(s.line, "no", expr.Integer, expr.PrimaryKey())
	s.qty = expr.NewColumn(s.line, "qty", expr.Integer, expr.NotNull())
	return s
}

func TestDDLExec(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		url := tg.URL
		if tg.Name == testdb.SQLite {
			url += "?foreign_keys=on"
		}
		eng := newEngine(t, url)
		ctx := context.Background()
		pg := tg.Name == testdb.PostgreSQL
		s := newDDLSchema(pg)
		t.Cleanup(func() {
			if err := expr.DropAll(context.Background(), eng, s.md); err != nil {
				t.Errorf("DropAll in cleanup: %v", err)
			}
		})

		if err := expr.CreateAll(ctx, eng, s.md); err != nil {
			t.Fatalf("CreateAll: %v", err)
		}
		exec := func(stmt expr.Statement) error {
			t.Helper()
			res, err := eng.Execute(ctx, stmt)
			if err != nil {
				return err
			}
			return res.Close()
		}
		mustExec := func(stmt expr.Statement) {
			t.Helper()
			if err := exec(stmt); err != nil {
				t.Fatal(err)
			}
		}

		// The cycle: an org, a thing of it, the org owned by the thing.
		// The org's id comes from the database: the table's single integer key
		// autoincrements.
		mustExec(s.org.Insert().Values(expr.Params{"name": "acme"}))
		var orgID int64
		res, err := eng.Execute(ctx, s.org.Select(s.orgID).Where(s.orgName.Eq("acme")))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Next() || res.Scan(s.orgID.Into(&orgID)) != nil || orgID <= 0 {
			t.Errorf("the org's id = %d (%v), want one given by the database", orgID, res.Err())
		}
		res.Close()
		ts := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
		js := json.RawMessage(`{"a": [1, 2]}`)
		row := expr.Params{
			"id": int64(10), "org_id": orgID, "small": int16(3), "big": int64(1) << 40, "s": "ess",
			"txt": "long text", "flag": true, "f": 2.5, "num": "12.50", "d": ts, "ts": ts, "tstz": ts,
			"tm": "10:11:12", "bin": []byte{0, 1, 255}, "js": js, "uid": "6f1c1c5e-0c1f-4a43-9c1a-1d6c2b9f0a11",
			"user": "ed",
		}
		if pg {
			row["span"] = "1 day"
		}
		mustExec(s.thing.Insert().Values(row))
		mustExec(s.org.Update().Set(s.owner, int64(10)).Where(s.orgID.Eq(orgID)))
		mustExec(s.line.Insert().Values(expr.Params{"thing_id": int64(10), "no": int64(1), "qty": int64(2)}, expr.Params{"thing_id": int64(10), "no": int64(2), "qty": int64(5)}))

		// Read back through the expression language.
		var (
			small             int16
			big, order, owner int64
			str, txt, num, tm string
			uid, status, user string
			flag              bool
			f                 float64
			d, tsv, tstz      time.Time
			bin               []byte
			jsv               json.RawMessage
		)
		res, err = eng.Execute(ctx, s.thing.Select(s.small, s.big, s.s, s.txt, s.flag, s.f, s.num, s.d, s.ts, s.tstz, s.tm, s.bin, s.js, s.uid, s.status, s.order, s.user).Where(s.id.Eq(10)))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Next() {
			res.Close()
			t.Fatalf("the row is not there: %v", res.Err())
		}
		err = res.Scan(s.small.Into(&small), s.big.Into(&big), s.s.Into(&str), s.txt.Into(&txt), s.flag.Into(&flag), s.f.Into(&f),
			s.num.Into(&num), s.d.Into(&d), s.ts.Into(&tsv), s.tstz.Into(&tstz), s.tm.Into(&tm), s.bin.Into(&bin), s.js.Into(&jsv),
			s.uid.Into(&uid), s.status.Into(&status), s.order.Into(&order), s.user.Into(&user))
		res.Close()
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		if small != 3 || big != 1<<40 || str != "ess" || txt != "long text" || !flag || f != 2.5 || user != "ed" {
			t.Errorf("read back %v %v %q %q %v %v %q", small, big, str, txt, flag, f, user)
		}
		if n, err := strconv.ParseFloat(num, 64); err != nil || n != 12.5 {
			t.Errorf("num = %q", num)
		}
		if d.Format("2006-01-02") != "2024-03-04" || !tsv.Equal(ts) || !tstz.Equal(ts) {
			t.Errorf("times: %v %v %v", d, tsv, tstz)
		}
		if tm != "10:11:12" {
			t.Errorf("tm = %q", tm)
		}
		if !bytes.Equal(bin, []byte{0, 1, 255}) {
			t.Errorf("bin = %v", bin)
		}
		var gotJS, wantJS any
		if err := json.Unmarshal(jsv, &gotJS); err != nil {
			t.Errorf("js %q: %v", jsv, err)
		}
		_ = json.Unmarshal(js, &wantJS)
		if !reflect.DeepEqual(gotJS, wantJS) {
			t.Errorf("js = %s", jsv)
		}
		if uid != "6f1c1c5e-0c1f-4a43-9c1a-1d6c2b9f0a11" {
			t.Errorf("uid = %q", uid)
		}
		if status != "new" || order != 7 {
			t.Errorf("server defaults: status %q, order %d; want new, 7", status, order)
		}
		res, err = eng.Execute(ctx, s.org.Select(s.owner).Where(s.orgID.Eq(orgID)))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Next() || res.Scan(s.owner.Into(&owner)) != nil || owner != 10 {
			t.Errorf("org's owner = %d (%v)", owner, res.Err())
		}
		res.Close()
		if pg {
			var span string
			res, err := eng.Execute(ctx, s.thing.Select(s.span).Where(s.id.Eq(10)))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Next() || res.Scan(s.span.Into(&span)) != nil || span != "1 day" {
				t.Errorf("span = %q (%v)", span, res.Err())
			}
			res.Close()
		}

		// Constraints fire.
		bad := func(what string, stmt expr.Statement) {
			t.Helper()
			if err := exec(stmt); err == nil {
				t.Errorf("%s: no error", what)
			}
		}
		base := func(id int64) expr.Params {
			return expr.Params{"id": id, "org_id": orgID, "big": id, "small": int16(0), "status": "done"}
		}
		ok := base(11)
		mustExec(s.thing.Insert().Values(ok)) // the base row is good
		neg := base(12)
		neg["small"] = int16(-1)
		bad("check constraint", s.thing.Insert().Values(neg))
		enum := base(13)
		enum["status"] = "nope"
		bad("Enum", s.thing.Insert().Values(enum))
		bad("foreign key", s.line.Insert().Values(expr.Params{"thing_id": int64(999), "no": int64(1), "qty": int64(1)}))
		bad("unique index", s.thing.Insert().Values(expr.Params{"id": int64(14), "big": int64(11)}))
		bad("unique column", s.org.Insert().Values(expr.Params{"name": "acme"}))
		bad("composite primary key", s.line.Insert().Values(expr.Params{"thing_id": int64(10), "no": int64(1), "qty": int64(1)}))
		bad("not null", s.line.Insert().Values(expr.Params{"thing_id": int64(10), "no": int64(3), "qty": nil}))

		// A second org takes the next id.
		mustExec(s.org.Insert().Values(expr.Params{"name": "second"}))
		if n := count(t, eng, s.org); n != 2 {
			t.Errorf("orgs: %d, want 2", n)
		}

		// checkfirst: again is a no-op, and keeps the rows.
		if err := expr.CreateAll(ctx, eng, s.md); err != nil {
			t.Fatalf("CreateAll again: %v", err)
		}
		if n := count(t, eng, s.line); n != 2 {
			t.Errorf("lines after CreateAll again: %d, want 2", n)
		}
		if err := expr.CreateAll(ctx, eng, s.md, expr.CheckFirst(false)); err == nil {
			t.Errorf("CreateAll without checkfirst over existing tables did not fail")
		}

		// ON DELETE CASCADE through thing to line.
		mustExec(s.thing.Delete().Where(s.id.Eq(10)))
		if n := count(t, eng, s.line); n != 0 {
			t.Errorf("lines after the thing's delete: %d, want 0 (cascade)", n)
		}

		// DropAll, with rows in the cycle, leaves nothing: every statement of the
		// tables fails, and CreateAll then creates it all again (no index or
		// constraint left to collide with).
		mustExec(s.org.Update().Set(s.owner, int64(11)).Where(s.orgID.Eq(orgID)))
		if err := expr.DropAll(ctx, eng, s.md); err != nil {
			t.Fatalf("DropAll: %v", err)
		}
		for _, tb := range []*expr.Table{s.org, s.thing, s.line} {
			if err := exec(expr.Select(expr.Count()).From(tb)); err == nil {
				t.Errorf("table %s is still there after DropAll", tb.Name())
			}
		}
		if err := expr.DropAll(ctx, eng, s.md); err != nil {
			t.Errorf("DropAll of nothing (checkfirst): %v", err)
		}
		if err := expr.CreateAll(ctx, eng, s.md, expr.CheckFirst(false)); err != nil {
			t.Fatalf("CreateAll after DropAll: %v", err)
		}
	})
}

// count returns how many rows tb has.
func count(t *testing.T, eng *alchemy.Engine, tb *expr.Table) int64 {
	t.Helper()
	res, err := eng.Execute(context.Background(), expr.Select(expr.Count()).From(tb))
	if err != nil {
		t.Fatal(err)
	}
	n, err := alchemy.Scalar[int64](res)
	if err != nil {
		t.Fatal(fmt.Errorf("count of %s: %w", tb.Name(), err))
	}
	return n
}

// TestDDLExecInterval: a type the dialect lacks is an error naming the type, the
// column and the dialect, and nothing is created.
func TestDDLExecInterval(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		if tg.Name == testdb.PostgreSQL {
			t.Skip("PostgreSQL has INTERVAL")
		}
		eng := newEngine(t, tg.URL)
		s := newDDLSchema(true)
		err := expr.CreateAll(context.Background(), eng, s.md)
		if err == nil {
			_ = expr.DropAll(context.Background(), eng, s.md)
			t.Fatal("CreateAll of an INTERVAL column succeeded")
		}
		for _, w := range []string{"INTERVAL", s.thing.Name() + ".span", tg.Name} {
			if !bytes.Contains([]byte(err.Error()), []byte(w)) {
				t.Errorf("error %q does not name %q", err, w)
			}
		}
	}, testdb.SQLite, testdb.MySQL)
}
