package benchcmd

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/pool"
)

func TestSplitSQL(t *testing.T) {
	src := `-- leading comment; with a semicolon
SELECT 'a;b' AS x;
SELECT "c;d" FROM t; /* block; comment */
SELECT $$e;f$$, $tag$g;h$tag$, :id::int, $1;
;
  -- only a comment ;
SELECT 1`
	got := splitSQL(src)
	want := []string{
		"-- leading comment; with a semicolon\nSELECT 'a;b' AS x",
		`SELECT "c;d" FROM t`,
		"/* block; comment */\nSELECT $$e;f$$, $tag$g;h$tag$, :id::int, $1",
		"-- only a comment ;\nSELECT 1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitSQL:\n got %q\nwant %q", got, want)
	}
	if got := splitSQL("SELECT 'it''s;';"); len(got) != 1 {
		t.Errorf("doubled quote: %q", got)
	}
}

// TestSummarize: percentiles are nearest-rank over every latency while all
// are kept, and a weighted estimate once clients keep samples.
func TestSummarize(t *testing.T) {
	a, b := newRecorder(1000, 1), newRecorder(1000, 2)
	for i := 1; i <= 100; i++ {
		r := a
		if i%2 == 0 {
			r = b
		}
		r.add(time.Duration(i) * time.Millisecond)
	}
	got := summarize([]*recorder{a, b, newRecorder(10, 3)})
	want := Latency{Min: 1, Avg: 50.5, P50: 50, P95: 95, P99: 99, Max: 100, Exact: true}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (Latency{Exact: true}) {
		t.Errorf("no latencies: %+v", got)
	}

	// Client a keeps a sample of 100 of its 100,000 latencies of 1 ms; b all
	// of its 100 of 10 ms. b's are a thousandth of the whole: p50 and p99 are
	// a's, max is b's, and the figures are marked inexact.
	a, b = newRecorder(100, 4), newRecorder(1000, 5)
	for range 100_000 {
		a.add(time.Millisecond)
	}
	for range 100 {
		b.add(10 * time.Millisecond)
	}
	got = summarize([]*recorder{a, b})
	if got.P50 != 1 || got.P99 != 1 || got.Max != 10 || got.Exact || got.Min != 1 {
		t.Errorf("sampled: %+v", got)
	}
}

func TestApplySpec(t *testing.T) {
	base := PoolSettings{Size: 5, MaxOverflow: 10, Timeout: 30 * time.Second}
	s, err := applySpec(base, " pool_size=2, max_overflow=-1,pool_timeout=1.5,pre_ping=true,use_lifo=1,pool_recycle=5m")
	if err != nil {
		t.Fatal(err)
	}
	want := PoolSettings{Size: 2, MaxOverflow: -1, Timeout: 1500 * time.Millisecond, PrePing: true, LIFO: true, Recycle: 5 * time.Minute}
	if s != want {
		t.Errorf("applySpec = %+v", s)
	}
	for _, bad := range []string{"", "pool_size", "pool_size=1,foo=2", "pre_ping=maybe", "max_overflow=-5"} {
		if _, err := applySpec(base, bad); err == nil {
			t.Errorf("applySpec(%q) took it", bad)
		}
	}
}

// TestErrTally: failures of one kind are counted under one message (a pool
// timeout's changing counts left out); only the first few kinds are kept.
func TestErrTally(t *testing.T) {
	var tally errTally
	for i := range 3 {
		tally.add(fmt.Errorf("checkout: %w", &pool.TimeoutError{Size: 1, Timeout: 20 * time.Millisecond, Status: pool.Status{Waiters: i}}))
	}
	for i := range keptMessages + 2 {
		tally.add(fmt.Errorf("error %d", i))
	}
	tally.add(errors.New(strings.Repeat("x", 2*maxMessageLen)))
	got := tally.messages()
	if tally.total != 3+keptMessages+2+1 || len(got) != keptMessages {
		t.Fatalf("total %d, kept %d", tally.total, len(got))
	}
	if got[0].Count != 3 || got[0].Message != "alchemy: pool: connection timed out (limit of size 1 overflow 0 reached, timeout 20ms)" {
		t.Errorf("timeouts: %+v", got[0])
	}
	if got[1] != (ErrorCount{"error 0", 1}) {
		t.Errorf("second message: %+v", got[1])
	}
	var long errTally
	long.add(errors.New(strings.Repeat("é", maxMessageLen)))
	if m := long.messages()[0].Message; len(m) > maxMessageLen+len("…") || !strings.HasSuffix(m, "…") || !utf8.ValidString(m) {
		t.Errorf("long message cut to %d bytes", len(m))
	}
}
