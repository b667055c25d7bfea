package sqlcmd

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/chzyer/readline"
)

// HistoryEnv names the history file of the prompt; set and empty, it keeps
// no history.
const HistoryEnv = "ALCHEMY_HISTORY"

// historyFile is the history file's name in the home directory.
const historyFile = ".alchemy_history"

// historyLimit is how many lines the history keeps.
const historyLimit = 1000

// secretRE matches input that may hold a password, which the history file
// never keeps: the words password, passwd and IDENTIFIED BY (CREATE USER,
// ALTER ROLE, SET PASSWORD...), a URL with a password, and the \set
// meta-command (whose values may be secrets).
var secretRE = regexp.MustCompile(`(?i)\bpass(word|wd)\b|\bidentified\b|[a-z][a-z0-9+.-]*://[^\s/@]*:[^\s/@]*@|^\s*\\(set|connect|c)\b`)

// history is the prompt's history: one entry per statement (its lines joined
// into one where that keeps its meaning) or meta-command, oldest first, kept
// in a file private to the user (mode 0600) unless it may hold a password.
type history struct {
	path    string   // "" keeps no file
	dialect string   // whose lexical rules decide whether lines can be joined
	entries []string // this session's, from the file and typed
}

// newHistory returns the history of $ALCHEMY_HISTORY, or of
// ~/.alchemy_history.
func newHistory(dialect string) *history {
	h := &history{dialect: dialect}
	if p, ok := os.LookupEnv(HistoryEnv); ok {
		h.path = p
		return h
	}
	if home, err := os.UserHomeDir(); err == nil {
		h.path = filepath.Join(home, historyFile)
	}
	return h
}

// add adds the lines typed for one statement or meta-command, and appends
// them to the file unless they may hold a password.
func (h *history) add(typed []string) {
	entries := h.entriesOf(typed)
	if len(entries) == 0 || len(h.entries) > 0 && slices.Equal(entries, h.entries[len(h.entries)-1:]) {
		return // nothing, or the entry before again
	}
	h.entries = append(h.entries, entries...)
	if n := len(h.entries) - historyLimit; n > 0 {
		h.entries = slices.Delete(h.entries, 0, n)
	}
	if !secret(typed) {
		h.record(entries)
	}
}

// entriesOf returns the history entries for the lines of one statement: one
// line, their join, or each line on its own when joining would change the
// statement (a line ending in a comment, or inside a quoted string).
func (h *history) entriesOf(typed []string) []string {
	var lines []string
	for _, l := range typed {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) <= 1 {
		return lines
	}
	sp := newSplitter(h.dialect)
	joined := make([]string, len(lines))
	for i, l := range lines {
		sp.feed(l, i+1)
		if i < len(lines)-1 && (sp.inside() || sp.lineComment) {
			return lines
		}
		joined[i] = strings.TrimSpace(l)
	}
	return []string{strings.Join(joined, " ")}
}

// apply makes the entries readline's history (replacing what it recorded of
// its own, and ending a walk through the history).
func (h *history) apply(rl *readline.Instance) {
	rl.ResetHistory()
	for _, e := range h.entries {
		rl.SaveHistory(e)
	}
}

// load reads the last historyLimit entries of the file, trimming the file
// when it has grown to twice that.
func (h *history) load() {
	if h.path == "" {
		return
	}
	f, err := os.Open(h.path)
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > historyLimit {
		trimmed := len(lines) >= 2*historyLimit
		lines = lines[len(lines)-historyLimit:]
		if trimmed {
			h.rewrite(lines)
		}
	}
	h.entries = lines
}

// rewrite replaces the file with lines.
func (h *history) rewrite(lines []string) {
	tmp := h.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l + "\n")
	}
	if w.Flush() != nil || f.Close() != nil {
		os.Remove(tmp)
		return
	}
	if os.Rename(tmp, h.path) != nil {
		os.Remove(tmp)
	}
}

// record appends entries to the file. The history is a convenience: failing
// to write it is not an error.
func (h *history) record(entries []string) {
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	f.WriteString(strings.Join(entries, "\n") + "\n")
	f.Close()
}

// secret reports lines that may hold a password.
func secret(lines []string) bool {
	for _, l := range lines {
		if secretRE.MatchString(l) {
			return true
		}
	}
	return secretRE.MatchString(strings.Join(lines, " "))
}
