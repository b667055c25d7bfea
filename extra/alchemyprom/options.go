package alchemyprom

import "github.com/prometheus/client_golang/prometheus"

// Option configures NewCollector.
type Option func(*settings)

// settings is what the options set.
type settings struct {
	poolName    string
	poolNameSet bool
	constLabels prometheus.Labels
}

// WithPoolName sets the pool_name label's value. By default it is the engine's
// logging name (alchemy.LoggingName) when it has one, and otherwise its URL
// without user name, password and query: "postgresql://db.example:5432/app".
// The name must not be empty.
func WithPoolName(name string) Option {
	return func(s *settings) { s.poolName = name; s.poolNameSet = true }
}

// WithConstLabels adds labels with fixed values to every metric of the
// collector, such as {"service": "billing"}. They may not be named pool_name or
// state, the collector's own labels. Several calls add up; a later value of a
// name replaces an earlier one.
func WithConstLabels(labels prometheus.Labels) Option {
	return func(s *settings) {
		if s.constLabels == nil {
			s.constLabels = prometheus.Labels{}
		}
		for k, v := range labels {
			s.constLabels[k] = v
		}
	}
}
