package faults_test

import (
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/goleak"

	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
)

// leakIgnores are the goroutines goleak may find at the end that are not alchemy's: a
// toxiproxy v2.5.0 stub whose next toxic was removed (ResetToxics, before Proxy.Stop)
// can stay blocked sending to it for good. Nothing else is ignored: a goroutine of
// alchemy, database/sql or a driver still running fails the run.
var leakIgnores = []goleak.Option{
	goleak.IgnoreTopFunction("github.com/Shopify/toxiproxy/v2/toxics.(*NoopToxic).Pipe"),
}

// defaultParallel is how many tests run at once when -parallel is not given.
const defaultParallel = 16

// TestMain runs the suite, writes the figures it measured to $ALCHEMY_FAULTS_REPORT
// when that is set, then fails the run when anything it saw held a password
// (see auditor) or when a goroutine outlived the tests (goleak): every engine is
// disposed and every toxiproxy stopped by then.
//
// The tests spend their time waiting on servers (idle gaps, outages, toxics), not on the
// CPU: unless -parallel is given, they run 16 at a time, not GOMAXPROCS (2 here), which
// keeps the module's run within its budget of about two minutes.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		if err := flag.Set("test.parallel", strconv.Itoa(defaultParallel)); err != nil {
			fmt.Fprintf(os.Stderr, "setting -test.parallel: %v\n", err)
			os.Exit(2)
		}
	}
	// The MySQL driver logs lost connections on its own; the audit reads that too.
	gomysql.SetLogger(log.New(driverLog, "", 0))
	code := m.Run()

	if leaks, _ := driverLog.flush(); len(leaks) > 0 {
		code = 1 // already among audit.report()
	}
	if leaks := audit.report(); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: password audit: %d leak(s):\n", len(leaks))
		for _, l := range leaks {
			fmt.Fprintf(os.Stderr, "    %s\n", l)
		}
		code = 1
	} else {
		fmt.Printf("password audit: %d strings checked (%d log lines), no password found\n",
			audit.scanned.Load(), audit.lines.Load())
	}
	if path := os.Getenv("ALCHEMY_FAULTS_REPORT"); path != "" {
		figures.mu.Lock()
		lines := slices.Clone(figures.lines)
		figures.mu.Unlock()
		slices.Sort(lines)
		lines = append(lines, fmt.Sprintf("AUDIT strings=%d log_lines=%d leaks=%d",
			audit.scanned.Load(), audit.lines.Load(), len(audit.report())))
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "writing %s: %v\n", path, err)
		}
	}
	if err := goleak.Find(leakIgnores...); err != nil {
		msg := err.Error()
		if lines := strings.SplitAfter(msg, "\n"); len(lines) > 60 {
			msg = strings.Join(lines[:60], "") + fmt.Sprintf("... (%d more lines)\n", len(lines)-60)
		}
		fmt.Fprintf(os.Stderr, "FAIL: goroutines left after the suite: %s\n", msg)
		code = 1
	}
	os.Exit(code)
}
