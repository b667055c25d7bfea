package expr_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// TestInsertRowChainsShareNothing: statements derived by Row from one base, on many
// goroutines at once, each hold exactly their own rows. Rows share storage along a
// chain (a compare-and-swap claims the next slot), so this is the test that no
// statement ever sees another's row; run it with -race.
func TestInsertRowChainsShareNothing(t *testing.T) {
	md := expr.NewMetaData()
	users := md.NewTable("users")
	name := expr.NewColumn(users, "name", expr.String(20))
	age := expr.NewColumn(users, "age", expr.Integer)
	base := users.Insert().Columns(name, age).Row("base", 0)
	d, err := dialect.Lookup("postgresql")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				s, want := base, []any{"base", 0}
				for r := range i % 7 {
					v := fmt.Sprintf("g%d-i%d-r%d", g, i, r)
					s = s.Row(v, r)
					want = append(want, v, r)
				}
				c, err := expr.Compile(d, dialect.Version{}, s)
				if err != nil {
					errs <- err
					return
				}
				args, err := c.Bind(nil)
				if err != nil {
					errs <- err
					return
				}
				if !reflect.DeepEqual(args, want) {
					errs <- fmt.Errorf("goroutine %d, chain %d: args %v, want %v", g, i, args, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The base still has its one row.
	c, err := expr.Compile(d, dialect.Version{}, base)
	if err != nil {
		t.Fatal(err)
	}
	if args, _ := c.Bind(nil); !reflect.DeepEqual(args, []any{"base", 0}) {
		t.Errorf("the base statement's args changed: %v", args)
	}
}
