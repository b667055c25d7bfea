package alchemyotel_test

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Example installs the Tracer in an engine and shows the spans of a request
// that creates a table, fills it in a transaction and reads it.
func Example() {
	ctx := context.Background()
	spans := tracetest.NewSpanRecorder() // in a program: sdktrace.WithBatcher(an exporter)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer tp.Shutdown(ctx)

	tr, err := alchemyotel.New(alchemyotel.WithTracerProvider(tp))
	if err != nil {
		panic(err)
	}
	eng, err := alchemy.CreateEngine("sqlite:///:memory:", tr.EngineOptions()...)
	if err != nil {
		panic(err)
	}
	defer eng.Dispose()

	ctx, req := tp.Tracer("app").Start(ctx, "GET /notes")
	if _, err := eng.Execute(ctx, alchemy.Text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")); err != nil {
		panic(err)
	}
	err = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
		_, err := c.Execute(ctx, alchemy.Text("INSERT INTO notes (body) VALUES (:body)"), alchemy.Params{"body": "secret"})
		return err
	})
	if err != nil {
		panic(err)
	}
	res, err := eng.Execute(ctx, alchemy.Text("SELECT n.body FROM notes AS n WHERE n.id = :id"), alchemy.Params{"id": 1})
	if err != nil {
		panic(err)
	}
	body, err := alchemy.Scalar[string](res)
	if err != nil {
		panic(err)
	}
	req.End()

	fmt.Println("read:", body)
	for _, s := range spans.Ended() {
		var text string
		for _, kv := range s.Attributes() {
			if kv.Key == "db.query.text" {
				text = "  " + kv.Value.AsString()
			}
		}
		fmt.Printf("%-24s %s%s\n", s.Name(), s.SpanKind(), text)
	}
	// Output:
	// read: secret
	// alchemy.connect          client
	// CREATE TABLE notes       client  CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)
	// BEGIN                    client
	// INSERT notes             client  INSERT INTO notes (body) VALUES (?)
	// COMMIT                   client
	// SELECT notes             client  SELECT n.body FROM notes AS n WHERE n.id = ?
	// GET /notes               internal
}

// ExampleTracer_InstrumentPool reports an engine's pool through the
// db.client.connection.* instruments, read at each collection.
func ExampleTracer_InstrumentPool() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader() // in a program: a PeriodicReader or Prometheus
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(ctx)

	tr, err := alchemyotel.New(alchemyotel.WithMeterProvider(mp), alchemyotel.WithPoolName("notes-db"))
	if err != nil {
		panic(err)
	}
	eng, err := alchemy.CreateEngine("sqlite:///:memory:", tr.EngineOptions()...)
	if err != nil {
		panic(err)
	}
	defer eng.Dispose()
	stop, err := tr.InstrumentPool(eng)
	if err != nil {
		panic(err)
	}
	defer stop()

	conn, err := eng.Connect(ctx) // one connection in use
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		panic(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
			for _, p := range sum.DataPoints {
				state, _ := p.Attributes.Value("db.client.connection.state")
				pool, _ := p.Attributes.Value("db.client.connection.pool.name")
				fmt.Printf("%-40s %-5s %s %d\n", m.Name, state.AsString(), pool.AsString(), p.Value)
			}
		}
	}
	// Unordered output:
	// db.client.connection.count               idle  notes-db 0
	// db.client.connection.count               used  notes-db 1
	// db.client.connection.idle.max                  notes-db 1
	// db.client.connection.idle.min                  notes-db 0
	// db.client.connection.max                       notes-db 1
	// db.client.connection.pending_requests          notes-db 0
	// db.client.connection.timeouts                  notes-db 0
}
