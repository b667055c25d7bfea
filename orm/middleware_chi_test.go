package orm_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

// The middleware under chi (r.Use): a request's session commits on 2xx, rolls
// back on 4xx; three concurrent requests that touch no table all get 200 on a
// pool of one connection held elsewhere.
func TestMiddlewareWithChi(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0), alchemy.PoolTimeout(20*time.Second))
		table := newTable(t, eng, "chi")
		sm := orm.NewSessionmaker(eng, orm.Logger(quiet))
		r := chi.NewRouter()
		r.Use(sm.Middleware)
		r.Get("/ping", func(w http.ResponseWriter, r *http.Request) {
			if _, ok := orm.SessionFrom(r.Context()); !ok {
				http.Error(w, "no session", http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, "pong")
		})
		r.Post("/items/{id}", func(w http.ResponseWriter, r *http.Request) {
			id, _ := strconv.Atoi(chi.URLParam(r, "id"))
			if err := insert(r.Context(), session(t, r), table, id, "x"); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			if r.URL.Query().Get("fail") != "" {
				http.Error(w, "refused", http.StatusUnprocessableEntity)
				return
			}
			w.WriteHeader(http.StatusCreated)
		})
		srv := httptest.NewServer(r)
		defer srv.Close()

		held, err := eng.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		codes := make([]int, 3)
		for i := range codes {
			wg.Go(func() {
				resp, err := http.Get(srv.URL + "/ping")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				codes[i] = resp.StatusCode
			})
		}
		wg.Wait()
		must(t, held.Close())
		if fmt.Sprint(codes) != "[200 200 200]" {
			t.Errorf("statuses %v, want [200 200 200]", codes)
		}
		for path, want := range map[string]int{"/items/1": 201, "/items/2?fail=1": 422} {
			resp, err := http.Post(srv.URL+path, "text/plain", nil)
			must(t, err)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("POST %s: %d, want %d", path, resp.StatusCode, want)
			}
		}
		wantIDs(t, eng, table, 1)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
