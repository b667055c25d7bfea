package orm_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/orm"
)

// The model the ORM tests use: users and their posts, tags on posts (many to
// many), employees and their managers (a table referring to itself), accounts
// with a version counter, and memberships with a composite key.

type User struct {
	ID    int64
	Name  string
	Email *string
	Posts orm.Many[Post]
}

type Post struct {
	ID       int64
	AuthorID int64
	Title    string
	Score    int64
	Draft    bool
	Author   orm.One[User]
	Tags     orm.Many[Tag]
}

type Tag struct {
	ID    int64
	Label string `db:"label"`
}

type Employee struct {
	ID        int64
	Name      string
	ManagerID *int64
	Manager   orm.One[Employee]
	Reports   orm.Many[Employee]
}

type Account struct {
	ID      int64
	Owner   string
	Balance int64
	Version int64
}

type Membership struct {
	OrgID  int64
	UserID int64
	Role   string
}

// model is the schema of one test: tables of its own names, created on the
// engine and dropped at the end.
type model struct {
	md                              *expr.MetaData
	users, posts, tags, postTags    *expr.Table
	employees, accounts, membership *expr.Table
	reg                             *orm.Registry
	sm                              *orm.Sessionmaker
	eng                             *alchemy.Engine
	trace                           *sqlTrace
}

// newModel declares the schema under unique names, creates it, and maps the
// types. Options go to the Sessionmaker.
func newModel(t testing.TB, url string, opts ...orm.Option) *model {
	t.Helper()
	trace := &sqlTrace{}
	eng := newEngine(t, url, alchemy.Tracer(trace))
	p := uniqueName("m")
	md := expr.NewMetaData()
	m := &model{md: md, eng: eng, trace: trace}

	m.users = md.NewTable(p + "_users")
	expr.NewColumn(m.users, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.users, "name", expr.String(50), expr.NotNull(), expr.Unique())
	expr.NewColumn(m.users, "email", expr.String(100))

	m.posts = md.NewTable(p + "_posts")
	expr.NewColumn(m.posts, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.posts, "author_id", expr.BigInteger, expr.NotNull(), expr.References(m.users.C("id")))
	expr.NewColumn(m.posts, "title", expr.String(100), expr.NotNull())
	expr.NewColumn(m.posts, "score", expr.BigInteger, expr.NotNull(), expr.Default(int64(0)))
	expr.NewColumn(m.posts, "draft", expr.Boolean, expr.NotNull())

	m.tags = md.NewTable(p + "_tags")
	expr.NewColumn(m.tags, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.tags, "label", expr.String(30), expr.NotNull())

	m.postTags = md.NewTable(p+"_post_tags", expr.PrimaryKeyConstraint("", "post_id", "tag_id"))
	expr.NewColumn(m.postTags, "post_id", expr.BigInteger, expr.References(m.posts.C("id")))
	expr.NewColumn(m.postTags, "tag_id", expr.BigInteger, expr.References(m.tags.C("id")))

	m.employees = md.NewTable(p + "_employees")
	expr.NewColumn(m.employees, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.employees, "name", expr.String(50), expr.NotNull())
	expr.NewColumn(m.employees, "manager_id", expr.BigInteger, expr.References(p+"_employees.id"))

	m.accounts = md.NewTable(p + "_accounts")
	expr.NewColumn(m.accounts, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.accounts, "owner", expr.String(50), expr.NotNull())
	expr.NewColumn(m.accounts, "balance", expr.BigInteger, expr.NotNull())
	expr.NewColumn(m.accounts, "version", expr.BigInteger, expr.NotNull())

	m.membership = md.NewTable(p + "_membership")
	expr.NewColumn(m.membership, "org_id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.membership, "user_id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(m.membership, "role", expr.String(20), expr.NotNull())

	ctx := context.Background()
	if err := expr.CreateAll(ctx, eng, md); err != nil {
		t.Fatalf("CreateAll: %v", err)
	}
	t.Cleanup(func() {
		if err := expr.DropAll(context.Background(), eng, md); err != nil {
			t.Errorf("DropAll: %v", err)
		}
	})

	m.reg = orm.NewRegistry()
	must(t, orm.Map[User](m.reg, m.users, orm.Relationship("Posts", orm.Cascade("all, delete-orphan"))))
	must(t, orm.Map[Post](m.reg, m.posts, orm.Relationship("Tags", orm.Secondary(m.postTags))))
	must(t, orm.Map[Tag](m.reg, m.tags))
	must(t, orm.Map[Employee](m.reg, m.employees))
	must(t, orm.Map[Account](m.reg, m.accounts, orm.VersionField("Version")))
	must(t, orm.Map[Membership](m.reg, m.membership))
	must(t, m.reg.Configure())
	m.sm = orm.NewSessionmaker(eng, append([]orm.Option{orm.WithRegistry(m.reg), orm.Logger(quiet)}, opts...)...)
	return m
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sqlTrace records the statements an engine sends.
type sqlTrace struct {
	mu  sync.Mutex
	sql []string
}

func (s *sqlTrace) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteStart) context.Context {
	s.mu.Lock()
	s.sql = append(s.sql, d.SQL)
	s.mu.Unlock()
	return ctx
}

func (s *sqlTrace) TraceExecuteEnd(context.Context, *alchemy.Conn, alchemy.ExecuteEnd) {}

// reset forgets what was recorded.
func (s *sqlTrace) reset() {
	s.mu.Lock()
	s.sql = nil
	s.mu.Unlock()
}

// statements returns what was recorded that starts with verb (any, for "").
func (s *sqlTrace) statements(verb string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, q := range s.sql {
		if verb == "" || strings.HasPrefix(strings.ToUpper(strings.TrimSpace(q)), verb) {
			out = append(out, q)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
