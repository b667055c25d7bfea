package sqlite_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/sqlite"
)

func TestDSN(t *testing.T) {
	const dflt = "_busy_timeout=5000"
	tests := []struct {
		name string
		url  string
		args map[string]any
		want string
	}{
		{"memory, empty", "sqlite://", nil, "file::memory:?" + dflt},
		{"memory, named", "sqlite:///:memory:", nil, "file::memory:?" + dflt},
		{"relative", "sqlite:///relative.db", nil, "file:relative.db?" + dflt},
		{"relative dir", "sqlite:///data/app.db", nil, "file:data/app.db?" + dflt},
		{"absolute", "sqlite:////tmp/app.db", nil, "file:///tmp/app.db?" + dflt},
		{"escapes", "sqlite:////tmp/a%3Fb%23c%25d%20e.db", nil, "file:///tmp/a%3Fb%23c%25d%20e.db?" + dflt},
		{"python driver name", "sqlite+pysqlite:///x.db", nil, "file:x.db?" + dflt},
		{"foreign keys on", "sqlite:///x.db?foreign_keys=on", nil, "file:x.db?" + dflt + "&_foreign_keys=1"},
		{"foreign keys false", "sqlite:///x.db?foreign_keys=false", nil, "file:x.db?" + dflt + "&_foreign_keys=0"},
		{"journal mode", "sqlite:///x.db?journal_mode=WAL", nil, "file:x.db?" + dflt + "&_journal_mode=wal"},
		{"synchronous", "sqlite:///x.db?synchronous=NORMAL", nil, "file:x.db?" + dflt + "&_synchronous=normal"},
		{"busy timeout", "sqlite:///x.db?busy_timeout=250", nil, "file:x.db?_busy_timeout=250"},
		{"busy timeout zero", "sqlite:///x.db?busy_timeout=0", nil, "file:x.db?_busy_timeout=0"},
		{"pysqlite timeout", "sqlite:///x.db?timeout=1.5", nil, "file:x.db?_busy_timeout=1500"},
		{"txlock", "sqlite:///x.db?txlock=IMMEDIATE", nil, "file:x.db?" + dflt + "&_txlock=immediate"},
		{"read only", "sqlite:///x.db?mode=ro", nil, "file:x.db?mode=ro&" + dflt},
		{"shared memory", "sqlite://?cache=shared", nil, "file::memory:?cache=shared&" + dflt},
		{"immutable", "sqlite:///x.db?immutable=true&nolock=0", nil, "file:x.db?immutable=1&" + dflt},
		{"uri", "sqlite:///file:data.db?mode=ro&uri=true", nil, "file:data.db?mode=ro&" + dflt},
		{"check_same_thread ignored", "sqlite:///x.db?check_same_thread=false", nil, "file:x.db?" + dflt},
		{"all pragmas", "sqlite:///x.db?synchronous=full&journal_mode=delete&foreign_keys=1&busy_timeout=10", nil,
			"file:x.db?_busy_timeout=10&_foreign_keys=1&_journal_mode=delete&_synchronous=full"},
		{"args override query", "sqlite:///x.db?foreign_keys=on", map[string]any{"foreign_keys": false},
			"file:x.db?" + dflt + "&_foreign_keys=0"},
		{"typed duration", "sqlite:///x.db", map[string]any{"busy_timeout": 2 * time.Second}, "file:x.db?_busy_timeout=2000"},
		{"typed int", "sqlite:///x.db", map[string]any{"busy_timeout": 42}, "file:x.db?_busy_timeout=42"},
		{"typed float timeout", "sqlite:///x.db", map[string]any{"timeout": 0.25}, "file:x.db?_busy_timeout=250"},
		{"nil arg removes", "sqlite:///x.db?foreign_keys=on", map[string]any{"foreign_keys": nil}, "file:x.db?" + dflt},
		{"check_same_thread arg", "sqlite:///x.db", map[string]any{"check_same_thread": false}, "file:x.db?" + dflt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := dialect.ParseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sqlite.DSN(u, tt.args)
			if err != nil {
				t.Fatalf("DSN(%s): %v", tt.url, err)
			}
			if got != tt.want {
				t.Errorf("DSN(%s)\n got %s\nwant %s", tt.url, got, tt.want)
			}
		})
	}
}

func TestDSNBadInput(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		args  map[string]any
		wants []string // every one must appear in the error
	}{
		{"unknown option", "sqlite:///x.db?foreign_key=on", nil, []string{`"foreign_key"`, "unknown option"}},
		{"two unknown options", "sqlite:///x.db?zz=1&aa=2", nil, []string{`"aa"`, `"zz"`}},
		{"unknown arg", "sqlite:///x.db", map[string]any{"isolation_level": "IMMEDIATE"}, []string{`"isolation_level"`}},
		{"bad foreign_keys", "sqlite:///x.db?foreign_keys=maybe", nil, []string{"foreign_keys", "maybe"}},
		{"bad journal_mode", "sqlite:///x.db?journal_mode=wal2", nil, []string{"journal_mode", "wal2"}},
		{"bad synchronous", "sqlite:///x.db?synchronous=4", nil, []string{"synchronous"}},
		{"bad busy_timeout", "sqlite:///x.db?busy_timeout=5s", nil, []string{"busy_timeout"}},
		{"negative busy_timeout", "sqlite:///x.db?busy_timeout=-1", nil, []string{"busy_timeout"}},
		{"bad timeout", "sqlite:///x.db?timeout=soon", nil, []string{"timeout"}},
		{"bad txlock", "sqlite:///x.db?txlock=serializable", nil, []string{"txlock"}},
		{"bad mode", "sqlite:///x.db?mode=rwx", nil, []string{"mode"}},
		{"bad cache", "sqlite:///x.db?cache=none", nil, []string{"cache"}},
		{"bad uri", "sqlite:///x.db?uri=perhaps", nil, []string{"uri"}},
		{"uri without file:", "sqlite:///x.db?uri=true", nil, []string{"uri", "x.db"}},
		{"both timeouts", "sqlite:///x.db?timeout=1&busy_timeout=10", nil, []string{"timeout", "busy_timeout"}},
		{"repeated option", "sqlite:///x.db?journal_mode=wal&journal_mode=delete", nil, []string{"journal_mode"}},
		{"host", "sqlite://localhost/x.db", nil, []string{"host"}},
		{"typed wrong", "sqlite:///x.db", map[string]any{"foreign_keys": []int{1}}, []string{"foreign_keys", "[]int"}},
		{"sub-millisecond", "sqlite:///x.db", map[string]any{"busy_timeout": time.Microsecond}, []string{"busy_timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := dialect.ParseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sqlite.DSN(u, tt.args)
			if err == nil {
				t.Fatalf("DSN(%s) = nil error", tt.url)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "alchemy: ") {
				t.Errorf("error %q does not start with alchemy:", msg)
			}
			for _, w := range tt.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
			// The connector must refuse it the same way.
			if _, err := (sqlite.Dialect{}).Connector(u, tt.args); err == nil {
				t.Errorf("Connector(%s) = nil error", tt.url)
			}
		})
	}
}

func TestDSNNeverShowsPassword(t *testing.T) {
	u := dialect.URL{Drivername: "sqlite", Username: "u", Password: "s3cr3t-pw", Database: "x.db"}
	_, err := sqlite.DSN(u, nil)
	if err == nil {
		t.Fatal("a password in an SQLite URL must be an error")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Fatalf("error shows the password: %v", err)
	}
}

func TestSingleConnection(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"sqlite://", true},
		{"sqlite:///:memory:", true},
		{"sqlite:///x.db?mode=memory", true},
		{"sqlite:///file::memory:?uri=true", true},
		{"sqlite://?cache=shared", true},
		{"sqlite:///x.db", false},
		{"sqlite:////tmp/x.db", false},
		{"sqlite:///file:x.db?uri=true", false},
		{"sqlite:///x.db?mode=ro", false},
	}
	for _, tt := range tests {
		u := dialect.MustParseURL(tt.url)
		if got := (sqlite.Dialect{}).SingleConnection(u); got != tt.want {
			t.Errorf("SingleConnection(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestRegisteredNames(t *testing.T) {
	want := []string{"sqlite", "sqlite+modernc", "sqlite+pysqlite", "sqlite+aiosqlite"}
	if got := sqlite.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		d, err := dialect.Lookup(n)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", n, err)
		}
		if d.Name() != "sqlite" || d.Driver() != "modernc" {
			t.Errorf("Lookup(%q) = %s+%s", n, d.Name(), d.Driver())
		}
	}
	if _, err := dialect.Lookup("sqlite+pysqlcipher"); err == nil {
		t.Error("sqlite+pysqlcipher must not be registered: modernc cannot open SQLCipher files")
	}
	n := sqlite.Names()
	n[0] = "changed"
	if sqlite.Names()[0] != "sqlite" {
		t.Error("Names returns the package's own slice")
	}
}

func TestOptions(t *testing.T) {
	var v dialect.ConnectArgsValidator = sqlite.Dialect{}
	opts := v.Options()
	if !slices.IsSorted(opts) {
		t.Errorf("Options() not sorted: %v", opts)
	}
	for _, o := range []string{"foreign_keys", "journal_mode", "busy_timeout", "synchronous", "mode", "uri"} {
		if !slices.Contains(opts, o) {
			t.Errorf("Options() lacks %q: %v", o, opts)
		}
	}
	// Every listed option is accepted by DSN with some value.
	sample := map[string]string{"journal_mode": "wal", "synchronous": "1", "busy_timeout": "1", "timeout": "1",
		"txlock": "immediate", "mode": "rwc", "cache": "private"}
	for _, o := range opts {
		v, ok := sample[o]
		if !ok {
			v = "false"
		}
		u := dialect.URL{Drivername: "sqlite", Database: "x.db", Query: url.Values{o: {v}}}
		if _, err := sqlite.DSN(u, nil); err != nil {
			t.Errorf("listed option %s=%s refused: %v", o, v, err)
		}
	}
}
