package expr

import (
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
)

// TestTextParsesLazily: Text only keeps the SQL; the first compile parses it, once,
// and Columns and NoRows copies share that parse.
func TestTextParsesLazily(t *testing.T) {
	tx := Text("select :a, 'open")
	if tx.parsed.Load() != nil {
		t.Fatal("Text parsed its SQL")
	}
	early := tx.NoRows()
	if early.parsed.Load() != nil {
		t.Fatal("NoRows of an unparsed Text parsed it")
	}
	if _, err := Compile(namedDialect{name: "postgresql"}, dialect.Version{}, tx); err == nil {
		t.Fatal("Compile of an unterminated quote: no error")
	}
	p := tx.parsed.Load()
	if p == nil {
		t.Fatal("Compile did not keep the parse")
	}
	if tx.parse() != p || tx.Columns("a").parsed.Load() != p {
		t.Error("a second parse, or a copy that does not share it")
	}
	// The clause, and its cache key boxed once (so that running a kept Text
	// allocates no key).
	if got := testing.AllocsPerRun(100, func() { textSink = Text("select :a") }); got != 2 {
		t.Errorf("Text allocates %v times, want 2", got)
	}
	if got := testing.AllocsPerRun(100, func() { keySink = tx.CacheKey() }); got != 0 {
		t.Errorf("CacheKey of a Text allocates %v times, want 0", got)
	}
	if got := testing.AllocsPerRun(100, func() { keySink = tx.NoRows().CacheKey() }); got != 2 {
		t.Errorf("NoRows and CacheKey allocate %v times, want 2", got)
	}
	if tx.CacheKey() != Text(tx.SQL()).CacheKey() || tx.CacheKey() == tx.NoRows().CacheKey() {
		t.Error("CacheKey: the same SQL keyed apart, or a NoRows copy keyed as the original")
	}
}

var (
	textSink *TextClause
	keySink  any
)
