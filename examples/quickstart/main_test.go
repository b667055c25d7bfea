package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestQuickstart runs the README's first command, the walk-through on SQLite, and
// checks what it prints: every step of the seeds did what it says.
func TestQuickstart(t *testing.T) {
	out := captureStdout(t, func() error { return run(context.Background(), "") })
	for _, want := range []string{
		"inserted with executemany: 2",
		`missing bind: alchemy: bind parameter "name" has no value`,
		"user 1: jack\nuser 2: wendy\nuser 3: mary\nuser 4: ed\nuser 5: bat\n", // 99 rolled back to its savepoint
		"transact: changed my mind",
		"users: 5",                           // the delete inside Transact was rolled back
		"Current Checked out connections: 1", // the connection main still holds
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func captureStdout(t *testing.T, fn func() error) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, r)
		done <- b.Bytes()
	}()
	runErr := fn()
	os.Stdout = old
	w.Close()
	out := string(<-done)
	if runErr != nil {
		t.Fatalf("quickstart failed: %v\n%s", runErr, out)
	}
	return out
}
