package benchcmd

import (
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/pool"
)

// keptMessages is how many distinct error messages a run reports.
const keptMessages = 5

// maxMessageLen bounds one reported error message, in bytes.
const maxMessageLen = 400

// ErrorCount is one distinct error message and how often it came.
type ErrorCount struct {
	Message string `json:"message"`
	Count   int64  `json:"count"`
}

// errTally counts the failed transactions and keeps the first few distinct
// messages. Failures are the slow path: a mutex is enough.
type errTally struct {
	mu     sync.Mutex
	total  int64
	counts []ErrorCount
}

func (t *errTally) add(err error) {
	msg := message(err)
	if len(msg) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	for i := range t.counts {
		if t.counts[i].Message == msg {
			t.counts[i].Count++
			return
		}
	}
	if len(t.counts) < keptMessages {
		t.counts = append(t.counts, ErrorCount{Message: msg, Count: 1})
	}
}

// message is err's text, without the parts that change from one failure to
// the next of the same kind: a pool timeout's snapshot of the pool's counts.
func message(err error) string {
	var timeout *pool.TimeoutError
	if errors.As(err, &timeout) {
		return fmt.Sprintf("%v (limit of size %d overflow %d reached, timeout %s)",
			pool.ErrTimeout, timeout.Size, timeout.MaxOverflow, timeout.Timeout)
	}
	return err.Error()
}

// messages returns the kept messages, first seen first.
func (t *errTally) messages() []ErrorCount {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]ErrorCount, len(t.counts))
	copy(out, t.counts)
	return out
}
