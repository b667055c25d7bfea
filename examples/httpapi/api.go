package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/orm"
)

// app is the task service: its tables, its mappings, and the HTTP handler that
// serves them, each request with a session of its own.
type app struct {
	eng     *alchemy.Engine
	db      *schema
	sm      *orm.Sessionmaker
	log     *slog.Logger
	handler http.Handler

	// beforeUpdate, when set, runs in PATCH /tasks/{id} between reading the task
	// and writing it: the tests hold two requests there to make them race.
	beforeUpdate func(ctx context.Context)
}

// newApp builds the service on eng, its tables named with prefix. It does not
// create them: createTables does.
func newApp(eng *alchemy.Engine, prefix string, log *slog.Logger) (*app, error) {
	db := newSchema(prefix)
	reg, err := db.registry()
	if err != nil {
		return nil, err
	}
	a := &app{eng: eng, db: db, log: log,
		sm: orm.NewSessionmaker(eng, orm.WithRegistry(reg), orm.Logger(log))}

	mux := http.NewServeMux()
	a.route(mux, "POST /users", a.createUser)
	a.route(mux, "GET /users/{id}", a.getUser)
	a.route(mux, "DELETE /users/{id}", a.deleteUser)
	a.route(mux, "POST /tasks", a.createTask)
	a.route(mux, "GET /tasks", a.listTasks)
	a.route(mux, "GET /tasks/{id}", a.getTask)
	a.route(mux, "PATCH /tasks/{id}", a.patchTask)
	a.route(mux, "DELETE /tasks/{id}", a.deleteTask)
	// Each request gets a session, committed when the status is below 400 and
	// rolled back otherwise, before the (buffered) response goes out.
	a.handler = a.sm.Middleware(jsonErrors(mux))
	return a, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// createTables creates the tables that do not exist yet.
func (a *app) createTables(ctx context.Context) error {
	return expr.CreateAll(ctx, a.eng, a.db.md, expr.CheckFirst(true))
}

// dropTables drops the tables.
func (a *app) dropTables(ctx context.Context) error {
	return expr.DropAll(ctx, a.eng, a.db.md, expr.CheckFirst(true))
}

// An endpoint does a request's work in the request's session and returns the
// status and the value to send as JSON (nil: no body), or an error: an
// *apiError says its status, and anything else is classified by fail. It must
// not write the response: the wrapper does, so that it may run the endpoint
// again after a serialization failure.
type endpoint func(r *http.Request, s *orm.Session) (int, any, error)

// maxAttempts is how many times a request runs when the database reports a
// serialization failure or a deadlock, which a new transaction may not meet.
const maxAttempts = 3

func (a *app) route(mux *http.ServeMux, pattern string, e endpoint) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s, ok := orm.SessionFrom(r.Context())
		if !ok {
			a.fail(w, r, errors.New("the request has no session: serve it through Sessionmaker.Middleware"))
			return
		}
		// The body is read once, so that a retry can read it again.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, "the request body is too large")
			return
		}
		for attempt := 1; ; attempt++ {
			r.Body = io.NopCloser(bytes.NewReader(body))
			status, v, err := e(r, s)
			if err == nil {
				writeJSON(w, status, v)
				return
			}
			if attempt < maxAttempts && alchemy.IsSerializationFailure(err) {
				// The transaction is lost; Rollback ends it (and, after a failed
				// flush, makes the session usable again), and the next attempt
				// begins a new one.
				if rerr := s.Rollback(r.Context()); rerr == nil {
					a.log.InfoContext(r.Context(), "retrying after a serialization failure",
						"method", r.Method, "path", r.URL.Path, "attempt", attempt, "err", err)
					continue
				}
			}
			a.fail(w, r, err)
			return
		}
	})
}

// apiError is an error the client gets as it is, with its status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// fail answers a request whose endpoint failed.
func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(w, ae.status, ae.msg)
	case errors.Is(err, orm.ErrStaleData):
		// Another request updated or deleted the row between this one's read and
		// its write: the version check of the UPDATE matched nothing.
		writeError(w, http.StatusConflict, "the task was changed by another request; read it again")
	case alchemy.IsSerializationFailure(err):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "too much contention; retry")
	default:
		a.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{Error: "internal error: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// jsonErrors says the mux's own answers (404 for an unknown path, 405 for a
// method the path does not take, with its Allow header) in JSON.
func jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		mux.ServeHTTP(sw, r)
		if sw.status < 400 { // a redirect to the clean path: its headers are set
			w.WriteHeader(sw.status)
			return
		}
		writeError(w, sw.status, strings.ToLower(http.StatusText(sw.status)))
	})
}

// statusWriter keeps the status written through it and drops the body.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int)        { w.status = code }
func (w *statusWriter) Write(p []byte) (int, error) { return len(p), nil }

// decode reads the request's JSON object into v, strictly: an unknown field,
// trailing data or a value of the wrong type is a 400.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(http.StatusBadRequest, "invalid JSON body: data after the object")
	}
	return nil
}

// pathID is the {id} of the request's path.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(http.StatusBadRequest, "invalid id %q", r.PathValue("id"))
	}
	return id, nil
}

// text checks a required text field: trimmed, not empty, at most max characters.
func text(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", errorf(http.StatusUnprocessableEntity, "%s is required", field)
	case utf8.RuneCountInString(v) > max:
		return "", errorf(http.StatusUnprocessableEntity, "%s is longer than %d characters", field, max)
	}
	return v, nil
}

// POST /users {name} → 201 {id, name, tasks: []}
func (a *app) createUser(r *http.Request, s *orm.Session) (int, any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	name, err := text("name", in.Name, maxName)
	if err != nil {
		return 0, nil, err
	}
	u := &User{Name: name}
	if err := s.Add(u); err != nil {
		return 0, nil, err
	}
	// The INSERT runs now, not at the commit after the handler: the response
	// needs the id the database gives, and a taken name must become a 409 here.
	if err := s.Flush(r.Context()); err != nil {
		if alchemy.IsUniqueViolation(err) {
			// The failed flush rolled the transaction back; the middleware's
			// Rollback (the status is 409) makes the session usable again.
			return 0, nil, errorf(http.StatusConflict, "a user named %q exists", name)
		}
		return 0, nil, err
	}
	return http.StatusCreated, u, nil
}

// GET /users/{id} → the user with its tasks and their tags, loaded by two
// SELECT ... WHERE ... IN queries after the user's.
func (a *app) getUser(r *http.Request, s *orm.Session) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	u, err := orm.Select[User]().Where(a.db.users.ID.Eq(id)).
		Options(orm.SelectIn("Tasks.Tags")).One(r.Context(), s)
	if errors.Is(err, alchemy.ErrNoRows) {
		return 0, nil, errorf(http.StatusNotFound, "no user %d", id)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, u, nil
}

// DELETE /users/{id} → 204; the user's tasks go with it (the cascade loads
// them, and deletes their rows of task_tags first).
func (a *app) deleteUser(r *http.Request, s *orm.Session) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	var u *User
	if err := s.Get(r.Context(), &u, id); errors.Is(err, alchemy.ErrNoRows) {
		return 0, nil, errorf(http.StatusNotFound, "no user %d", id)
	} else if err != nil {
		return 0, nil, err
	}
	if err := s.Delete(u); err != nil {
		return 0, nil, err
	}
	if err := s.Flush(r.Context()); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// POST /tasks {owner_id, title, tags?} → 201 the task, with its id and version 1.
func (a *app) createTask(r *http.Request, s *orm.Session) (int, any, error) {
	ctx := r.Context()
	var in struct {
		OwnerID int64    `json:"owner_id"`
		Title   string   `json:"title"`
		Tags    []string `json:"tags"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	title, err := text("title", in.Title, maxTitle)
	if err != nil {
		return 0, nil, err
	}
	if in.OwnerID <= 0 {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "owner_id is required")
	}
	var owner *User
	if err := s.Get(ctx, &owner, in.OwnerID); errors.Is(err, alchemy.ErrNoRows) {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "owner %d does not exist", in.OwnerID)
	} else if err != nil {
		return 0, nil, err
	}
	tags, err := a.tagsLabelled(ctx, s, in.Tags)
	if err != nil {
		return 0, nil, err
	}
	t := &Task{Title: title}
	t.Owner.Set(owner)  // the flush writes owner_id from it
	t.Tags.Set(tags...) // and the rows of task_tags
	if err := s.Add(t); err != nil {
		return 0, nil, err
	}
	if err := s.Flush(ctx); err != nil { // gives t its id, and version 1
		return 0, nil, err
	}
	return http.StatusCreated, t, nil
}

// tagsLabelled returns the tags with the labels given, creating those that do
// not exist. Two requests may create one label at once: the INSERT is an upsert
// that leaves an existing row alone (ON CONFLICT DO NOTHING, a Core statement
// run in the session's transaction), and the SELECT after it locks the rows
// (FOR UPDATE), which also makes it see the rows other transactions committed
// since this one began (a MySQL snapshot would not).
func (a *app) tagsLabelled(ctx context.Context, s *orm.Session, labels []string) ([]*Tag, error) {
	var clean []string
	for _, l := range labels {
		l, err := text("tag", strings.ToLower(l), maxLabel)
		if err != nil {
			return nil, err
		}
		clean = append(clean, l)
	}
	if len(clean) == 0 {
		return nil, nil
	}
	// One order for every request, so that two of them lock the same labels in
	// the same order.
	slices.Sort(clean)
	clean = slices.Compact(clean)
	ins := a.db.tags.Insert().Columns(a.db.tags.Label)
	for _, l := range clean {
		ins = ins.Row(l)
	}
	res, err := s.Execute(ctx, ins.OnConflict(a.db.tags.Label).DoNothing())
	if err != nil {
		return nil, err
	}
	if err := res.Close(); err != nil {
		return nil, err
	}
	return orm.Select[Tag]().Where(a.db.tags.Label.In(clean...)).
		OrderBy(a.db.tags.Label.Asc()).ForUpdate(expr.LockWait).All(ctx, s)
}

// GET /tasks?done=false&owner=ID&after=ID&limit=N → the tasks in id order, each
// with its owner (loaded by a LEFT OUTER JOIN in the same SELECT) and its tags
// (one more SELECT for the page).
func (a *app) listTasks(r *http.Request, s *orm.Session) (int, any, error) {
	t := a.db.tasks
	q := orm.Select[Task]().Options(orm.Joined("Owner"), orm.SelectIn("Tags")).OrderBy(t.ID.Asc())
	params := r.URL.Query()
	if v := params.Get("done"); v != "" {
		done, err := strconv.ParseBool(v)
		if err != nil {
			return 0, nil, errorf(http.StatusBadRequest, "invalid done %q: true or false", v)
		}
		q = q.Where(t.Done.Eq(done))
	}
	if v := params.Get("owner"); v != "" {
		owner, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, nil, errorf(http.StatusBadRequest, "invalid owner %q", v)
		}
		q = q.Where(t.OwnerID.Eq(owner))
	}
	if v := params.Get("after"); v != "" { // keyset pagination: the last id of the previous page
		after, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, nil, errorf(http.StatusBadRequest, "invalid after %q", v)
		}
		q = q.Where(t.ID.Gt(after))
	}
	limit := int64(50)
	if v := params.Get("limit"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > 500 {
			return 0, nil, errorf(http.StatusBadRequest, "invalid limit %q: 1 to 500", v)
		}
		limit = n
	}
	tasks, err := q.Limit(limit).All(r.Context(), s)
	if err != nil {
		return 0, nil, err
	}
	if tasks == nil {
		tasks = []*Task{} // [] in JSON, not null
	}
	return http.StatusOK, tasks, nil
}

// task loads the task id with its owner and tags, or answers 404.
func (a *app) task(ctx context.Context, s *orm.Session, id int64) (*Task, error) {
	t, err := orm.Select[Task]().Where(a.db.tasks.ID.Eq(id)).
		Options(orm.Joined("Owner"), orm.SelectIn("Tags")).One(ctx, s)
	if errors.Is(err, alchemy.ErrNoRows) {
		return nil, errorf(http.StatusNotFound, "no task %d", id)
	}
	return t, err
}

// GET /tasks/{id} → the task.
func (a *app) getTask(r *http.Request, s *orm.Session) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.task(r.Context(), s, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t, nil
}

// PATCH /tasks/{id} {title?, done?, version} → 200 the task at its new version.
//
// Optimistic concurrency, in two steps. The client sends the version it read:
// when the task is at another one now, someone changed it since, and the answer
// is 409 without writing. But two requests may both pass that check with the
// same version; the UPDATE then requires the version this request read (the
// mapping's version column), so that of the two only the first writes, and the
// second's flush fails with orm.ErrStaleData: 409 too.
func (a *app) patchTask(r *http.Request, s *orm.Session) (int, any, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Title   *string `json:"title"`
		Done    *bool   `json:"done"`
		Version *int64  `json:"version"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Version == nil {
		return 0, nil, errorf(http.StatusUnprocessableEntity, "version is required: the version of the task the change is based on")
	}
	t, err := a.task(ctx, s, id)
	if err != nil {
		return 0, nil, err
	}
	if t.Version != *in.Version {
		return 0, nil, errorf(http.StatusConflict, "task %d is at version %d, not %d: read it again", id, t.Version, *in.Version)
	}
	if in.Title != nil {
		if t.Title, err = text("title", *in.Title, maxTitle); err != nil {
			return 0, nil, err
		}
	}
	if in.Done != nil {
		t.Done = *in.Done
	}
	if a.beforeUpdate != nil {
		a.beforeUpdate(ctx)
	}
	// The UPDATE sets exactly the columns that changed (none: no UPDATE, and the
	// version stays), and the version to the next one.
	if err := s.Flush(ctx); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, t, nil
}

// DELETE /tasks/{id} → 204.
func (a *app) deleteTask(r *http.Request, s *orm.Session) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	var t *Task
	if err := s.Get(r.Context(), &t, id); errors.Is(err, alchemy.ErrNoRows) {
		return 0, nil, errorf(http.StatusNotFound, "no task %d", id)
	} else if err != nil {
		return 0, nil, err
	}
	if err := s.Delete(t); err != nil {
		return 0, nil, err
	}
	// A versioned row is deleted WHERE its version is the one read: one updated
	// meanwhile fails the flush with orm.ErrStaleData, a 409.
	if err := s.Flush(r.Context()); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
