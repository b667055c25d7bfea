package mssql_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mssql"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
)

func TestRegisteredNames(t *testing.T) {
	for _, n := range []string{"mssql", "mssql+gomssqldb", "mssql+pyodbc", "mssql+pymssql", "mssql+aioodbc", "mssql+mssqlpython"} {
		if !slices.Contains(mssql.Names(), n) {
			t.Errorf("Names() lacks %q", n)
		}
		d, err := dialect.Lookup(n)
		if err != nil {
			t.Errorf("Lookup(%q): %v", n, err)
			continue
		}
		if d.Name() != "mssql" || d.Driver() != mssql.DriverName {
			t.Errorf("Lookup(%q) = %s+%s", n, d.Name(), d.Driver())
		}
	}
	names := mssql.Names()
	names[0] = "changed"
	if mssql.Names()[0] != "mssql" {
		t.Error("Names shares its slice with the caller")
	}
}

func TestDialectBasics(t *testing.T) {
	d := mssql.MSSQL
	if d.Paramstyle() != dialect.AtP || d.Paramstyle().Placeholder(2) != "@p2" {
		t.Errorf("paramstyle %v", d.Paramstyle())
	}
	c, r, rb := d.SavepointSQL("sa_savepoint_1")
	if c != "SAVE TRANSACTION sa_savepoint_1" || r != "" || rb != "ROLLBACK TRANSACTION sa_savepoint_1" {
		t.Errorf("SavepointSQL = %q, %q, %q", c, r, rb)
	}
	if c, _, _ := d.SavepointSQL("tran"); c != "SAVE TRANSACTION [tran]" {
		t.Errorf("reserved savepoint name: %q", c)
	}
	opts := d.Options()
	for _, want := range []string{"encrypt", "TrustServerCertificate", "app name", "connection timeout", "dial timeout", "instance", "driver"} {
		if !slices.Contains(opts, want) {
			t.Errorf("Options() lacks %q", want)
		}
	}
	if !slices.IsSortedFunc(opts, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Error("Options() is not sorted")
	}
}

func TestQuoteIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"users":       "users",
		"UserName":    "UserName",
		"select":      "[select]",
		"User":        "[User]",
		"transaction": "[transaction]",
		"my table":    "[my table]",
		"a]b":         "[a]]b]",
		"[x]":         "[[x]]]",
		"1st":         "[1st]",
		"#temp":       "[#temp]",
		"":            "[]",
	} {
		if got := mssql.MSSQL.QuoteIdentifier(in); got != want {
			t.Errorf("QuoteIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mssql.MSSQL.Quote("plain"); got != "[plain]" {
		t.Errorf("Quote = %q", got)
	}
}

func TestServerVersion(t *testing.T) {
	fd := fakedriver.New()
	defer fd.Close()
	var asked []string
	answer := "16.0.4135.4"
	fd.OnQuery(func(q string, _ []any) ([]string, [][]any, error) {
		asked = append(asked, q)
		if answer == "" {
			return nil, nil, errors.New("no such function")
		}
		return []string{"v"}, [][]any{{answer}}, nil
	})
	db := sql.OpenDB(fd.Connector())
	defer db.Close()
	ctx := context.Background()
	v, err := mssql.MSSQL.ServerVersion(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if v.Major != 16 || v.Minor != 0 || v.Patch != 4135 || v.Raw != "16.0.4135.4" {
		t.Errorf("ServerVersion = %+v", v)
	}
	if len(asked) != 1 || asked[0] != mssql.VersionQuery {
		t.Errorf("asked %q", asked)
	}
	answer = "garbage"
	if _, err := mssql.MSSQL.ServerVersion(ctx, db); err == nil || !strings.HasPrefix(err.Error(), "alchemy: mssql: ") {
		t.Errorf("unparseable version: %v", err)
	}
	answer = ""
	if _, err := mssql.MSSQL.ServerVersion(ctx, db); err == nil || !strings.Contains(err.Error(), "no such function") {
		t.Errorf("failed query: %v", err)
	}
}
