package sqlcmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/internal/testdb"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the alchemy command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "alchemy-sqlcmd-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "alchemy")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/go-alchemy/alchemy/cmd/alchemy").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// terminal is a tmux session, on a tmux server of its own, running one
// command in a real terminal.
type tmuxTerm struct {
	t      *testing.T
	socket string
	name   string
}

// startTmux starts command (an argv) in a detached 200x50 tmux session, with
// env added to its environment. The session and its server end with the test.
func startTmux(t *testing.T, env []string, command ...string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if testdb.InCI() {
			t.Fatalf("tmux is missing (apt-get install -y tmux): %v", err)
		}
		t.Skipf("tmux is missing (apt-get install -y tmux): %v", err)
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("alchemy-sqlcmd-%d-%d", os.Getpid(), tableSeq.Add(1)), name: "sql"}
	args := []string{"new-session", "-d", "-s", tm.name, "-x", "200", "-y", "50"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	// The shell keeps the pane open after the command, to read its exit code.
	quoted := make([]string, len(command))
	for i, a := range command {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	args = append(args, strings.Join(quoted, " ")+`; echo "EXITED $?"; sleep 600`)
	tm.tmux(args...)
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

// tmux runs a tmux command on the session's server.
func (tm *tmuxTerm) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// line types text and Enter.
func (tm *tmuxTerm) line(text string) {
	tm.t.Helper()
	// tmux reads an argument ending in ";" as the end of its command.
	if strings.HasSuffix(text, ";") {
		text = strings.TrimSuffix(text, ";") + `\;`
	}
	tm.tmux("send-keys", "-t", tm.name, "-l", text)
	tm.tmux("send-keys", "-t", tm.name, "Enter")
}

// keys sends named keys (Up, Enter, C-c).
func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", tm.name}, keys...)...)
}

// screen returns the pane's text with its scrollback.
func (tm *tmuxTerm) screen() string {
	tm.t.Helper()
	return tm.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", tm.name)
}

// wait waits until text appears n times on the screen.
func (tm *tmuxTerm) wait(text string, n int) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		if strings.Count(s, text) >= n {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("%q did not appear %d times; the screen:\n%s", text, n, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPromptInTerminal drives the prompt through a real terminal (tmux): a
// statement over two lines, the history's Up arrow, \begin with \rollback and
// with \commit (seen from another connection), the history file without the
// line holding a password, and \q rolling back an open transaction.
func TestPromptInTerminal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		bin := binary(t)
		tb := tableName("sqlcmd_tty")
		eng := engine(t, tg.URL)
		dropAtEnd(t, eng, tb)
		if res, err := eng.Execute(t.Context(), textf("create table %s (id int primary key)", tb)); err != nil {
			t.Fatal(err)
		} else {
			res.Close()
		}
		histFile := filepath.Join(t.TempDir(), "history")
		// The URL goes in the environment, out of the command line.
		tm := startTmux(t, []string{"ALCHEMY_URL=" + tg.URL, "ALCHEMY_HISTORY=" + histFile, "NO_COLOR=1"}, bin, "sql")
		tm.wait(`\help for help`, 1)

		// A statement over two lines: the first without ";" runs nothing.
		tm.line("select 100")
		tm.wait("-> ", 1)
		tm.line("  + 23 as answer;")
		tm.wait("123", 1)
		// Up recalls the statement, joined into one line.
		tm.keys("Up")
		tm.wait("select 100 + 23 as answer;", 1)
		tm.keys("Enter")
		tm.wait("123", 2) // the recalled line's echo holds "100 + 23", not 123

		// \begin, an insert, \rollback: nothing is kept.
		tm.line(`\begin`)
		tm.wait("*> ", 1)
		tm.line(fmt.Sprintf("insert into %s values (1001);", tb))
		tm.wait("1 row affected", 1)
		if got := ids(t, eng, tb); len(got) != 0 {
			t.Errorf("another connection sees %v before the transaction ends", got)
		}
		tm.line(`\rollback`)
		tm.wait("ROLLBACK", 1)
		tm.line(fmt.Sprintf("select count(*) + 7000 as n from %s;", tb))
		tm.wait("7000", 1)

		// \begin, an insert, \commit: another connection sees it.
		tm.line(`\begin`)
		tm.line(fmt.Sprintf("insert into %s values (2002);", tb))
		tm.wait("1 row affected", 2)
		tm.line(`\commit`)
		tm.wait("COMMIT", 1)
		eventually(t, "the committed row", 10*time.Second, func() bool { return slices.Equal(ids(t, eng, tb), []int64{2002}) })

		// A line with a password runs, and stays out of the history file.
		tm.line("select 'x' as password, 4 * 1000 + 4 as four;")
		tm.wait("4004", 1)

		// \q with a transaction open rolls it back, and says so.
		tm.line(`\begin`)
		tm.line(fmt.Sprintf("insert into %s values (3003);", tb))
		tm.wait("1 row affected", 3)
		tm.line(`\q`)
		tm.wait("rolled back the open transaction", 1)
		tm.wait("EXITED 0", 1)
		eventually(t, "the rolled back row gone", 10*time.Second, func() bool { return slices.Equal(ids(t, eng, tb), []int64{2002}) })

		hist, err := os.ReadFile(histFile)
		if err != nil {
			t.Fatal(err)
		}
		h := string(hist)
		for _, want := range []string{"select 100 + 23 as answer;\n", `\begin` + "\n", `\commit` + "\n", fmt.Sprintf("insert into %s values (2002);\n", tb), `\q` + "\n"} {
			if !strings.Contains(h, want) {
				t.Errorf("history lacks %q:\n%s", want, h)
			}
		}
		if strings.Contains(h, "password") {
			t.Errorf("history holds the password line:\n%s", h)
		}
		if strings.Count(h, "select 100 + 23 as answer;") != 1 {
			t.Errorf("the repeated statement is recorded twice:\n%s", h)
		}
		if fi, err := os.Stat(histFile); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("history file mode: %v %v", fi.Mode(), err)
		}

		// A new session starts with that history: Up recalls the last entry.
		tm2 := startTmux(t, []string{"ALCHEMY_URL=" + tg.URL, "ALCHEMY_HISTORY=" + histFile, "NO_COLOR=1"}, bin, "sql")
		tm2.wait(`\help for help`, 1)
		tm2.keys("Up")
		tm2.keys("Up")
		tm2.wait(fmt.Sprintf("insert into %s values (3003);", tb), 1)
		tm2.keys("C-c")
		tm2.keys("C-d")
		tm2.wait("EXITED 0", 1)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestPromptCancel: Ctrl-C at the prompt cancels the running statement, not
// the prompt, and ends the transaction it was in.
func TestPromptCancel(t *testing.T) {
	url := testdb.URL(t, testdb.PostgreSQL)
	bin := binary(t)
	tm := startTmux(t, []string{"ALCHEMY_URL=" + url, "ALCHEMY_HISTORY=", "NO_COLOR=1"}, bin, "sql")
	tm.wait(`\help for help`, 1)
	tm.line(`\begin`)
	tm.wait("*> ", 1)
	tm.line("select pg_sleep(60);")
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	tm.keys("C-c")
	tm.wait("canceled (the open transaction is lost", 1)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the cancel took %s", d)
	}
	tm.line("select 5 * 5 as x;")
	tm.wait("25", 1)
	tm.line(`\q`)
	tm.wait("EXITED 0", 1)
	if strings.Contains(tm.screen(), "rolled back the open transaction") {
		t.Errorf("the canceled transaction was still open at \\q:\n%s", tm.screen())
	}
}
