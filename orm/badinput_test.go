package orm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

// Mistakes in a mapping are errors naming the type, the field and the table.
func TestMappingErrors(t *testing.T) {
	md := expr.NewMetaData()
	noPK := md.NewTable("nopk")
	expr.NewColumn(noPK, "name", expr.String(10))
	items := md.NewTable("items")
	expr.NewColumn(items, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(items, "name", expr.String(10))

	type Named struct {
		ID   int64
		Name string
	}
	type Tagged struct {
		ID    int64
		Title string `db:"title"`
	}
	type Untagged struct {
		ID    int64
		Name  string
		Extra int
	}
	type NoKeyField struct {
		Name string
	}
	type Loose struct {
		ID    int64
		Name  string
		Owner orm.One[Named] // no foreign key joins items and items
	}
	reg := orm.NewRegistry()
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"no primary key", orm.Map[Named](reg, noPK), []string{"nopk", "no primary key"}},
		{"a tag naming no column", orm.Map[Tagged](reg, items), []string{"Title", `db:"title"`, "items", "id, name"}},
		{"a field naming no column", orm.Map[Untagged](reg, items), []string{"Extra", `"extra"`, `db:"-"`}},
		{"a key without a field", orm.Map[NoKeyField](reg, items), []string{"primary key column id", "no field"}},
		{"a pointer type", orm.Map[*Named](reg, items), []string{"struct type"}},
		{"a nil table", orm.Map[Named](reg, nil), []string{"nil table"}},
		{"a FieldColumn naming no field", orm.Map[Named](orm.NewRegistry(), items, orm.FieldColumn("Nope", "name")), []string{"Nope"}},
		{"a version field that is not an integer", orm.Map[Named](orm.NewRegistry(), items, orm.VersionField("Name")), []string{"integer"}},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: %v\n  does not say %q", c.name, c.err, w)
			}
		}
	}
	must(t, orm.Map[Named](reg, items))
	if err := orm.Map[Named](reg, items); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("mapping a type twice: %v", err)
	}
	reg2 := orm.NewRegistry()
	must(t, orm.Map[Loose](reg2, items))
	if err := reg2.Configure(); err == nil || !strings.Contains(err.Error(), "Loose.Owner") {
		t.Errorf("a relationship to an unmapped type: %v", err)
	}
	// FieldColumn maps a field explicitly.
	type Renamed struct {
		Key   int64 `db:"id"`
		Label string
	}
	must(t, orm.Map[Renamed](orm.NewRegistry(), items, orm.FieldColumn("Label", "name")))
}

// Using a session wrongly is an error that says what was wrong.
func TestSessionMisuseErrors(t *testing.T) {
	m := newModel(t, testdb.SQLiteURL(t))
	ctx := context.Background()
	s := m.sm.New()
	type Unmapped struct{ ID int64 }
	if err := s.Add(&Unmapped{}); !errors.Is(err, orm.ErrUnmapped) || !strings.Contains(err.Error(), "Unmapped") {
		t.Errorf("Add of an unmapped type: %v", err)
	}
	if err := s.Add(User{Name: "x"}); err == nil || !strings.Contains(err.Error(), "pointer") {
		t.Errorf("Add of a struct value: %v", err)
	}
	if err := s.Add((*User)(nil)); err == nil {
		t.Errorf("Add of a nil pointer: no error")
	}
	var u *User
	if err := s.Get(ctx, u, 1); err == nil || !strings.Contains(err.Error(), "&u") {
		t.Errorf("Get into a *User: %v", err)
	}
	if err := s.Get(ctx, &u, "one"); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("Get with a string key for an int64 one: %v", err)
	}
	if err := s.Get(ctx, &u, 1, 2); err == nil || !strings.Contains(err.Error(), "1 column") {
		t.Errorf("Get with two values for one key column: %v", err)
	}
	if err := s.Delete(&User{Name: "stranger"}); err == nil {
		t.Errorf("Delete of an object the session does not have: no error")
	}
	if _, err := orm.Select[User]().Options(orm.SelectIn("Nope")).All(ctx, s); err == nil || !strings.Contains(err.Error(), "Posts") {
		t.Errorf("SelectIn of a missing relationship: %v", err)
	}
	must(t, s.Close())
	if err := s.Add(&User{Name: "late"}); !errors.Is(err, alchemy.ErrClosed) {
		t.Errorf("Add after Close: %v", err)
	}
	if _, err := orm.Select[User]().All(ctx, s); !errors.Is(err, alchemy.ErrClosed) {
		t.Errorf("a query after Close: %v", err)
	}
}

// A session kept past its request (shared into another) is closed: using it
// is an error, not a second request's transaction.
func TestSessionSharedAcrossRequests(t *testing.T) {
	m := newModel(t, testdb.SQLiteURL(t))
	var kept *orm.Session
	mux := http.NewServeMux()
	mux.HandleFunc("/first", func(w http.ResponseWriter, r *http.Request) {
		kept, _ = orm.SessionFrom(r.Context())
		must(t, kept.Add(&User{Name: "first"}))
	})
	mux.HandleFunc("/second", func(w http.ResponseWriter, r *http.Request) {
		if err := kept.Add(&User{Name: "second"}); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("the first request's session in the second: %v", err)
			return
		}
		w.WriteHeader(http.StatusConflict)
	})
	srv := httptest.NewServer(m.sm.Middleware(mux))
	defer srv.Close()
	for _, c := range []struct {
		path string
		want int
	}{{"/first", 200}, {"/second", 409}} {
		resp, err := http.Get(srv.URL + c.path)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.want)
		}
	}
	if n := countRows(t, m.eng, m.users.Name()); n != 1 {
		t.Errorf("%d users, want the first request's one", n)
	}
}
