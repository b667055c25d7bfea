package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// The probe measures the kill time of a role whose idle_session_timeout is 2s:
// the first idle interval that fails lies between 2s and 5s, the last that
// lived below it, and the failure is read as the server's idle timeout.
func TestProbeMeasuresIdleKill(t *testing.T) {
	_, url := pgRole(t, "ALTER ROLE %s SET idle_session_timeout = '2s'")
	start := time.Now()
	code, r := doctorJSON(t, url, "--probe", "--probe-max", "8s", "--pool-recycle", "1m")
	took := time.Since(start)
	if r.Probe == nil {
		t.Fatalf("no probe in the report: %+v", r)
	}
	survived, err1 := time.ParseDuration(r.Probe.Survived)
	failed, err2 := time.ParseDuration(r.Probe.Failed)
	if err1 != nil || err2 != nil {
		t.Fatalf("probe durations: %+v", r.Probe)
	}
	if failed < 2*time.Second || failed > 5*time.Second || survived < time.Second || survived >= failed {
		t.Errorf("measured: lived %s, died %s; want the kill between 2s and 5s (steps %+v)", survived, failed, r.Probe.Steps)
	}
	if !strings.Contains(r.Probe.Error, "57P05") {
		t.Errorf("probe error: %q", r.Probe.Error)
	}
	f := r.only(t, checkProbe)
	if code != cli.ExitFindings || f.Severity != SevError || !strings.Contains(f.Summary, layerServerIdle) {
		t.Errorf("probe finding: exit %d, %+v", code, f)
	}
	if took > 15*time.Second {
		t.Errorf("the probe took %s", took)
	}
}

// A probe that finds nothing ends idle connections says so, and a short
// --probe-max is refused.
func TestProbeNothingDies(t *testing.T) {
	_, url := pgRole(t)
	code, r := doctorJSON(t, url, "--probe", "--probe-max", "1s", "--pool-size", "1", "--max-overflow", "0")
	if r.Probe == nil || r.Probe.Failed != "" || r.Probe.Survived != "1s" {
		t.Fatalf("probe: %+v", r.Probe)
	}
	if f := r.only(t, checkProbe); code != cli.ExitOK || f.Severity != SevInfo || !strings.Contains(f.Summary, "still worked") {
		t.Errorf("exit %d, %+v", code, f)
	}
	if code, _, errs := run(t, url, "table", "--probe", "--probe-max", "100ms"); code != cli.ExitUsage || !strings.Contains(errs, "--probe-max") {
		t.Errorf("--probe-max 100ms: exit %d, %q", code, errs)
	}
}
