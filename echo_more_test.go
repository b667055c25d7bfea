package alchemy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// echoKind names what an echoed statement is: the transaction statements by their
// verb, anything else "stmt".
func echoKind(sql string) string {
	s := strings.ToUpper(strings.TrimSpace(sql))
	for _, k := range []string{"ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT", "SAVEPOINT", "COMMIT", "ROLLBACK"} {
		if strings.HasPrefix(s, k) {
			return k
		}
	}
	if strings.HasPrefix(s, "BEGIN") || strings.HasPrefix(s, "START TRANSACTION") {
		return "BEGIN"
	}
	return "stmt"
}

// TestEchoTxStatementsHidden: with Echo and HideParameters, every BEGIN, COMMIT,
// ROLLBACK and savepoint statement the engine sends is logged, in order, with no
// params attribute; statements with parameters show "[hidden]" and those without show
// none; no value appears anywhere in the log, failures included.
func TestEchoTxStatementsHidden(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		var logs logCapture
		eng := newEngine(t, tg.URL, alchemy.Echo(true), alchemy.HideParameters(true), alchemy.Logger(logs.logger()))
		table := itemsTable(t, eng, tg)
		ctx := context.Background()
		const secret = "s3cret-value"
		insert := alchemy.Text("insert into " + table + " (name) values (:n)")

		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err = c.Execute(ctx, insert, secret)
		must(err)
		mustExec(t, c, "select count(*) from "+table)
		sp, err := c.BeginNested(ctx)
		must(err)
		must(sp.Commit(ctx))
		sp, err = c.BeginNested(ctx)
		must(err)
		must(sp.Rollback(ctx))
		must(tx.Commit(ctx))
		tx, err = c.Begin(ctx)
		must(err)
		must(tx.Rollback(ctx))
		c.Close()
		must(alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			_, err := eng.Execute(ctx, insert, secret)
			return err
		}))
		if _, err := eng.Execute(ctx, alchemy.Text("insert into no_such_table_alc (name) values (:n)"), secret); err == nil {
			t.Fatal("an insert into a missing table did not fail")
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows a hidden parameter: %v", err)
		}

		want := []string{"BEGIN", "stmt", "stmt", "SAVEPOINT", "RELEASE SAVEPOINT", "SAVEPOINT", "ROLLBACK TO SAVEPOINT",
			"COMMIT", "BEGIN", "ROLLBACK", "BEGIN", "stmt", "COMMIT", "stmt"}
		var got []string
		for _, r := range withMsg(logs.records(t), "alchemy: execute") {
			sql, _ := r["sql"].(string)
			if strings.Contains(sql, "drop table") || strings.Contains(sql, "create table") {
				continue
			}
			k := echoKind(sql)
			got = append(got, k)
			p, hasParams := r["params"]
			switch {
			case k != "stmt" && hasParams:
				t.Errorf("%s logged with params %v", sql, p)
			case k == "stmt" && strings.Contains(sql, placeholder(tg)):
				if p != "[hidden]" {
					t.Errorf("%s logged with params %v, want [hidden]", sql, p)
				}
			case k == "stmt" && hasParams:
				t.Errorf("%s, which has no parameters, logged with params %v", sql, p)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("echoed statements\n got %v\nwant %v\nlog:\n%s", got, want, logs.String())
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("a hidden parameter is in the log:\n%s", logs.String())
		}
	})
}
