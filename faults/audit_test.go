package faults_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
)

// The password audit. Every password of every URL the suite uses is registered here
// (addURL, addSecret); every string the suite sees — each log line of each engine, the
// MySQL driver's own log, every error, every rendering of an engine, URL or status, every
// recovered panic — is checked against all of them. A test reports a leak it sees at
// once; TestMain fails the run for any leak seen anywhere, attributed or not.
type auditor struct {
	mu      sync.Mutex
	secrets []string // the passwords, and their URL-escaped forms
	leaks   []string // where each leak was seen, with the password masked

	scanned atomic.Int64 // strings checked, for the closing report
	lines   atomic.Int64 // log lines among them
}

var audit = &auditor{}

// addSecret registers a password (and its escaped forms) to look for.
func (a *auditor) addSecret(s string) {
	if s == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
		known := false
		for _, have := range a.secrets {
			known = known || have == form
		}
		if !known {
			a.secrets = append(a.secrets, form)
		}
	}
}

// addURL registers the password of a database URL.
func (a *auditor) addURL(raw string) {
	if u, err := dialect.ParseURL(raw); err == nil {
		a.addSecret(u.Password)
	}
}

// find returns the first password s contains, or "".
func (a *auditor) find(s string) string {
	a.scanned.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, sec := range a.secrets {
		if strings.Contains(s, sec) {
			return sec
		}
	}
	return ""
}

// check looks for a password in s, seen at where; it records a leak and returns a
// description of it with the password masked, or "" when s is clean.
func (a *auditor) check(where, s string) string {
	sec := a.find(s)
	if sec == "" {
		return ""
	}
	masked := strings.ReplaceAll(s, sec, "<PASSWORD>")
	if len(masked) > 400 {
		i := max(strings.Index(masked, "<PASSWORD>")-150, 0)
		masked = "..." + masked[i:min(i+300, len(masked))] + "..."
	}
	leak := fmt.Sprintf("%s holds a password: %s", where, masked)
	a.mu.Lock()
	a.leaks = append(a.leaks, leak)
	a.mu.Unlock()
	return leak
}

// report returns every leak recorded in the run.
func (a *auditor) report() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.leaks...)
}

// auditString fails t when s holds a password.
func auditString(t testing.TB, where, s string) {
	t.Helper()
	if leak := audit.check(where, s); leak != "" {
		t.Error(leak)
	}
}

// auditErr checks every rendering of err and of each error it wraps.
func auditErr(t testing.TB, where string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	seen := 0
	var walk func(e error)
	walk = func(e error) {
		if e == nil || seen > 50 {
			return
		}
		seen++
		for _, s := range []string{e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), fmt.Sprintf("%q", e)} {
			auditString(t, where+" (error)", s)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, w := range u.Unwrap() {
				walk(w)
			}
		}
	}
	walk(err)
}

// auditValue checks the renderings of v that a program logs: String, %v, %+v, %s.
// (%#v is audited on its own, in TestSecretsInRenderings.)
func auditValue(t testing.TB, where string, v any) {
	t.Helper()
	if s, ok := v.(fmt.Stringer); ok {
		auditString(t, where+" String()", s.String())
	}
	for _, verb := range []string{"%v", "%+v", "%s"} {
		auditString(t, where+" "+verb, fmt.Sprintf(verb, v))
	}
}

// logSink is where an engine's slog records go: each line is checked as it is written
// and then dropped (a load test writes hundreds of thousands). Leaks are reported to the
// test when it ends; the auditor keeps them for TestMain too.
type logSink struct {
	name string

	mu    sync.Mutex
	part  []byte // an unfinished line
	leaks []string
	lines int
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.part = append(s.part, p...)
	for {
		i := bytes.IndexByte(s.part, '\n')
		if i < 0 {
			break
		}
		s.line(string(s.part[:i]))
		s.part = s.part[i+1:]
	}
	return len(p), nil
}

func (s *logSink) line(l string) {
	s.lines++
	audit.lines.Add(1)
	if leak := audit.check(s.name+" log line", l); leak != "" {
		s.leaks = append(s.leaks, leak)
	}
}

// flush checks an unfinished last line and returns the leaks seen and the line count.
func (s *logSink) flush() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.part) > 0 {
		s.line(string(s.part))
		s.part = nil
	}
	return append([]string(nil), s.leaks...), s.lines
}

// logger returns a JSON slog logger at Debug level (EchoPool logs checkouts at Debug)
// writing into the sink.
func (s *logSink) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newLogSink makes a sink whose leaks fail t when it ends.
func newLogSink(t testing.TB, name string) *logSink {
	s := &logSink{name: name}
	t.Cleanup(func() {
		leaks, _ := s.flush()
		for _, l := range leaks {
			t.Error(l)
		}
	})
	return s
}

// driverLog receives go-sql-driver/mysql's own log ("unexpected EOF", "busy buffer"),
// which the kill and toxic tests provoke; TestMain routes it here.
var driverLog = &logSink{name: "go-sql-driver/mysql"}
