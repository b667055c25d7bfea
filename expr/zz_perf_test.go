package expr_test

import (
	"hash/maphash"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

type pu struct {
	*expr.Table
	ID, Age     expr.Column[int64]
	Name, Email expr.Column[string]
	At          expr.Column[time.Time]
}

var perfU = func() pu {
	t := expr.NewMetaData().NewTable("users")
	return pu{Table: t, ID: expr.NewColumn(t, "id", expr.Integer), Name: expr.NewColumn(t, "name", expr.TextType),
		Email: expr.NewColumn(t, "email", expr.TextType), Age: expr.NewColumn(t, "age", expr.Integer), At: expr.NewColumn(t, "created_at", expr.DateTime(false))}
}()

func build(i int) *expr.SelectStmt {
	u := perfU
	return u.Select(u.ID, u.Name, u.Email, u.Age, u.At).Where(u.Age.Gt(int64(i%100)), expr.Like(u.Name, "user-1%"))
}

var sink any

func BenchmarkPerfBuild(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sink = build(i)
		i++
	}
}

func BenchmarkPerfPrepare(b *testing.B) {
	s := build(1)
	seed := maphash.MakeSeed()
	b.ReportAllocs()
	for b.Loop() {
		p := expr.Prepare(s)
		sink = p.Hash(seed)
		p.Release()
	}
}

func BenchmarkPerfCompile(b *testing.B) {
	s := build(1)
	d, _ := dialect.Lookup("postgresql")
	b.ReportAllocs()
	for b.Loop() {
		p := expr.Prepare(s)
		c, _ := p.Compile(d, dialect.Version{})
		sink = c
		p.Release()
	}
}

func BenchmarkPerfBind(b *testing.B) {
	s := build(1)
	d, _ := dialect.Lookup("postgresql")
	p := expr.Prepare(s)
	c, _ := p.Compile(d, dialect.Version{})
	b.ReportAllocs()
	for b.Loop() {
		sink, _ = p.Bind(c, nil)
	}
}
