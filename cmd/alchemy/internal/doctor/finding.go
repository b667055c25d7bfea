package doctor

import (
	"fmt"
	"strings"
)

// Severity says how much a finding matters: an error will fail requests, a
// warning may, an info is there to read.
type Severity string

// Severities, from the worst.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// rank orders severities for sorting, the worst first.
func (s Severity) rank() int {
	switch s {
	case SevError:
		return 0
	case SevWarning:
		return 1
	}
	return 2
}

// Evidence is one value a finding rests on: a setting, its value, and where
// that value comes from ("role doc_x (ALTER ROLE ... SET)", "session", "global",
// "--pool-recycle").
type Evidence struct {
	Setting string `json:"setting"`
	Value   string `json:"value"`
	Source  string `json:"source"`
}

// Finding is one thing the doctor found: how much it matters, which check found
// it, what it means, what it rests on, and what fixes it.
type Finding struct {
	Severity Severity   `json:"severity"`
	Check    string     `json:"check"`
	Summary  string     `json:"summary"`
	Evidence []Evidence `json:"evidence"`
	Fix      string     `json:"fix,omitempty"`
}

// Checks' names, as findings carry them.
const (
	checkIdleSession     = "idle-session-timeout"
	checkIdleInTx        = "idle-in-transaction-timeout"
	checkKeepalives      = "tcp-keepalives"
	checkWaitTimeout     = "wait-timeout"
	checkMaxConnections  = "max-connections"
	checkRoleLimit       = "role-connection-limit"
	checkDatabaseLimit   = "database-connection-limit"
	checkUserLimit       = "user-connection-limit"
	checkOpenConnections = "open-connections"
	checkPgBouncer       = "pgbouncer-transaction-mode"
	checkPgBouncerIdle   = "pgbouncer-client-idle-timeout"
	checkPgBouncerWait   = "pgbouncer-query-wait-timeout"
	checkStatementTime   = "statement-timeout"
	checkLockTimeout     = "lock-timeout"
	checkUnreadable      = "unreadable"
	checkNotChecked      = "not-checked"
	checkProbe           = "probe"
)

// findings collects findings as the checks make them.
type findings []Finding

func (fs *findings) add(sev Severity, check, summary, fix string, ev ...Evidence) {
	*fs = append(*fs, Finding{Severity: sev, Check: check, Summary: summary, Evidence: ev, Fix: fix})
}

// unreadable records a setting the doctor could not read, and why.
func (fs *findings) unreadable(setting, what string, err error) {
	fs.add(SevInfo, checkUnreadable,
		fmt.Sprintf("could not read %s: %s; the checks that need it were skipped", what, oneLine(err)),
		"", Evidence{Setting: setting, Value: "unknown", Source: what})
}

// failed reports whether any finding is a warning or an error.
func (fs findings) failed() bool {
	for _, f := range fs {
		if f.Severity != SevInfo {
			return true
		}
	}
	return false
}

// count returns how many findings have severity s.
func (fs findings) count(s Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// oneLine is an error's message on one line, as a finding quotes it, without
// the statement alchemy appends ("[SQL: ...]"): the finding names what it read.
func oneLine(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if i := strings.Index(msg, " [SQL: "); i >= 0 && strings.HasSuffix(msg, "]") {
		msg = msg[:i]
	}
	return msg
}
