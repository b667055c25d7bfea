package dialect

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// stubDialect is a Dialect that does nothing; its id tells the registered values apart.
type stubDialect struct{ id string }

func (d *stubDialect) Name() string   { return d.id }
func (d *stubDialect) Driver() string { return "stub" }
func (d *stubDialect) Connector(URL, map[string]any) (driver.Connector, error) {
	return nil, errors.New("stub")
}
func (d *stubDialect) Paramstyle() Paramstyle                       { return Question }
func (d *stubDialect) QuoteIdentifier(name string) string           { return name }
func (d *stubDialect) IsDisconnect(error) bool                      { return false }
func (d *stubDialect) IsSerializationFailure(error) bool            { return false }
func (d *stubDialect) IsUniqueViolation(error) bool                 { return false }
func (d *stubDialect) ErrorCode(error) string                       { return "" }
func (d *stubDialect) SavepointSQL(string) (string, string, string) { return "", "", "" }
func (d *stubDialect) ServerVersion(context.Context, Queryer) (Version, error) {
	return Version{}, nil
}

// The registry is global and lives as long as the test binary, which may run the
// tests more than once (-count): the fixed names are registered once.
var (
	testregPG       = &stubDialect{id: "pg default"}
	testregPGX      = &stubDialect{id: "pg pgx"}
	testregMy       = &stubDialect{id: "my mydriver"}
	testregDup      = &stubDialect{id: "dup"}
	testregOnce     sync.Once
	testregSequence atomic.Int64
)

func registerTestDialects() {
	testregOnce.Do(func() {
		Register("testreg-pg", testregPG)
		Register("testreg-pg+pgx", testregPGX)
		Register("testreg-pg+psycopg2", testregPGX) // one dialect under a second name
		Register("TestReg-My+MyDriver", testregMy)  // registered in mixed case
		Register("testreg-dup", testregDup)
	})
}

func TestRegisterPanics(t *testing.T) {
	registerTestDialects()
	var typedNil *stubDialect
	tests := []struct {
		name    string
		regName string
		d       Dialect
		want    string // in the panic message
	}{
		{name: "nil dialect", regName: "testreg-nil", d: nil, want: "nil"},
		{name: "empty name", regName: "", d: &stubDialect{}, want: "malformed name"},
		{name: "two plus signs", regName: "testreg+a+b", d: &stubDialect{}, want: `malformed name "testreg+a+b"`},
		{name: "leading plus", regName: "+testreg", d: &stubDialect{}, want: "malformed name"},
		{name: "trailing plus", regName: "testreg+", d: &stubDialect{}, want: "malformed name"},
		{name: "lone plus", regName: "+", d: &stubDialect{}, want: "malformed name"},
		{name: "space", regName: "testreg bad", d: &stubDialect{}, want: "malformed name"},
		{name: "scheme separator", regName: "testreg://", d: &stubDialect{}, want: "malformed name"},
		{name: "colon", regName: "testreg:x", d: &stubDialect{}, want: "malformed name"},
		{name: "duplicate", regName: "testreg-dup", d: &stubDialect{}, want: `twice for dialect "testreg-dup"`},
		{name: "duplicate in another case", regName: "TESTREG-Dup", d: &stubDialect{}, want: "twice"},
		{name: "duplicate of a driver name", regName: "testreg-pg+PGX", d: &stubDialect{}, want: "twice"},
		{name: "duplicate of the same value", regName: "testreg-dup", d: testregDup, want: "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := Names()
			msg := func() (msg string) {
				defer func() {
					if r := recover(); r != nil {
						msg = fmt.Sprint(r)
					}
				}()
				Register(tt.regName, tt.d)
				return ""
			}()
			if msg == "" {
				t.Fatalf("Register(%q) did not panic", tt.regName)
			}
			if !strings.HasPrefix(msg, "alchemy: ") || !strings.Contains(msg, tt.want) {
				t.Errorf("Register(%q) panicked with %q, want it to start with \"alchemy: \" and hold %q", tt.regName, msg, tt.want)
			}
			if after := Names(); !slices.Equal(before, after) {
				t.Errorf("a Register that panicked changed Names: %v, then %v", before, after)
			}
		})
	}
	// A typed nil pointer is a value database/sql's Register accepts too; it is no
	// business of the registry to call its methods.
	t.Run("typed nil is registered", func(t *testing.T) {
		name := fmt.Sprintf("testreg-typednil%d", testregSequence.Add(1))
		Register(name, typedNil)
		d, err := Lookup(name)
		if err != nil || d != Dialect(typedNil) {
			t.Errorf("Lookup(%q) = %v, %v", name, d, err)
		}
	})
}

func TestLookup(t *testing.T) {
	registerTestDialects()
	tests := []struct {
		name   string
		lookup string
		want   Dialect
	}{
		{name: "backend and driver", lookup: "testreg-pg+pgx", want: testregPGX},
		{name: "second name of one dialect", lookup: "testreg-pg+psycopg2", want: testregPGX},
		{name: "bare backend gives the default driver", lookup: "testreg-pg", want: testregPG},
		{name: "upper case", lookup: "TESTREG-PG+PGX", want: testregPGX},
		{name: "mixed case bare backend", lookup: "TestReg-PG", want: testregPG},
		{name: "registered in mixed case, looked up in lower", lookup: "testreg-my+mydriver", want: testregMy},
		{name: "registered in mixed case, looked up as written", lookup: "TestReg-My+MyDriver", want: testregMy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Lookup(tt.lookup)
			if err != nil {
				t.Fatalf("Lookup(%q): %v", tt.lookup, err)
			}
			if got != tt.want {
				t.Errorf("Lookup(%q) = %v, want %v", tt.lookup, got, tt.want)
			}
		})
	}
}

func TestForURL(t *testing.T) {
	registerTestDialects()
	tests := []struct {
		name, url string
		want      Dialect
	}{
		{name: "pasted driver name", url: "testreg-pg+psycopg2://scott:" + pw + "@localhost/test", want: testregPGX},
		{name: "bare backend", url: "testreg-pg://localhost/test", want: testregPG},
		{name: "upper case", url: "TESTREG-MY+MYDRIVER://h", want: testregMy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ForURL(MustParseURL(tt.url))
			if err != nil || got != tt.want {
				t.Errorf("ForURL(%q) = %v, %v, want %v", tt.url, got, err, tt.want)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		u := MustParseURL("testreg-nosuch+x://scott:" + pw + "@h/db")
		_, err := ForURL(u)
		if !errors.Is(err, ErrUnknownDialect) || strings.Contains(err.Error(), pw) {
			t.Errorf("ForURL(%s) error = %v", u, err)
		}
	})
}

func TestLookupErrors(t *testing.T) {
	registerTestDialects()
	tests := []struct {
		name   string
		lookup string
		want   []string // each in the message
		absent []string // none in the message
	}{
		{
			name:   "unknown backend lists every registered name",
			lookup: "testreg-nosuch",
			want:   append([]string{`"testreg-nosuch"`, "registered:", "is its package imported?"}, Names()...),
		},
		{
			name:   "unknown backend with driver names both",
			lookup: "testreg-nosuch+x",
			want:   []string{`"testreg-nosuch+x"`, "testreg-pg+pgx", "testreg-my+mydriver"},
		},
		{
			name:   "unknown driver of a backend with a default",
			lookup: "testreg-pg+nosuch",
			want:   []string{`driver "nosuch"`, `for "testreg-pg"`, "testreg-pg, testreg-pg+pgx, testreg-pg+psycopg2"},
			absent: []string{"testreg-my"},
		},
		{
			name:   "unknown driver of a backend without a default",
			lookup: "testreg-my+nosuch",
			want:   []string{`driver "nosuch"`, `for "testreg-my"`, "testreg-my+mydriver"},
			absent: []string{"testreg-pg"},
		},
		{
			name:   "bare backend without a default",
			lookup: "testreg-my",
			want:   []string{`"testreg-my" has no default driver`, "testreg-my+mydriver"},
		},
		{
			name:   "a backend's name is not a prefix of another's",
			lookup: "testreg-p+pgx",
			want:   []string{`"testreg-p+pgx"`, "registered:"},
			absent: []string{`for "testreg-p"`},
		},
		{
			name:   "empty name",
			lookup: "",
			want:   []string{`unknown dialect ""`, "testreg-pg"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Lookup(tt.lookup)
			if err == nil {
				t.Fatalf("Lookup(%q) = %v, want an error", tt.lookup, d)
			}
			if !errors.Is(err, ErrUnknownDialect) {
				t.Errorf("Lookup(%q) error %q does not wrap ErrUnknownDialect", tt.lookup, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Lookup(%q) error %q does not hold %q", tt.lookup, err, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(err.Error(), a) {
					t.Errorf("Lookup(%q) error %q holds %q", tt.lookup, err, a)
				}
			}
		})
	}
}

func TestLookupNoneRegistered(t *testing.T) {
	// Swap in an empty registry, as a program that imports no dialect has.
	registry.Lock()
	saved := registry.m
	registry.m = map[string]Dialect{}
	registry.Unlock()
	defer func() {
		registry.Lock()
		registry.m = saved
		registry.Unlock()
	}()
	_, err := Lookup("postgresql")
	if !errors.Is(err, ErrUnknownDialect) {
		t.Fatalf("Lookup error %v does not wrap ErrUnknownDialect", err)
	}
	for _, w := range []string{`"postgresql"`, "none is registered", "blank-import", "dialect/sqlite"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Lookup error %q does not hold %q", err, w)
		}
	}
	if n := Names(); len(n) != 0 {
		t.Errorf("Names() = %v, want none", n)
	}
}

func TestNames(t *testing.T) {
	registerTestDialects()
	names := Names()
	if !slices.IsSorted(names) {
		t.Errorf("Names() is not sorted: %v", names)
	}
	for _, want := range []string{"testreg-pg", "testreg-pg+pgx", "testreg-pg+psycopg2", "testreg-my+mydriver", "testreg-dup"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %v lacks %q", names, want)
		}
	}
	if slices.Contains(names, "TestReg-My+MyDriver") {
		t.Errorf("Names() = %v holds a name in its registered case, want lower case", names)
	}
	// The result is the caller's own.
	names[0] = "changed"
	if Names()[0] == "changed" {
		t.Error("Names() returned the registry's own storage")
	}
}

func TestRegistryConcurrent(t *testing.T) {
	registerTestDialects()
	const writers, perWriter, readers = 8, 25, 8
	base := testregSequence.Add(1)
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+readers)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				name := fmt.Sprintf("testreg-conc%d-%d+drv%d", base, w, i)
				d := &stubDialect{id: name}
				Register(name, d)
				got, err := Lookup(name)
				if err != nil || got != d {
					errs <- fmt.Errorf("Lookup(%q) right after Register = %v, %v", name, got, err)
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range perWriter {
				if d, err := Lookup("testreg-pg+pgx"); err != nil || d != testregPGX {
					errs <- fmt.Errorf("Lookup(testreg-pg+pgx) = %v, %v", d, err)
				}
				if _, err := Lookup("testreg-nosuch"); !errors.Is(err, ErrUnknownDialect) {
					errs <- fmt.Errorf("Lookup(testreg-nosuch) = %v", err)
				}
				if n := Names(); !slices.IsSorted(n) {
					errs <- errors.New("Names() not sorted while others register")
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	names := Names()
	for w := range writers {
		for i := range perWriter {
			if name := fmt.Sprintf("testreg-conc%d-%d+drv%d", base, w, i); !slices.Contains(names, name) {
				t.Fatalf("Names() lacks %q", name)
			}
		}
	}
}
