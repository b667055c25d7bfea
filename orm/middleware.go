package orm

import (
	"bytes"
	"context"
	"net/http"
)

// Middleware gives each request a Session of its own, carried by the request's
// context (SessionFrom), as Flask-SQLAlchemy's request-scoped session does.
// When the handler ends with a status below 400, the session commits; with an
// error status (400 and up) or a panic, it rolls back (the panic then goes on,
// for net/http to log). The session is always closed, and its connection given
// back, before the response goes out. A handler may Commit on its own and go
// on: later statements run in a new transaction, committed at the end.
//
// The response is buffered: the handler's status, headers and body are held
// and written only after the commit. A COMMIT can fail (a deferred constraint,
// a serialization failure, a lost connection), and a client must never get a
// 2xx already on the wire for work that was then not kept: when the commit
// fails, the client gets 500 Internal Server Error instead of the handler's
// response. So the writer the handler gets is neither an http.Flusher nor an
// http.Hijacker; stream large or long responses from handlers outside this
// middleware.
func (sm *Sessionmaker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		s := sm.New()
		done := false
		defer func() {
			if !done { // the handler panicked: Close rolls back, and the panic goes on
				if err := s.Close(); err != nil {
					sm.logger.ErrorContext(ctx, "orm: rollback after a panic failed", "err", err)
				}
			}
		}()
		bw := &bufferedWriter{header: make(http.Header)}
		next.ServeHTTP(bw, r.WithContext(ContextWithSession(ctx, s)))
		done = true

		status := bw.finalStatus()
		if status < 400 {
			// The handler is done: a client that hung up meanwhile does not undo its
			// work, so the commit does not end with the request's context.
			if err := s.Commit(context.WithoutCancel(ctx)); err != nil {
				_ = s.Close()
				sm.logger.ErrorContext(ctx, "orm: commit at the end of the request failed",
					"method", r.Method, "path", r.URL.Path, "err", err)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				return
			}
		} else if err := s.Rollback(context.WithoutCancel(ctx)); err != nil {
			sm.logger.ErrorContext(ctx, "orm: rollback at the end of the request failed",
				"method", r.Method, "path", r.URL.Path, "err", err)
		}
		if err := s.Close(); err != nil {
			sm.logger.ErrorContext(ctx, "orm: closing the request's session failed", "err", err)
		}
		bw.writeTo(w, status)
	})
}

// bufferedWriter holds a handler's response until the session is done.
type bufferedWriter struct {
	header http.Header // the handler's, changed until WriteHeader
	sent   http.Header // a copy taken at WriteHeader, as net/http freezes them
	status int         // 0 until WriteHeader (or the first Write)
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status != 0 || code < 200 { // a second call, or an informational status: ignored
		return
	}
	b.status = code
	b.sent = b.header.Clone()
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.WriteHeader(http.StatusOK)
	}
	return b.body.Write(p)
}

// finalStatus is the status the response will have: 200 when the handler
// wrote nothing.
func (b *bufferedWriter) finalStatus() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

func (b *bufferedWriter) writeTo(w http.ResponseWriter, status int) {
	h := b.sent
	if h == nil {
		h = b.header
	}
	dst := w.Header()
	for k, v := range h {
		dst[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(b.body.Bytes())
}
