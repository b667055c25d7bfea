package alchemyprom

import (
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/prometheus/client_golang/prometheus"
)

// collector reports one engine's pool status.
type collector struct {
	eng *alchemy.Engine
	// err is a bad option or a nil engine; Describe and Collect report it.
	err error

	connections *prometheus.Desc
	descs       []*prometheus.Desc // metrics[i]'s desc
}

// NewCollector returns a collector of eng's pool status (eng.PoolStatus) for a
// prometheus.Registerer: register it once per engine, with a distinct pool name
// per engine in one registry. The metrics are listed in the package
// documentation.
//
// A nil engine or a bad option makes Register fail with the reason; see the
// package documentation.
func NewCollector(eng *alchemy.Engine, opts ...Option) prometheus.Collector {
	c := &collector{eng: eng}
	var s settings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if c.err = s.check(eng); c.err != nil {
		c.err = fmt.Errorf("alchemyprom: NewCollector: %w", c.err)
		return c
	}
	name := s.poolName
	if !s.poolNameSet {
		name = defaultPoolName(eng)
	}
	labels := prometheus.Labels{PoolNameLabel: name}
	for k, v := range s.constLabels {
		labels[k] = v
	}
	c.connections = prometheus.NewDesc(MetricConnections, connectionsHelp, []string{StateLabel}, labels)
	c.descs = make([]*prometheus.Desc, len(metrics))
	for i, m := range metrics {
		c.descs[i] = prometheus.NewDesc(m.name, m.help, nil, labels)
	}
	return c
}

// errNilEngine is NewCollector's error for a nil engine.
var errNilEngine = errors.New("nil engine")

// check validates the settings and the engine. prometheus.NewDesc checks the
// label names themselves, and Register reports what it finds.
func (s *settings) check(eng *alchemy.Engine) error {
	if eng == nil {
		return errNilEngine
	}
	if s.poolNameSet && s.poolName == "" {
		return errors.New("WithPoolName: empty pool name")
	}
	for k := range s.constLabels {
		switch {
		case k == PoolNameLabel:
			return fmt.Errorf("WithConstLabels: label %q is the collector's own: use WithPoolName", k)
		case k == StateLabel:
			return fmt.Errorf("WithConstLabels: label %q is the collector's own", k)
		}
	}
	return nil
}

// Describe sends the descriptions of every metric the collector may report,
// including those a scrape may leave out (db_client_connection_max of an
// unlimited pool).
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	if c.err != nil {
		ch <- prometheus.NewInvalidDesc(c.err)
		return
	}
	ch <- c.connections
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect reads the pool's status once, without a lock, and sends its figures.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	if c.err != nil {
		ch <- prometheus.NewInvalidMetric(prometheus.NewInvalidDesc(c.err), c.err)
		return
	}
	s := c.eng.PoolStatus()
	ch <- prometheus.MustNewConstMetric(c.connections, prometheus.GaugeValue, float64(s.CheckedIn), StateIdle)
	ch <- prometheus.MustNewConstMetric(c.connections, prometheus.GaugeValue, float64(s.CheckedOut), StateUsed)
	for i, m := range metrics {
		if v, ok := m.value(s); ok {
			ch <- prometheus.MustNewConstMetric(c.descs[i], m.kind, v)
		}
	}
}
