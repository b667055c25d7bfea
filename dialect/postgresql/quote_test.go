package postgresql_test

import (
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/postgresql"
)

func TestQuoteIdentifier(t *testing.T) {
	tests := []struct{ in, want string }{
		{"users", "users"},
		{"user_id", "user_id"},
		{"a$1", "a$1"},
		{"user", `"user"`}, // reserved in PostgreSQL
		{"select", `"select"`},
		{"order", `"order"`},
		{"lateral", `"lateral"`},
		{"authorization", `"authorization"`}, // reserved, can be a function or type
		{"system_user", `"system_user"`},     // reserved since PostgreSQL 16
		{"name", "name"},                     // a non-reserved key word
		{"UserName", `"UserName"`},           // bare names fold to lower case
		{"SELECT", `"SELECT"`},
		{"1st", `"1st"`},
		{"with space", `"with space"`},
		{`we"ird`, `"we""ird"`},
		{`"`, `""""`},
		{"", `""`},
		{"naïve", `"naïve"`},
	}
	d := postgresql.Dialect{}
	for _, tt := range tests {
		if got := d.QuoteIdentifier(tt.in); got != tt.want {
			t.Errorf("QuoteIdentifier(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := d.Quote("plain"); got != `"plain"` {
		t.Errorf("Quote(plain) = %s", got)
	}
}

func TestSavepointSQL(t *testing.T) {
	d := postgresql.Dialect{}
	c, r, rb := d.SavepointSQL("sp1")
	if c != "SAVEPOINT sp1" || r != "RELEASE SAVEPOINT sp1" || rb != "ROLLBACK TO SAVEPOINT sp1" {
		t.Errorf("SavepointSQL(sp1) = %q, %q, %q", c, r, rb)
	}
	c, r, rb = d.SavepointSQL("Sp")
	if c != `SAVEPOINT "Sp"` || r != `RELEASE SAVEPOINT "Sp"` || rb != `ROLLBACK TO SAVEPOINT "Sp"` {
		t.Errorf("SavepointSQL(Sp) = %q, %q, %q", c, r, rb)
	}
}

func TestParamstyle(t *testing.T) {
	if p := (postgresql.Dialect{}).Paramstyle(); p != dialect.Dollar || p.Placeholder(2) != "$2" {
		t.Errorf("Paramstyle = %v", p)
	}
}
