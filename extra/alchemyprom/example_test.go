package alchemyprom_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyprom"
)

// A program registers a collector for its engine with the default registry
// and serves /metrics with promhttp.Handler. Here the server is an httptest
// one, scraped once after a query; a program would call
// http.ListenAndServe(":9090", nil) instead.
func Example() {
	dir, err := os.MkdirTemp("", "alchemyprom-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	eng, err := alchemy.CreateEngine("sqlite:///"+filepath.Join(dir, "app.db"),
		alchemy.PoolSize(2), alchemy.MaxOverflow(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()

	prometheus.MustRegister(alchemyprom.NewCollector(eng, alchemyprom.WithPoolName("app")))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, err := eng.Execute(context.Background(), alchemy.Text("select 1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Close() // the connection goes back to the pool

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		for _, name := range []string{"db_client_connections{", "db_client_connection_max{", "db_client_connection_created_total{"} {
			if strings.HasPrefix(line, name) {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// db_client_connection_created_total{pool_name="app"} 1
	// db_client_connection_max{pool_name="app"} 5
	// db_client_connections{pool_name="app",state="idle"} 1
	// db_client_connections{pool_name="app",state="used"} 0
}

// ExampleWithPoolName names two engines of one program apart in one registry,
// and adds a constant label to both.
func ExampleWithPoolName() {
	dir, err := os.MkdirTemp("", "alchemyprom-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	reg := prometheus.NewRegistry()
	for _, name := range []string{"primary", "replica"} {
		eng, err := alchemy.CreateEngine("sqlite:///" + filepath.Join(dir, name+".db"))
		if err != nil {
			fmt.Println(err)
			return
		}
		defer eng.Dispose()
		err = reg.Register(alchemyprom.NewCollector(eng,
			alchemyprom.WithPoolName(name),
			alchemyprom.WithConstLabels(prometheus.Labels{"service": "billing"})))
		fmt.Println("registered", name, err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, mf := range mfs {
		if mf.GetName() == "db_client_connection_idle_max" {
			for _, m := range mf.GetMetric() {
				fmt.Println(m.GetLabel()[0].GetValue(), m.GetLabel()[1].GetValue(), m.GetGauge().GetValue())
			}
		}
	}
	// Output:
	// registered primary <nil>
	// registered replica <nil>
	// primary billing 5
	// replica billing 5
}
