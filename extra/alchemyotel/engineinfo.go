package alchemyotel

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/go-alchemy/alchemy"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// engineInfo is what a Tracer knows of one engine, worked out once: the
// attributes every span and measurement of its work carries.
type engineInfo struct {
	eng *alchemy.Engine
	// base: db.system.name, db.namespace, server.address, server.port (those known).
	base     []attribute.KeyValue
	poolName string
	// poolOpt is the attribute set {db.client.connection.pool.name}; idleOpt and
	// usedOpt add db.client.connection.state.
	poolOpt, idleOpt, usedOpt metric.MeasurementOption
	// poolOpts is {poolOpt}, made once: a variadic call would allocate it each time.
	poolOpts []metric.RecordOption
	// connectAttrs: base and the pool's name, for connect spans.
	connectAttrs []attribute.KeyValue
	// checkoutOpts start a checkout span but for its timestamp.
	checkoutOpts []trace.SpanStartOption

	// stmts holds the stmtInfos by SQL, in four maps by how the statement was
	// built (stmtKey.slot): a string key hashes much faster than a struct.
	stmts  [4]sync.Map // SQL -> *stmtInfo
	nstmts atomic.Int32
	txOps  sync.Map // op ("commit") -> *stmtInfo
}

// systemNames maps alchemy's dialect names to db.system.name.
var systemNames = map[string]attribute.KeyValue{
	"postgresql": semconv.DBSystemNamePostgreSQL,
	"mysql":      semconv.DBSystemNameMySQL,
	"mariadb":    semconv.DBSystemNameMariaDB,
	"sqlite":     semconv.DBSystemNameSQLite,
	"mssql":      semconv.DBSystemNameMicrosoftSQLServer,
}

// newEngineInfo reads e's URL and dialect. Only the host, port and database of
// the URL are used: never its user, password or options.
func newEngineInfo(e *alchemy.Engine, poolName string) *engineInfo {
	u := e.URL()
	name := e.Dialect().Name()
	sys, ok := systemNames[name]
	if !ok {
		sys = semconv.DBSystemNameOtherSQL
	}
	ei := &engineInfo{eng: e}
	ei.base = append(ei.base, sys)
	if u.Database != "" {
		ei.base = append(ei.base, semconv.DBNamespaceKey.String(u.Database))
	}
	if u.Host != "" {
		ei.base = append(ei.base, semconv.ServerAddressKey.String(u.Host))
		if u.Port != 0 {
			ei.base = append(ei.base, semconv.ServerPortKey.Int(u.Port))
		}
	}
	if poolName == "" {
		poolName = e.PoolStatus().Name
	}
	if poolName == "" {
		poolName = derivedPoolName(u.Host, u.Port, u.Database)
	}
	ei.poolName = poolName
	pn := semconv.DBClientConnectionPoolNameKey.String(poolName)
	ei.poolOpt = metric.WithAttributeSet(attribute.NewSet(pn))
	ei.poolOpts = []metric.RecordOption{ei.poolOpt}
	ei.idleOpt = metric.WithAttributeSet(attribute.NewSet(pn, semconv.DBClientConnectionStateIdle))
	ei.usedOpt = metric.WithAttributeSet(attribute.NewSet(pn, semconv.DBClientConnectionStateUsed))
	ei.connectAttrs = append(append([]attribute.KeyValue(nil), ei.base...), pn)
	ei.checkoutOpts = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(pn)}
	return ei
}

// derivedPoolName is the conventions' fallback pool name:
// server.address:server.port/db.namespace, with what the URL has of them (for
// SQLite, the database file alone).
func derivedPoolName(host string, port int, db string) string {
	s := host
	if port != 0 {
		s += ":" + strconv.Itoa(port)
	}
	if db != "" {
		if s != "" {
			s += "/"
		}
		s += db // SQLite: the file alone
	}
	if s == "" {
		s = "alchemy"
	}
	return s
}

// engine returns the engineInfo of e, made at its first use.
func (t *Tracer) engine(e *alchemy.Engine) *engineInfo {
	if ei := t.last.Load(); ei != nil && ei.eng == e {
		return ei
	}
	v, ok := t.engines.Load(e)
	if !ok {
		v, _ = t.engines.LoadOrStore(e, newEngineInfo(e, t.cfg.poolName))
	}
	ei := v.(*engineInfo)
	t.last.Store(ei)
	return ei
}
