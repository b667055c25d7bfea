package alchemyprom_test

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

// TestMain fails the run when a goroutine outlives the tests: every engine is
// disposed and every test server closed by then.
func TestMain(m *testing.M) {
	// go-sql-driver logs on its own when a connection is lost.
	gomysql.SetLogger(log.New(io.Discard, "", 0))
	goleak.VerifyTestMain(m)
}

var quiet = slog.New(slog.DiscardHandler)

// newEngine makes an engine disposed at the end of the test, which fails when
// a connection is still checked out then.
func newEngine(t testing.TB, url string, opts ...alchemy.Option) *alchemy.Engine {
	t.Helper()
	eng, err := alchemy.CreateEngine(url, append([]alchemy.Option{alchemy.Logger(quiet)}, opts...)...)
	if err != nil {
		u, _ := alchemy.ParseURL(url)
		t.Fatalf("CreateEngine(%s): %v", u, err)
	}
	t.Cleanup(func() {
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Errorf("engine %s: %d connection(s) still checked out at the end", eng, st.CheckedOut)
		}
		if err := eng.Dispose(); err != nil {
			t.Errorf("Dispose: %v", err)
		}
	})
	return eng
}

// serve serves reg's metrics as promhttp does in a program, on a real HTTP
// server closed at the end of the test, and returns its /metrics URL.
func serve(t testing.TB, reg *prometheus.Registry) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/metrics"
}

// scraped is one scrape: the body as sent and its metric families.
type scraped struct {
	body     string
	families map[string]*dto.MetricFamily
}

// scrape GETs url as Prometheus would and parses the text format.
func scrape(t testing.TB, url string) scraped {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("scrape: reading the body: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s: %s", resp.Status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("scrape: Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("scrape: parsing the text format: %v\n%s", err, body)
	}
	return scraped{body: string(body), families: fams}
}

// value returns the value of the sample of family name whose labels include
// all of want; ok is false when there is none. It fails the test when several
// samples match.
func (s scraped) value(t testing.TB, name string, want map[string]string) (v float64, ok bool) {
	t.Helper()
	mf := s.families[name]
	if mf == nil {
		return 0, false
	}
	n := 0
	for _, m := range mf.GetMetric() {
		if !hasLabels(m, want) {
			continue
		}
		n++
		switch {
		case m.Gauge != nil:
			v = m.Gauge.GetValue()
		case m.Counter != nil:
			v = m.Counter.GetValue()
		default:
			t.Fatalf("%s: neither a gauge nor a counter", name)
		}
	}
	if n > 1 {
		t.Fatalf("%s%v: %d samples match", name, want, n)
	}
	return v, n == 1
}

// must is value for a sample that must be there.
func (s scraped) must(t testing.TB, name string, want map[string]string) float64 {
	t.Helper()
	v, ok := s.value(t, name, want)
	if !ok {
		t.Fatalf("no sample %s%v in the scrape:\n%s", name, want, s.body)
	}
	return v
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	have := map[string]string{}
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// with returns labels plus one more.
func with(labels map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for lk, lv := range labels {
		out[lk] = lv
	}
	return out
}

// eventually polls cond every 10ms for up to 5s, and fails the test with what
// last returns when it never holds.
func eventually(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 5s; last: %s", what, last)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// selectOne runs "select 1" on eng and closes its result, which returns the
// connection to the pool.
func selectOne(t testing.TB, eng *alchemy.Engine) {
	t.Helper()
	res, err := eng.Execute(context.Background(), alchemy.Text("select 1"))
	if err != nil {
		t.Fatalf("select 1: %v", err)
	}
	if err := res.Close(); err != nil {
		t.Fatalf("closing the result: %v", err)
	}
}
