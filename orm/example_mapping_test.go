package orm_test

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/orm"
)

type exampleAuthor struct {
	ID    int64
	Name  string
	Posts orm.Many[examplePost]
}

type examplePost struct {
	ID       int64
	AuthorID int64
	Title    string
}

// The README's ORM snippet: map two structs, add an object with a related
// one, query it back with its collection loaded.
func Example_mapping() {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		panic(err)
	}
	defer eng.Dispose()
	ctx := context.Background()

	md := expr.NewMetaData()
	users := md.NewTable("users")
	expr.NewColumn(users, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(users, "name", expr.String(50), expr.NotNull())
	posts := md.NewTable("posts")
	expr.NewColumn(posts, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(posts, "author_id", expr.BigInteger, expr.NotNull(), expr.References(users.C("id")))
	expr.NewColumn(posts, "title", expr.String(100), expr.NotNull())
	if err := expr.CreateAll(ctx, eng, md); err != nil {
		panic(err)
	}

	reg := orm.NewRegistry()
	if err := orm.Map[exampleAuthor](reg, users, orm.Relationship("Posts", orm.Cascade("all, delete-orphan"))); err != nil {
		panic(err)
	}
	if err := orm.Map[examplePost](reg, posts); err != nil {
		panic(err)
	}
	sm := orm.NewSessionmaker(eng, orm.WithRegistry(reg))

	err = sm.Scope(ctx, func(ctx context.Context, s *orm.Session) error {
		u := &exampleAuthor{Name: "ed"}
		u.Posts.Set(&examplePost{Title: "hello"})
		if err := s.Add(u); err != nil { // the post comes along
			return err
		}
		found, err := orm.Select[exampleAuthor]().Where(users.C("name").Eq("ed")).
			Options(orm.SelectIn("Posts")).One(ctx, s) // autoflush first
		if err != nil {
			return err
		}
		ps, err := found.Posts.Items()
		if err != nil {
			return err
		}
		fmt.Println(found == u, found.ID, ps[0].Title, ps[0].AuthorID == u.ID)
		return nil
	})
	if err != nil {
		panic(err)
	}

	s := sm.New()
	defer s.Close()
	var ed *exampleAuthor
	if err := s.Get(ctx, &ed, 1); err != nil {
		panic(err)
	}
	_, err = ed.Posts.Items()
	fmt.Println(ed.Name, err)
	// Output:
	// true 1 hello true
	// ed orm: relationship not loaded (load it with SelectIn or Joined)
}
