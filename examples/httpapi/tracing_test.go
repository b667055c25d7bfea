package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the exporter's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// exportedSpan is the part of the stdout exporter's JSON the test reads.
type exportedSpan struct {
	Name        string
	SpanKind    int
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ TraceID, SpanID string }
	Attributes  []struct {
		Key   string
		Value struct{ Value any }
	}
}

func (s exportedSpan) attr(key string) string {
	for _, a := range s.Attributes {
		if a.Key == key {
			if v, ok := a.Value.Value.(string); ok {
				return v
			}
			b, _ := json.Marshal(a.Value.Value)
			return string(b)
		}
	}
	return ""
}

// TestRunTraced: with -trace, a request is traced end to end: otelhttp's server
// span, and under it (through the request's context, the ORM session and the
// engine) the spans of the database work, BEGIN to COMMIT, each with the
// conventions' attributes, written to the trace output when the server stops.
func TestRunTraced(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, "", "127.0.0.1:0", quiet, out, func(a net.Addr) { addrs <- a }) }()
	var base string
	select {
	case a := <-addrs:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	resp, err := client.Post(base+"/users", "application/json", strings.NewReader(`{"name": "traced-ed"}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /users: %d", resp.StatusCode)
	}
	client.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context ended")
	}

	var spans []exportedSpan
	dec := json.NewDecoder(strings.NewReader(out.String()))
	for {
		var s exportedSpan
		if err := dec.Decode(&s); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading the trace output: %v", err)
		}
		spans = append(spans, s)
	}
	var server *exportedSpan
	for i, s := range spans {
		if s.SpanKind == 2 && s.attr("http.request.method") == "POST" { // SpanKindServer
			server = &spans[i]
		}
	}
	if server == nil {
		t.Fatalf("no server span among %d spans", len(spans))
	}
	byID := map[string]exportedSpan{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID] = s
	}
	under := func(s exportedSpan) bool { // s descends from the server span
		for range 10 {
			if s.Parent.SpanID == server.SpanContext.SpanID {
				return true
			}
			p, ok := byID[s.Parent.SpanID]
			if !ok {
				return false
			}
			s = p
		}
		return false
	}
	got := map[string]bool{}
	for _, s := range spans {
		if s.attr("db.system.name") == "" || s.SpanContext.TraceID != server.SpanContext.TraceID || !under(s) {
			continue
		}
		got[s.Name] = true
		if s.attr("db.system.name") != "sqlite" {
			t.Errorf("%s: db.system.name %q", s.Name, s.attr("db.system.name"))
		}
		if strings.Contains(out.String(), "traced-ed") {
			t.Errorf("a bound value reached the trace output")
		}
	}
	for _, want := range []string{"BEGIN", "COMMIT"} {
		if !got[want] {
			t.Errorf("no %s span under the request's: %v", want, got)
		}
	}
	var insert bool
	for name := range got {
		if strings.HasPrefix(name, "INSERT ") && strings.HasSuffix(name, "users") {
			insert = true
		}
	}
	if !insert {
		t.Errorf("no INSERT users span under the request's: %v", got)
	}
}
