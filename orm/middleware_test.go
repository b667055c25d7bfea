package orm_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

// serve starts a real HTTP server running h behind sm's middleware. Its log
// (the panics it recovers) is discarded.
func serve(t *testing.T, sm *orm.Sessionmaker, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(sm.Middleware(h))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   string
	err    error // the request failed (a panicking handler's connection closed)
}

func get(srv *httptest.Server, path string) response {
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		return response{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(body), err: err}
}

// session is the request's session, or fails the request.
func session(t *testing.T, r *http.Request) *orm.Session {
	s, ok := orm.SessionFrom(r.Context())
	if !ok {
		t.Errorf("no session in the request's context")
		panic(http.ErrAbortHandler)
	}
	return s
}

func TestMiddleware(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := newTable(t, eng, "mw")
		sm := orm.NewSessionmaker(eng, orm.Logger(quiet))
		srv := serve(t, sm, func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			s := session(t, r)
			id, _ := strconv.Atoi(r.URL.Query().Get("id"))
			if err := insert(ctx, s, table, id, r.URL.Path); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			switch r.URL.Path {
			case "/create":
				w.Header().Set("X-Handler", "yes")
				w.WriteHeader(http.StatusCreated)
				fmt.Fprint(w, "created")
			case "/bad":
				http.Error(w, "bad request", http.StatusBadRequest)
			case "/panic":
				panic("handler panics")
			case "/flask": // commit, go on, then fail: the first row stays
				if err := s.Commit(ctx); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				if err := insert(ctx, s, table, id+1, "after commit"); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				http.Error(w, "conflict", http.StatusConflict)
			}
		})

		r := get(srv, "/create?id=1")
		if r.err != nil || r.status != http.StatusCreated || r.body != "created" || r.header.Get("X-Handler") != "yes" {
			t.Errorf("/create: %+v, want 201, created, X-Handler", r)
		}
		wantIDs(t, eng, table, 1)

		if r := get(srv, "/bad?id=2"); r.err != nil || r.status != http.StatusBadRequest {
			t.Errorf("/bad: %+v, want 400", r)
		}
		wantIDs(t, eng, table, 1)

		if r := get(srv, "/panic?id=3"); r.err == nil {
			t.Errorf("/panic: %+v, want the connection closed", r)
		}
		wantIDs(t, eng, table, 1)

		if r := get(srv, "/flask?id=10"); r.err != nil || r.status != http.StatusConflict {
			t.Errorf("/flask: %+v, want 409", r)
		}
		wantIDs(t, eng, table, 1, 10)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestMiddlewareFailedCommit: a COMMIT that fails (a deferred unique constraint)
// after a handler's 201 gives the client 500, never the 201.
func TestMiddlewareFailedCommit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := uniqueName("deferred")
		mustExec(t, eng, "CREATE TABLE "+table+" (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL, "+
			"CONSTRAINT "+table+"_name UNIQUE (name) DEFERRABLE INITIALLY DEFERRED)")
		t.Cleanup(func() { mustExec(t, eng, "DROP TABLE "+table) })
		sm := orm.NewSessionmaker(eng, orm.Logger(quiet))
		srv := serve(t, sm, func(w http.ResponseWriter, r *http.Request) {
			s := session(t, r)
			for id := 1; id <= 2; id++ {
				if err := insert(r.Context(), s, table, id, "same"); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
			w.Header().Set("X-Handler", "yes")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, "created")
		})
		r := get(srv, "/")
		if r.err != nil || r.status != http.StatusInternalServerError {
			t.Fatalf("response %+v, want 500", r)
		}
		if r.header.Get("X-Handler") != "" || r.body == "created" {
			t.Errorf("the handler's response leaked into the 500: %+v", r)
		}
		wantIDs(t, eng, table)
	}, testdb.PostgreSQL)
}

// TestMiddlewareOneConnection: with a pool of one connection, requests that run
// no statement take none, and requests that do wait for it in turn.
func TestMiddlewareOneConnection(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0), alchemy.PoolTimeout(20*time.Second))
		table := newTable(t, eng, "one")
		sm := orm.NewSessionmaker(eng, orm.Logger(quiet))
		const n = 3
		// Each round's n requests wait for each other in the handler, before any
		// statement, so that they run together.
		type gate struct {
			arrived sync.WaitGroup
			open    chan struct{}
		}
		var current atomic.Pointer[gate]
		wait := func(w http.ResponseWriter) bool {
			g := current.Load()
			g.arrived.Done()
			select {
			case <-g.open:
				return true
			case <-time.After(10 * time.Second):
				http.Error(w, "the requests did not run together", http.StatusServiceUnavailable)
				return false
			}
		}
		srv := serve(t, sm, func(w http.ResponseWriter, r *http.Request) {
			if !wait(w) {
				return
			}
			if r.URL.Path == "/insert" {
				id, _ := strconv.Atoi(r.URL.Query().Get("id"))
				if err := insert(r.Context(), session(t, r), table, id, "x"); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				w.WriteHeader(http.StatusCreated)
				return
			}
			fmt.Fprint(w, "ok")
		})

		run := func(path string, want int) {
			t.Helper()
			g := &gate{open: make(chan struct{})}
			g.arrived.Add(n)
			current.Store(g)
			go func() { g.arrived.Wait(); close(g.open) }()
			var wg sync.WaitGroup
			rs := make([]response, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rs[i] = get(srv, fmt.Sprintf("%s?id=%d", path, i+1))
				}()
			}
			wg.Wait()
			for i, r := range rs {
				if r.err != nil || r.status != want {
					t.Errorf("%s request %d: %+v, want %d", path, i, r, want)
				}
			}
		}

		// The one connection is held elsewhere: requests without statements
		// must not need it.
		conn, err := eng.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		run("/read-nothing", http.StatusOK)
		if err := conn.Close(); err != nil {
			t.Fatal(err)
		}

		run("/insert", http.StatusCreated)
		wantIDs(t, eng, table, 1, 2, 3)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
