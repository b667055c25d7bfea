package orm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/orm"
)

// exampleEngine makes an SQLite memory engine with an empty users table.
func exampleEngine() *alchemy.Engine {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		panic(err)
	}
	_, err = eng.Execute(context.Background(), alchemy.Text("create table users (id integer primary key, name varchar(50))"))
	if err != nil {
		panic(err)
	}
	return eng
}

func exampleNames(eng *alchemy.Engine) []string {
	res, err := eng.Execute(context.Background(), alchemy.Text("select name from users order by id"))
	if err != nil {
		panic(err)
	}
	names, err := alchemy.Scalars[string](res)
	if err != nil {
		panic(err)
	}
	return names
}

func ExampleSessionmaker_Scope() {
	eng := exampleEngine()
	defer eng.Dispose()
	sm := orm.NewSessionmaker(eng)
	ctx := context.Background()
	insert := alchemy.Text("insert into users (name) values (:name)")

	// Committed: the function returns nil.
	err := sm.Scope(ctx, func(ctx context.Context, s *orm.Session) error {
		_, err := s.Execute(ctx, insert, alchemy.Params{"name": "jack"})
		return err
	})
	fmt.Println("first scope:", err)

	// Rolled back: the function fails.
	err = sm.Scope(ctx, func(ctx context.Context, s *orm.Session) error {
		if _, err := s.Execute(ctx, insert, alchemy.Params{"name": "wendy"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println("second scope:", err)
	fmt.Println(exampleNames(eng))
	// Output:
	// first scope: <nil>
	// second scope: changed my mind
	// [jack]
}

func ExampleSessionmaker_Middleware() {
	eng := exampleEngine()
	defer eng.Dispose()
	sm := orm.NewSessionmaker(eng)

	h := sm.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := orm.SessionFrom(r.Context())
		name := r.URL.Query().Get("name")
		_, err := s.Execute(r.Context(), alchemy.Text("insert into users (name) values (:name)"),
			alchemy.Params{"name": name})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if name == "" {
			http.Error(w, "a name is required", http.StatusBadRequest) // rolls back
			return
		}
		w.WriteHeader(http.StatusCreated) // commits, before the 201 is sent
	}))

	for _, target := range []string{"/users?name=jack", "/users?name="} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", target, nil))
		fmt.Println(target, rec.Code)
	}
	fmt.Println(exampleNames(eng))
	// Output:
	// /users?name=jack 201
	// /users?name= 400
	// [jack]
}
