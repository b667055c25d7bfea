// Command httpapi is a small JSON API, a task service, built on alchemy's ORM
// (package orm) and the standard library's net/http. It shows:
//
//   - tables declared with typed columns (package expr) and created at start-up;
//   - Go structs mapped onto them, with relationships whose direction comes from
//     the foreign keys: a task's owner (many-to-one), a user's tasks (one-to-many,
//     deleted with the user), a task's tags (many-to-many through task_tags);
//   - a session per request (Sessionmaker.Middleware): committed when the
//     handler's status is below 400, rolled back otherwise, before the buffered
//     response goes out, so that a client never sees a 2xx for work not kept;
//   - Flush inside a handler, to get the ids the database gives and to turn a
//     unique violation into a 409 while the response can still say so;
//   - loader options: the owner joined into the tasks' SELECT (Joined), tags and
//     tasks loaded by one more SELECT ... IN per level (SelectIn); a relationship
//     nothing loaded is left out of the JSON rather than shown empty;
//   - optimistic concurrency with a version column: a PATCH based on an old
//     version is a 409, and of two racing PATCHes based on the same one, the
//     second's UPDATE matches no row (orm.ErrStaleData), a 409 too;
//   - a Core statement (an upsert of tags) in the ORM session's transaction, and
//     a request retried whole after a serialization failure or a deadlock.
//
// The endpoints:
//
//	POST   /users        {"name"}                        201 the user; 409 when the name is taken
//	GET    /users/{id}                                   the user with its tasks and their tags
//	DELETE /users/{id}                                   204; its tasks go with it
//	POST   /tasks        {"owner_id", "title", "tags"?}  201 the task; 422 for an unknown owner
//	GET    /tasks?done=&owner=&after=&limit=             the tasks in id order, with owners and tags
//	GET    /tasks/{id}                                   the task
//	PATCH  /tasks/{id}   {"title"?, "done"?, "version"}  the task at its next version; 409 when stale
//	DELETE /tasks/{id}                                   204
//
// Errors are {"error": "..."} with their status.
//
// Run it:
//
//	cd examples/httpapi                   # a module of its own (it uses OpenTelemetry)
//	go run .                              # SQLite in a temporary file, on :8080
//	go run . -addr :9000 -url 'postgresql://alchemy:pw@127.0.0.1/alchemy_test'
//	go run . -trace                       # and each request's spans on stdout (README.md)
//
//	curl -s localhost:8080/users -d '{"name": "ed"}'
//	curl -s localhost:8080/tasks -d '{"owner_id": 1, "title": "write the docs", "tags": ["docs"]}'
//	curl -s 'localhost:8080/tasks?done=false'
//	curl -s -X PATCH localhost:8080/tasks/1 -d '{"done": true, "version": 1}'
//
// On SQLite, give a file URL the option txlock=immediate, as the default one has:
// a transaction that reads before it writes (every request here) and begins
// DEFERRED can meet another such transaction in a lock upgrade that SQLite
// refuses at once with SQLITE_BUSY, whatever the busy timeout. IMMEDIATE takes
// the write lock at BEGIN, so that requests wait for each other instead.
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

func main() {
	url := flag.String("url", "", "database URL (default: SQLite in a temporary file)")
	addr := flag.String("addr", ":8080", "address to listen on")
	trace := flag.Bool("trace", false, "write the spans of each request and its database work to stdout (OpenTelemetry)")
	flag.Parse()
	var traceOut io.Writer
	if *trace {
		traceOut = os.Stdout
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, *url, *addr, slog.Default(), traceOut, func(a net.Addr) {
		log.Printf("serving the task API on http://%s", a)
	})
	if err != nil {
		log.Fatal(err)
	}
}

// sqliteURL is the URL of the SQLite database file path, with the options a
// server of concurrent requests needs: BEGIN IMMEDIATE (see the package doc),
// and foreign keys enforced.
func sqliteURL(path string) string {
	return "sqlite:///" + path + "?txlock=immediate&foreign_keys=on"
}

// run serves the API on addr until ctx is done, then shuts the server down
// gracefully. ready, when not nil, is told the address listened on. With
// traceOut, each request's spans and those of its database work are written
// there (OpenTelemetry, as JSON).
func run(ctx context.Context, url, addr string, logger *slog.Logger, traceOut io.Writer, ready func(net.Addr)) (err error) {
	if url == "" {
		dir, err := os.MkdirTemp("", "alchemy-httpapi")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		url = sqliteURL(filepath.Join(dir, "tasks.db"))
	}
	opts := []alchemy.Option{alchemy.Logger(logger)}
	var tracer *tracing
	if traceOut != nil {
		if tracer, err = newTracing(traceOut); err != nil {
			return err
		}
		defer func() {
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err = errors.Join(err, tracer.shutdown(shutdownCtx))
		}()
		opts = append(opts, tracer.engineOptions()...)
	}
	eng, err := alchemy.CreateEngine(url, opts...)
	if err != nil {
		return err
	}
	defer eng.Dispose()

	a, err := newApp(eng, "", logger)
	if err != nil {
		return err
	}
	if err := a.createTables(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var handler http.Handler = a
	if tracer != nil {
		handler = tracer.handler(a)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelError)}
	if ready != nil {
		ready(ln.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Finish the requests under way; new connections are refused.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
