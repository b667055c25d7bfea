package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/goleak"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

func TestMain(m *testing.M) {
	gomysql.SetLogger(log.New(io.Discard, "", 0))
	goleak.VerifyTestMain(m)
}

var quiet = slog.New(slog.DiscardHandler)

// targets are the databases every test runs on: SQLite always, the servers
// when their URLs are set (and under CI=true, where a missing one fails).
var targets = []string{testdb.SQLite, testdb.PostgreSQL, testdb.MySQL}

// env is one test's service: the app on tables of its own, served over real
// HTTP, and a second engine that checks what the database holds, outside the
// app's sessions (so it sees only what was committed).
type env struct {
	t     *testing.T
	app   *app
	db    *schema
	srv   *httptest.Server
	check *alchemy.Engine
	// hook is what PATCH runs between its read and its write (app.beforeUpdate).
	hook atomic.Pointer[func(context.Context)]
}

var seq atomic.Int64

// newEnv starts the service on tg, its engine made with opts.
func newEnv(t *testing.T, tg testdb.Target, opts ...alchemy.Option) *env {
	t.Helper()
	url := tg.URL
	if tg.Name == testdb.SQLite {
		url = sqliteURL(strings.TrimPrefix(url, "sqlite:///"))
	}
	eng := newEngine(t, url, opts...)
	// Tables of their own names: the servers are shared with other tests and runs.
	prefix := fmt.Sprintf("httpapi_%d_%d_", os.Getpid(), seq.Add(1))
	a, err := newApp(eng, prefix, quiet)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, db: a.db, check: newEngine(t, url)}
	a.beforeUpdate = func(ctx context.Context) { // installed before the server starts: no race
		if h := e.hook.Load(); h != nil {
			(*h)(ctx)
		}
	}
	ctx := context.Background()
	if err := a.createTables(ctx); err != nil {
		t.Fatalf("createTables: %v", err)
	}
	t.Cleanup(func() {
		if err := a.dropTables(context.Background()); err != nil {
			t.Errorf("dropTables: %v", err)
		}
	})
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close) // runs first: waits for the requests under way
	return e
}

// newEngine makes an engine disposed at the end of the test, when none of its
// connections may still be checked out: a request that kept one fails the test.
func newEngine(t *testing.T, url string, opts ...alchemy.Option) *alchemy.Engine {
	t.Helper()
	eng, err := alchemy.CreateEngine(url, append([]alchemy.Option{alchemy.Logger(quiet)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Errorf("%d connection(s) still checked out at the end of the test", st.CheckedOut)
		}
		if err := eng.Dispose(); err != nil {
			t.Errorf("Dispose: %v", err)
		}
	})
	return eng
}

// reply is an HTTP response, read.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send makes a real HTTP request; body, when not nil, is sent as JSON (a string
// as it is).
func (e *env) send(method, path string, body any) (reply, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		return reply{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// do sends a request that must get the status want, and decodes the JSON reply
// into out (when not nil).
func (e *env) do(method, path string, body any, want int, out any) reply {
	e.t.Helper()
	r, err := e.send(method, path, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, want, r.body)
	}
	if out != nil {
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			e.t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		if err := json.Unmarshal(r.body, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, r.body)
		}
	}
	return r
}

// fails sends a request that must fail with status want and a JSON error
// containing msg; it returns the error.
func (e *env) fails(method, path string, body any, want int, msg string) string {
	e.t.Helper()
	var eb struct {
		Error *string `json:"error"`
	}
	e.do(method, path, body, want, &eb)
	if eb.Error == nil {
		e.t.Fatalf("%s %s: no error in the reply", method, path)
	}
	if !strings.Contains(*eb.Error, msg) {
		e.t.Errorf("%s %s: error %q, want it to contain %q", method, path, *eb.Error, msg)
	}
	return *eb.Error
}

// The JSON of the API, read back. Pointers tell "absent" from zero values.
type userJSON struct {
	ID    int64       `json:"id"`
	Name  string      `json:"name"`
	Tasks *[]taskJSON `json:"tasks"`
}

type taskJSON struct {
	ID      int64     `json:"id"`
	OwnerID int64     `json:"owner_id"`
	Title   string    `json:"title"`
	Done    bool      `json:"done"`
	Version int64     `json:"version"`
	Owner   *userJSON `json:"owner"`
	Tags    *[]struct {
		ID    int64  `json:"id"`
		Label string `json:"label"`
	} `json:"tags"`
}

func (t taskJSON) labels() []string {
	if t.Tags == nil {
		return nil
	}
	out := []string{}
	for _, g := range *t.Tags {
		out = append(out, g.Label)
	}
	return out
}

func (e *env) createUser(name string) userJSON {
	e.t.Helper()
	var u userJSON
	e.do("POST", "/users", map[string]any{"name": name}, http.StatusCreated, &u)
	return u
}

func (e *env) createTask(owner int64, title string, tags ...string) taskJSON {
	e.t.Helper()
	var t taskJSON
	body := map[string]any{"owner_id": owner, "title": title}
	if tags != nil {
		body["tags"] = tags
	}
	e.do("POST", "/tasks", body, http.StatusCreated, &t)
	return t
}

// The database, read through the other engine.

// taskRow is a row of the tasks table.
type taskRow struct {
	ID      int64  `db:"id"`
	OwnerID int64  `db:"owner_id"`
	Title   string `db:"title"`
	Done    bool   `db:"done"`
	Version int64  `db:"version"`
}

func (e *env) taskRows() []taskRow {
	e.t.Helper()
	t := e.db.tasks
	res, err := e.check.Execute(context.Background(),
		t.Select(t.ID, t.OwnerID, t.Title, t.Done, t.Version).OrderBy(t.ID.Asc()))
	if err != nil {
		e.t.Fatal(err)
	}
	rows, err := alchemy.All[taskRow](res)
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

func (e *env) taskRow(id int64) (taskRow, bool) {
	e.t.Helper()
	for _, r := range e.taskRows() {
		if r.ID == id {
			return r, true
		}
	}
	return taskRow{}, false
}

func (e *env) userNames() []string {
	e.t.Helper()
	u := e.db.users
	return e.strings(u.Select(u.Name).OrderBy(u.Name.Asc()))
}

func (e *env) tagLabels() []string {
	e.t.Helper()
	g := e.db.tags
	return e.strings(g.Select(g.Label).OrderBy(g.Label.Asc()))
}

// taskTags is the rows of task_tags as "task_id:label", sorted.
func (e *env) taskTags() []string {
	e.t.Helper()
	tt, g := e.db.taskTags, e.db.tags
	res, err := e.check.Execute(context.Background(), expr.Select(tt.C("task_id"), g.Label).
		From(tt).Join(g.Table, tt.C("tag_id").EqExpr(g.C("id"))))
	if err != nil {
		e.t.Fatal(err)
	}
	rows, err := alchemy.All[struct {
		TaskID int64  `db:"task_id"`
		Label  string `db:"label"`
	}](res)
	if err != nil {
		e.t.Fatal(err)
	}
	out := []string{}
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%d:%s", r.TaskID, r.Label))
	}
	slices.Sort(out)
	return out
}

func (e *env) strings(stmt *expr.SelectStmt) []string {
	e.t.Helper()
	res, err := e.check.Execute(context.Background(), stmt)
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := alchemy.Scalars[string](res)
	if err != nil {
		e.t.Fatal(err)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// equal compares got and want by their JSON.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

// The whole life of tasks: create, list with filters, get, patch, delete; and
// the database holds, after each request, what the reply said.
func TestTaskFlow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		e := newEnv(t, tg)

		ed := e.createUser("ed")
		if ed.ID == 0 || ed.Name != "ed" || ed.Tasks == nil || len(*ed.Tasks) != 0 {
			t.Fatalf("POST /users: %+v, want an id, the name and no tasks", ed)
		}
		wendy := e.createUser("wendy")
		equal(t, "users in the database", e.userNames(), []string{"ed", "wendy"})

		docs := e.createTask(ed.ID, "write the docs", "docs", "Go", "docs") // lower-cased, duplicates dropped
		if docs.ID == 0 || docs.Version != 1 || docs.Done || docs.OwnerID != ed.ID {
			t.Fatalf("POST /tasks: %+v", docs)
		}
		if docs.Owner == nil || docs.Owner.Name != "ed" || docs.Owner.Tasks != nil {
			t.Errorf("POST /tasks: owner %+v, want ed, without tasks (not loaded)", docs.Owner)
		}
		equal(t, "tags of the new task", docs.labels(), []string{"docs", "go"})
		review := e.createTask(ed.ID, "review")
		equal(t, "tags of a task created without", review.labels(), []string{})
		ship := e.createTask(wendy.ID, "ship it", "go")
		equal(t, "tasks in the database", e.taskRows(), []taskRow{
			{docs.ID, ed.ID, "write the docs", false, 1},
			{review.ID, ed.ID, "review", false, 1},
			{ship.ID, wendy.ID, "ship it", false, 1},
		})
		equal(t, "tags in the database", e.tagLabels(), []string{"docs", "go"}) // "go" once
		equal(t, "task_tags", e.taskTags(), sorted(
			fmt.Sprintf("%d:docs", docs.ID), fmt.Sprintf("%d:go", docs.ID), fmt.Sprintf("%d:go", ship.ID)))

		// The list: id order, each task with its owner (Joined) and tags (SelectIn).
		var all []taskJSON
		e.do("GET", "/tasks", nil, http.StatusOK, &all)
		if len(all) != 3 || all[0].ID != docs.ID || all[1].ID != review.ID || all[2].ID != ship.ID {
			t.Fatalf("GET /tasks: %+v", all)
		}
		for _, tk := range all {
			if tk.Owner == nil || tk.Owner.ID != tk.OwnerID || tk.Tags == nil {
				t.Errorf("GET /tasks: task %d has owner %+v, tags %v: want both loaded", tk.ID, tk.Owner, tk.Tags)
			}
		}
		equal(t, "owner of the third task", all[2].Owner.Name, "wendy")
		equal(t, "tags of the first task", all[0].labels(), []string{"docs", "go"})
		ids := func(path string) []int64 {
			var got []taskJSON
			e.do("GET", path, nil, http.StatusOK, &got)
			out := []int64{}
			for _, tk := range got {
				out = append(out, tk.ID)
			}
			return out
		}
		equal(t, "?owner=ed", ids(fmt.Sprintf("/tasks?owner=%d", ed.ID)), []int64{docs.ID, review.ID})
		equal(t, "?done=false", ids("/tasks?done=false"), []int64{docs.ID, review.ID, ship.ID})
		equal(t, "?done=true", ids("/tasks?done=true"), []int64{})
		equal(t, "?limit=2", ids("/tasks?limit=2"), []int64{docs.ID, review.ID})
		equal(t, "the next page", ids(fmt.Sprintf("/tasks?limit=2&after=%d", review.ID)), []int64{ship.ID})
		if r := e.do("GET", "/tasks?done=true", nil, http.StatusOK, nil); strings.TrimSpace(string(r.body)) != "[]" {
			t.Errorf("an empty list is %s, want []", r.body)
		}

		var got taskJSON
		e.do("GET", fmt.Sprintf("/tasks/%d", docs.ID), nil, http.StatusOK, &got)
		equal(t, "GET /tasks/{id}", got, docs)

		// PATCH: exactly what it names changes, and the version moves on.
		var patched taskJSON
		e.do("PATCH", fmt.Sprintf("/tasks/%d", docs.ID), map[string]any{"title": "write the API docs", "version": 1}, http.StatusOK, &patched)
		if patched.Title != "write the API docs" || patched.Version != 2 || patched.Done || patched.Owner == nil {
			t.Errorf("PATCH title: %+v", patched)
		}
		equal(t, "the patched row", must(e.taskRow(docs.ID)), taskRow{docs.ID, ed.ID, "write the API docs", false, 2})
		e.do("PATCH", fmt.Sprintf("/tasks/%d", docs.ID), map[string]any{"done": true, "version": 2}, http.StatusOK, &patched)
		equal(t, "the row done", must(e.taskRow(docs.ID)), taskRow{docs.ID, ed.ID, "write the API docs", true, 3})
		equal(t, "?done=true after the PATCH", ids("/tasks?done=true"), []int64{docs.ID})
		// Nothing changes: no UPDATE, and the version stays.
		e.do("PATCH", fmt.Sprintf("/tasks/%d", docs.ID), map[string]any{"done": true, "version": 3}, http.StatusOK, &patched)
		equal(t, "version after a PATCH that changes nothing", patched.Version, int64(3))
		equal(t, "the row after a PATCH that changes nothing", must(e.taskRow(docs.ID)).Version, int64(3))
		// Based on an old version: 409, nothing written.
		e.fails("PATCH", fmt.Sprintf("/tasks/%d", docs.ID), map[string]any{"title": "late", "version": 1}, http.StatusConflict, "at version 3, not 1")
		equal(t, "the row after a stale PATCH", must(e.taskRow(docs.ID)), taskRow{docs.ID, ed.ID, "write the API docs", true, 3})

		// A user with its tasks and their tags; the tasks' owner is not loaded.
		var edNow userJSON
		e.do("GET", fmt.Sprintf("/users/%d", ed.ID), nil, http.StatusOK, &edNow)
		if edNow.Tasks == nil || len(*edNow.Tasks) != 2 {
			t.Fatalf("GET /users/{id}: %+v, want its two tasks", edNow)
		}
		first := (*edNow.Tasks)[0]
		if first.ID != docs.ID || first.Version != 3 || first.Owner != nil || first.Tags == nil {
			t.Errorf("GET /users/{id}: first task %+v", first)
		}
		equal(t, "its tags", first.labels(), []string{"docs", "go"})

		// DELETE: the row and its task_tags go; the tags stay.
		e.do("DELETE", fmt.Sprintf("/tasks/%d", docs.ID), nil, http.StatusNoContent, nil)
		if _, ok := e.taskRow(docs.ID); ok {
			t.Errorf("the deleted task is still in the database")
		}
		equal(t, "task_tags after the DELETE", e.taskTags(), []string{fmt.Sprintf("%d:go", ship.ID)})
		equal(t, "tags after the DELETE", e.tagLabels(), []string{"docs", "go"})
		e.fails("GET", fmt.Sprintf("/tasks/%d", docs.ID), nil, http.StatusNotFound, "no task")
		e.fails("DELETE", fmt.Sprintf("/tasks/%d", docs.ID), nil, http.StatusNotFound, "no task")

		// Deleting a user deletes its tasks (the cascade), not the others'.
		e.createTask(ed.ID, "one more", "docs")
		e.do("DELETE", fmt.Sprintf("/users/%d", ed.ID), nil, http.StatusNoContent, nil)
		equal(t, "users after deleting ed", e.userNames(), []string{"wendy"})
		equal(t, "tasks after deleting ed", e.taskRows(), []taskRow{{ship.ID, wendy.ID, "ship it", false, 1}})
		equal(t, "task_tags after deleting ed", e.taskTags(), []string{fmt.Sprintf("%d:go", ship.ID)})
		e.fails("GET", fmt.Sprintf("/users/%d", ed.ID), nil, http.StatusNotFound, "no user")
	}, targets...)
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("not found")
	}
	return v
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// A name taken is a 409 found at the flush (a unique violation), and nothing of
// the failed request is written; the service goes on.
func TestDuplicateUser(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		e := newEnv(t, tg)
		ed := e.createUser("ed")
		e.fails("POST", "/users", map[string]any{"name": "ed"}, http.StatusConflict, `a user named "ed" exists`)
		e.fails("POST", "/users", map[string]any{"name": "  ed "}, http.StatusConflict, `a user named "ed" exists`)
		equal(t, "users in the database", e.userNames(), []string{"ed"})
		// The next requests work: the failed session gave its connection back.
		wendy := e.createUser("wendy")
		if wendy.ID == ed.ID {
			t.Errorf("wendy has ed's id")
		}
		equal(t, "users in the database", e.userNames(), []string{"ed", "wendy"})
	}, targets...)
}

// Invalid requests get a 4xx with a JSON error, and write nothing.
func TestBadRequests(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		e := newEnv(t, tg)
		ed := e.createUser("ed")
		task := e.createTask(ed.ID, "a task")
		taskPath := fmt.Sprintf("/tasks/%d", task.ID)
		for _, c := range []struct {
			method, path string
			body         any
			status       int
			msg          string
		}{
			{"POST", "/tasks", map[string]any{"owner_id": 999999, "title": "x", "tags": []string{"new"}}, http.StatusUnprocessableEntity, "owner 999999 does not exist"},
			{"POST", "/tasks", map[string]any{"title": "x"}, http.StatusUnprocessableEntity, "owner_id is required"},
			{"POST", "/tasks", map[string]any{"owner_id": ed.ID, "title": "  "}, http.StatusUnprocessableEntity, "title is required"},
			{"POST", "/tasks", map[string]any{"owner_id": ed.ID, "title": strings.Repeat("é", maxTitle+1)}, http.StatusUnprocessableEntity, "longer than 200"},
			{"POST", "/tasks", map[string]any{"owner_id": ed.ID, "title": "x", "tags": []string{""}}, http.StatusUnprocessableEntity, "tag is required"},
			{"POST", "/tasks", map[string]any{"owner_id": ed.ID, "title": "x", "priority": 1}, http.StatusBadRequest, `unknown field "priority"`},
			{"POST", "/tasks", `{"owner_id": 1, "title": "x"} {}`, http.StatusBadRequest, "data after the object"},
			{"POST", "/tasks", `{"owner_id": "one"}`, http.StatusBadRequest, "invalid JSON body"},
			{"POST", "/users", `not json`, http.StatusBadRequest, "invalid JSON body"},
			{"POST", "/users", map[string]any{"name": strings.Repeat("x", maxName+1)}, http.StatusUnprocessableEntity, "longer than 50"},
			{"GET", "/tasks/abc", nil, http.StatusBadRequest, `invalid id "abc"`},
			{"GET", "/tasks/999999", nil, http.StatusNotFound, "no task 999999"},
			{"GET", "/users/999999", nil, http.StatusNotFound, "no user 999999"},
			{"GET", "/tasks?done=maybe", nil, http.StatusBadRequest, "invalid done"},
			{"GET", "/tasks?limit=0", nil, http.StatusBadRequest, "invalid limit"},
			{"GET", "/tasks?owner=ed", nil, http.StatusBadRequest, "invalid owner"},
			{"PATCH", taskPath, map[string]any{"title": "y"}, http.StatusUnprocessableEntity, "version is required"},
			{"PATCH", taskPath, map[string]any{"title": "", "version": 1}, http.StatusUnprocessableEntity, "title is required"},
			{"PATCH", "/tasks/999999", map[string]any{"done": true, "version": 1}, http.StatusNotFound, "no task 999999"},
			{"GET", "/nowhere", nil, http.StatusNotFound, "not found"},
		} {
			e.fails(c.method, c.path, c.body, c.status, c.msg)
		}
		// A method the path does not take: 405 with Allow, in JSON.
		r := e.do("PUT", taskPath, nil, http.StatusMethodNotAllowed, nil)
		if allow := r.header.Get("Allow"); !strings.Contains(allow, "PATCH") || !strings.Contains(allow, "DELETE") {
			t.Errorf("405's Allow: %q", allow)
		}
		if !strings.Contains(string(r.body), `"error"`) {
			t.Errorf("405's body: %s", r.body)
		}
		// Nothing was written.
		equal(t, "tasks", e.taskRows(), []taskRow{{task.ID, ed.ID, "a task", false, 1}})
		equal(t, "tags", e.tagLabels(), []string{})
		equal(t, "users", e.userNames(), []string{"ed"})
	}, targets...)
}

// Requests at once, each in its session: all succeed, with distinct ids, and
// the tags they create together exist once (an upsert in the ORM's transaction).
func TestConcurrentCreates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		e := newEnv(t, tg)
		ed := e.createUser("ed")
		const n = 20
		var wg sync.WaitGroup
		start := make(chan struct{})
		replies := make([]reply, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				replies[i], errs[i] = e.send("POST", "/tasks", map[string]any{
					"owner_id": ed.ID, "title": fmt.Sprintf("task %d", i),
					"tags": []string{"urgent", fmt.Sprintf("t%d", i%3)}})
			})
		}
		close(start)
		wg.Wait()
		seen := map[int64]int{}
		for i, r := range replies {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			if r.status != http.StatusCreated {
				t.Errorf("request %d: %d %s", i, r.status, r.body)
				continue
			}
			var tk taskJSON
			if err := json.Unmarshal(r.body, &tk); err != nil {
				t.Fatal(err)
			}
			if other, dup := seen[tk.ID]; dup || tk.ID == 0 {
				t.Errorf("requests %d and %d both got id %d", other, i, tk.ID)
			}
			seen[tk.ID] = i
			if tk.Title != fmt.Sprintf("task %d", i) || tk.Version != 1 {
				t.Errorf("request %d got %+v", i, tk)
			}
			equal(t, fmt.Sprintf("tags of task %d", i), tk.labels(), sorted("urgent", fmt.Sprintf("t%d", i%3)))
		}
		rows := e.taskRows()
		if len(rows) != n {
			t.Errorf("%d tasks in the database, want %d", len(rows), n)
		}
		for _, r := range rows {
			if i, ok := seen[r.ID]; !ok || r.Title != fmt.Sprintf("task %d", i) {
				t.Errorf("row %+v answers no request", r)
			}
		}
		equal(t, "tags", e.tagLabels(), []string{"t0", "t1", "t2", "urgent"})
		if got := len(e.taskTags()); got != 2*n {
			t.Errorf("%d rows in task_tags, want %d", got, 2*n)
		}
	}, targets...)
}

// Two clients change one task, both from the version they read: exactly one
// wins, the other gets 409, and the database holds the winner's change.
func TestPatchRace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		// As they come: the loser is caught by whichever check it meets first
		// (the version it read is already old, or its UPDATE matches nothing).
		t.Run("free", func(t *testing.T) {
			e := newEnv(t, tg)
			ed := e.createUser("ed")
			for range 5 {
				patchRace(t, e, ed.ID)
			}
		})

		// Both have read the task, at the same version, before either writes. On
		// SQLite, whose transactions here begin IMMEDIATE, the second request
		// cannot read before the first commits: that interleaving cannot happen.
		if tg.Name == testdb.SQLite {
			return
		}

		// The version check of the request passes for both, and the loser is
		// caught by its UPDATE's WHERE version = 1, which matches nothing once the
		// winner committed: orm.ErrStaleData.
		t.Run("both read first", func(t *testing.T) {
			e := newEnv(t, tg)
			ed := e.createUser("ed")
			arrived := bothReadFirst(e)
			msg := patchRace(t, e, ed.ID)
			if n := arrived.Load(); n != 2 {
				t.Fatalf("%d request(s) reached the write, want 2", n)
			}
			if !strings.Contains(msg, "changed by another request") {
				t.Errorf("the loser's error %q, want the stale UPDATE's", msg)
			}
		})

		// The same in SERIALIZABLE transactions: the loser's UPDATE fails with a
		// serialization failure (PostgreSQL) or is the victim of a deadlock (MySQL,
		// where SERIALIZABLE reads take shared locks). The request runs again in a
		// new transaction, reads the winner's version, and answers 409.
		t.Run("serializable", func(t *testing.T) {
			e := newEnv(t, tg, alchemy.IsolationLevel(alchemy.Serializable))
			ed := e.createUser("ed")
			arrived := bothReadFirst(e)
			msg := patchRace(t, e, ed.ID)
			if n := arrived.Load(); n != 2 {
				t.Fatalf("%d request(s) reached the write, want 2", n)
			}
			if !strings.Contains(msg, "at version 2, not 1") {
				t.Errorf("the loser's error %q, want the one of a second attempt", msg)
			}
		})
	}, targets...)
}

// bothReadFirst makes PATCH requests wait, between their read and their write,
// for a second one to get there too; it counts them.
func bothReadFirst(e *env) *atomic.Int32 {
	var arrived atomic.Int32
	both := make(chan struct{})
	hook := func(ctx context.Context) {
		if arrived.Add(1) == 2 {
			close(both)
		}
		select {
		case <-both:
		case <-time.After(10 * time.Second):
		case <-ctx.Done():
		}
	}
	e.hook.Store(&hook)
	return &arrived
}

// patchRace creates a task of owner, sends two PATCHes of it at once from its
// version 1, checks that one wins and one gets 409, and returns the 409's error.
func patchRace(t *testing.T, e *env, owner int64) string {
	t.Helper()
	task := e.createTask(owner, "original")
	path := fmt.Sprintf("/tasks/%d", task.ID)
	titles := []string{"first", "second"}
	var replies [2]reply
	var errs [2]error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 2 {
		wg.Go(func() {
			<-start
			replies[i], errs[i] = e.send("PATCH", path, map[string]any{"title": titles[i], "version": task.Version})
		})
	}
	close(start)
	wg.Wait()
	winner, loser := -1, -1
	for i, r := range replies {
		switch {
		case errs[i] != nil:
			t.Fatalf("PATCH %d: %v", i, errs[i])
		case r.status == http.StatusOK:
			winner = i
		case r.status == http.StatusConflict:
			loser = i
		default:
			t.Fatalf("PATCH %d: %d %s", i, r.status, r.body)
		}
	}
	if winner < 0 || loser < 0 {
		t.Fatalf("statuses %d and %d, want one 200 and one 409", replies[0].status, replies[1].status)
	}
	equal(t, "the row", must(e.taskRow(task.ID)), taskRow{task.ID, owner, titles[winner], false, 2})
	var eb struct{ Error string }
	if err := json.Unmarshal(replies[loser].body, &eb); err != nil || eb.Error == "" {
		t.Errorf("the 409's body %s", replies[loser].body)
	}
	return eb.Error
}

// run, what main does: it serves on the address given until its context ends,
// on SQLite in a temporary file by default.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, "", "127.0.0.1:0", quiet, nil, func(a net.Addr) { addrs <- a }) }()
	var base string
	select {
	case a := <-addrs:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	post := func(path, body string) (int, string) {
		resp, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	if st, body := post("/users", `{"name": "ed"}`); st != http.StatusCreated || body != `{"id":1,"name":"ed","tasks":[]}` {
		t.Errorf("POST /users: %d %s", st, body)
	}
	if st, body := post("/tasks", `{"owner_id": 1, "title": "try it", "tags": ["demo"]}`); st != http.StatusCreated ||
		body != `{"id":1,"owner_id":1,"title":"try it","done":false,"version":1,"owner":{"id":1,"name":"ed"},"tags":[{"id":1,"label":"demo"}]}` {
		t.Errorf("POST /tasks: %d %s", st, body)
	}
	client.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}
