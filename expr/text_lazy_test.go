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
	if got := testing.AllocsPerRun(100, func() { textSink = Text("select :a") }); got != 1 {
		t.Errorf("Text allocates %v times, want 1", got)
	}
}

var textSink *TextClause
