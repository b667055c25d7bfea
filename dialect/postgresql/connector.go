package postgresql

import (
	"context"
	"crypto/tls"
	"database/sql/driver"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// DefaultPort is the port used when the URL names none.
const DefaultPort = 5432

// NewConnector returns a driver.Connector that opens pgx connections as ConnConfig
// describes them.
func NewConnector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	cfg, err := ConnConfig(u, connectArgs)
	if err != nil {
		return nil, err
	}
	return connector{Connector: stdlib.GetConnector(*cfg), where: describe(cfg)}, nil
}

// connector is pgx's connector under a name that prints without the password.
type connector struct {
	driver.Connector
	where string
}

// String describes the connector without its password.
func (c connector) String() string { return "postgresql.Connector(" + c.where + ")" }

// GoString is String, so that %#v does not reveal the password either.
func (c connector) GoString() string { return c.String() }

func describe(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("host=%s port=%d user=%s database=%s", cfg.Host, cfg.Port, cfg.User, cfg.Database)
}

// settings is what the URL and the connect arguments ask for, checked.
type settings struct {
	hosts      []hostPort
	port       int // from the "port" option; 0 when absent
	user       *string
	password   *string
	database   *string
	sslPass    *string
	conn       map[string]string // libpq keywords for pgx's parser
	runtime    map[string]string // server settings
	fallbackAN string
	sslAlias   string // the sslmode the "ssl" option asks for
	execMode   string
	pgbouncer  bool
	stmtCache  int // -1: pgx's default
	descCache  int
	tls        *tls.Config
	timeout    time.Duration // a typed connect_timeout; 0 when absent
	hasTimeout bool
}

type hostPort struct {
	host string
	port int // 0: the URL's port, or DefaultPort
}

// ConnConfig builds the pgx configuration for u. The options of u's query, and the
// connect arguments, which override them, are described in the package
// documentation; an unknown option or an invalid value is an error naming it. The
// error never contains the password.
//
// Host "" means localhost and port 0 means 5432. The libpq environment variables
// (PGSSLMODE, PGAPPNAME, PGPASSFILE and the others pgx reads) fill in what neither
// the URL nor the connect arguments say, except PGHOST and PGPORT: the URL always
// decides where to connect.
func ConnConfig(u dialect.URL, connectArgs map[string]any) (*pgx.ConnConfig, error) {
	s, err := gather(u, connectArgs)
	if err != nil {
		return nil, err
	}
	return s.build(u)
}

// gather merges the URL query with the connect arguments and checks every option.
func gather(u dialect.URL, connectArgs map[string]any) (*settings, error) {
	s := &settings{
		conn:      map[string]string{},
		runtime:   map[string]string{},
		stmtCache: -1,
		descCache: -1,
	}
	values, hosts, err := queryValues(u)
	if err != nil {
		return nil, err
	}
	if hosts, err = s.args(connectArgs, values, hosts); err != nil {
		return nil, err
	}
	if err := s.apply(values); err != nil {
		return nil, err
	}
	if err := s.hostList(u, hosts); err != nil {
		return nil, err
	}
	if err := s.conflicts(); err != nil {
		return nil, err
	}
	return s, nil
}

// queryValues reads the URL query: one value per option, names in lower case, and
// the host option's values apart.
func queryValues(u dialect.URL) (values map[string]string, hosts []string, err error) {
	values = map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(u.Query)) {
		name := strings.ToLower(k)
		vs := u.Query[k]
		if name == "host" {
			hosts = append(hosts, vs...)
			continue
		}
		for _, v := range vs {
			if old, dup := values[name]; dup && old != v {
				q := option(name, v)
				q.Origin = dialect.FromQuery
				if q.Secret {
					return nil, nil, q.Errorf("is given twice with different values")
				}
				return nil, nil, q.Errorf("is given twice (%q and %q)", old, v)
			}
			values[name] = v
		}
	}
	if len(hosts) > 0 && u.Host != "" {
		return nil, nil, option("host", nil).Errorf("the URL names host %q already", u.Host)
	}
	return values, hosts, nil
}

// args lays the connect arguments over the query values: typed ones are kept in s,
// the others turned into strings in values. It returns the hosts to use.
func (s *settings) args(connectArgs map[string]any, values map[string]string, hosts []string) ([]string, error) {
	for _, k := range slices.Sorted(maps.Keys(connectArgs)) {
		name := strings.ToLower(k)
		v := connectArgs[k]
		arg := dialect.Setting{Dialect: "postgresql", Key: name, Value: v, Origin: dialect.FromArgs}
		switch name {
		case "native":
			return nil, arg.Errorf("is only accepted in the URL's query: it chooses the engine's path, not the connection's")
		case "tls":
			t, ok := v.(*tls.Config)
			if !ok || t == nil {
				return nil, arg.Errorf("want a non-nil *tls.Config, have %T", v)
			}
			s.tls = t
			continue
		case "runtime_params":
			if err := s.runtimeParams(arg); err != nil {
				return nil, err
			}
			continue
		case "host":
			switch h := v.(type) {
			case []string:
				hosts = slices.Clone(h)
				continue
			case string:
				hosts = []string{h}
				continue
			}
			return nil, arg.Errorf("want a string or []string, have %T", v)
		case "connect_timeout":
			if d, ok := v.(time.Duration); ok {
				if d < 0 {
					return nil, arg.Errorf("negative duration %v", d)
				}
				s.timeout, s.hasTimeout = d, true
				delete(values, name)
				continue
			}
		}
		if v == nil {
			delete(values, name) // a nil connect argument removes the URL's option
			continue
		}
		str, err := argString(arg)
		if err != nil {
			return nil, err
		}
		values[name] = str
	}
	return hosts, nil
}

// runtimeParams takes the runtime_params connect argument.
func (s *settings) runtimeParams(arg dialect.Setting) error {
	m, ok := arg.Value.(map[string]string)
	if !ok {
		return arg.Errorf("want map[string]string, have %T", arg.Value)
	}
	for _, pk := range slices.Sorted(maps.Keys(m)) {
		pname := strings.ToLower(pk)
		if k, err := classify(pname); err != nil || k != kindRuntime {
			return arg.Errorf("%q is not a server setting", pk)
		}
		if err := validate(pname, m[pk]); err != nil {
			return err
		}
		s.runtime[pname] = m[pk]
	}
	return nil
}

// apply checks each string option and files it where it goes.
func (s *settings) apply(values map[string]string) error {
	if a, b := values["database"], values["dbname"]; a != "" && b != "" && a != b {
		return fmt.Errorf("alchemy: postgresql: options database=%q and dbname=%q contradict each other", a, b)
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		v := values[name]
		k, err := classify(name)
		if err != nil {
			return err
		}
		if name == "tls" || name == "runtime_params" {
			return option(name, nil).Errorf("is only accepted as a connect argument")
		}
		if err := validate(name, v); err != nil {
			return err
		}
		switch k {
		case kindConn:
			s.conn[name] = v
		case kindRuntime:
			if _, set := s.runtime[name]; !set { // runtime_params is more specific
				s.runtime[name] = v
			}
		case kindLocal:
			s.local(name, v)
		}
	}
	return nil
}

// local records an option this package handles; its value has been validated.
func (s *settings) local(name, v string) {
	switch name {
	case "port":
		s.port, _ = parsePort(v)
	case "user":
		s.user = &v
	case "password":
		s.password = &v
	case "dbname", "database":
		s.database = &v
	case "sslpassword":
		s.sslPass = &v
	case "default_query_exec_mode":
		s.execMode = v
	case "statement_cache_capacity":
		s.stmtCache, _ = strconv.Atoi(v)
	case "description_cache_capacity":
		s.descCache, _ = strconv.Atoi(v)
	case "pgbouncer":
		s.pgbouncer, _ = dialect.ParseBool(v)
	case "ssl":
		s.sslAlias, _ = sslToMode(v)
	case "fallback_application_name":
		s.fallbackAN = v
	}
}

// conflicts reports options that contradict each other.
func (s *settings) conflicts() error {
	if s.sslAlias != "" {
		if m, ok := s.conn["sslmode"]; ok && m != s.sslAlias {
			return fmt.Errorf("alchemy: postgresql: options ssl (sslmode %s) and sslmode=%s contradict each other", s.sslAlias, m)
		}
		s.conn["sslmode"] = s.sslAlias
	}
	if s.pgbouncer {
		switch s.execMode {
		case "", "exec", "simple_protocol":
		default:
			return fmt.Errorf("alchemy: postgresql: option default_query_exec_mode=%s does not work behind PgBouncer in transaction mode (pgbouncer=true): use exec or simple_protocol", s.execMode)
		}
	}
	if s.tls != nil {
		switch s.conn["sslmode"] {
		case "", "require", "verify-ca", "verify-full":
		default:
			return fmt.Errorf("alchemy: postgresql: connect argument tls contradicts sslmode=%s", s.conn["sslmode"])
		}
		for _, k := range []string{"sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcertmode"} {
			if _, ok := s.conn[k]; ok || (k == "sslpassword" && s.sslPass != nil) {
				return fmt.Errorf("alchemy: postgresql: option %s cannot be used with the tls connect argument, which holds its own certificates", k)
			}
		}
	}
	return nil
}

// hostList decides the hosts and ports: the URL's, or those of the host option
// ("h", "h:port", "[v6]:port", a socket directory, or a comma-separated list).
func (s *settings) hostList(u dialect.URL, values []string) error {
	if u.Port != 0 && s.port != 0 && u.Port != s.port {
		return fmt.Errorf("alchemy: postgresql: option port=%d contradicts the URL's port %d", s.port, u.Port)
	}
	defPort := u.Port
	if defPort == 0 {
		defPort = s.port
	}
	if defPort == 0 {
		defPort = DefaultPort
	}
	if len(values) == 0 {
		h := u.Host
		if h == "" {
			h = "localhost"
		}
		s.hosts = []hostPort{{host: h, port: defPort}}
		return nil
	}
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			hp, err := parseHostPort(strings.TrimSpace(item))
			if err != nil {
				return err
			}
			if hp.port == 0 {
				hp.port = defPort
			}
			s.hosts = append(s.hosts, hp)
		}
	}
	return nil
}

func parseHostPort(item string) (hostPort, error) {
	bad := func(why string) (hostPort, error) {
		s := option("host", item)
		return hostPort{}, s.Errorf("%s in %s", why, s.Shown())
	}
	switch {
	case item == "":
		return bad("empty host")
	case strings.HasPrefix(item, "/"):
		return hostPort{host: item}, nil // a Unix socket directory
	case strings.HasPrefix(item, "["):
		end := strings.IndexByte(item, ']')
		if end < 0 {
			return bad("no closing ']'")
		}
		hp := hostPort{host: item[1:end]}
		rest := item[end+1:]
		if rest == "" {
			return hp, nil
		}
		if rest[0] != ':' {
			return bad("unexpected text after ']'")
		}
		p, err := parsePort(rest[1:])
		if err != nil {
			return bad(err.Error())
		}
		hp.port = p
		return hp, nil
	case strings.Count(item, ":") == 1:
		h, ps, _ := strings.Cut(item, ":")
		p, err := parsePort(ps)
		if err != nil {
			return bad(err.Error())
		}
		if h == "" {
			return bad("empty host")
		}
		return hostPort{host: h, port: p}, nil
	}
	return hostPort{host: item}, nil // a name, or an IPv6 address without a port
}

// build parses the connection string made of the checked keywords and sets the rest
// of the configuration directly. Neither the password nor sslpassword is ever put in
// that string, so pgx's parse errors cannot show them.
func (s *settings) build(u dialect.URL) (*pgx.ConnConfig, error) {
	var b strings.Builder
	hosts := make([]string, len(s.hosts))
	ports := make([]string, len(s.hosts))
	for i, hp := range s.hosts {
		hosts[i] = hp.host
		ports[i] = strconv.Itoa(hp.port)
		if hp.port == 0 {
			ports[i] = strconv.Itoa(DefaultPort)
		}
	}
	kv(&b, "host", strings.Join(hosts, ","))
	kv(&b, "port", strings.Join(ports, ","))

	user, database := u.Username, u.Database
	if s.user != nil {
		user = *s.user
	}
	if s.database != nil {
		database = *s.database
	}
	if user != "" {
		kv(&b, "user", user)
	}
	if database != "" {
		kv(&b, "dbname", database)
	}
	conn := maps.Clone(s.conn)
	if s.tls != nil {
		conn["sslmode"] = "disable" // pgx builds no TLS of its own; ours is set below
	}
	for _, k := range slices.Sorted(maps.Keys(conn)) {
		kv(&b, k, conn[k])
	}

	var opts pgx.ParseConfigOptions
	if s.sslPass != nil {
		pass := *s.sslPass
		opts.GetSSLPassword = func(context.Context) string { return pass }
	}
	cfg, err := pgx.ParseConfigWithOptions(b.String(), opts)
	if err != nil {
		return nil, fmt.Errorf("alchemy: postgresql: %w", err)
	}

	if s.password != nil {
		cfg.Password = *s.password
	} else if u.Password != "" {
		cfg.Password = u.Password
	}
	maps.Copy(cfg.RuntimeParams, s.runtime)
	if s.fallbackAN != "" && cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = s.fallbackAN
	}
	if s.hasTimeout {
		cfg.ConnectTimeout = s.timeout
		cfg.DialFunc = (&net.Dialer{Timeout: s.timeout, KeepAlive: 5 * time.Minute}).DialContext
	}
	if s.stmtCache >= 0 {
		cfg.StatementCacheCapacity = s.stmtCache
	}
	if s.descCache >= 0 {
		cfg.DescriptionCacheCapacity = s.descCache
	}
	switch {
	case s.execMode != "":
		cfg.DefaultQueryExecMode = execModes[s.execMode]
	case s.pgbouncer:
		// Exec mode sends each statement as one Parse/Bind/Execute/Sync round trip on
		// the unnamed statement: nothing outlives the server connection PgBouncer
		// lends for that transaction, and values still travel as parameters.
		cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	if s.tls != nil {
		cfg.TLSConfig = tlsFor(s.tls, cfg.Host)
		for _, fb := range cfg.Fallbacks {
			fb.TLSConfig = tlsFor(s.tls, fb.Host)
		}
	}
	return cfg, nil
}

var execModes = map[string]pgx.QueryExecMode{
	"cache_statement": pgx.QueryExecModeCacheStatement,
	"cache_describe":  pgx.QueryExecModeCacheDescribe,
	"describe_exec":   pgx.QueryExecModeDescribeExec,
	"exec":            pgx.QueryExecModeExec,
	"simple_protocol": pgx.QueryExecModeSimpleProtocol,
}

// tlsFor returns the caller's TLS configuration for one host: a Unix socket gets none,
// and a configuration without a ServerName gets the host's, as libpq verifies it.
func tlsFor(t *tls.Config, host string) *tls.Config {
	if network, _ := pgconn.NetworkAddress(host, 0); network == "unix" {
		return nil
	}
	if t.ServerName != "" {
		return t
	}
	c := t.Clone()
	c.ServerName = host
	return c
}

// kv appends key='value' in libpq's keyword/value syntax.
func kv(b *strings.Builder, key, value string) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(key)
	b.WriteString("='")
	for i := 0; i < len(value); i++ {
		if c := value[i]; c == '\'' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(value[i])
	}
	b.WriteByte('\'')
}

// argString turns a typed connect argument into the string form of the option. A
// time.Duration is whole milliseconds for a server timeout setting.
func argString(arg dialect.Setting) (string, error) {
	if str, ok := dialect.FormatArg(arg.Value); ok {
		return str, nil
	}
	if x, ok := arg.Value.(time.Duration); ok && timeoutSettings[arg.Key] {
		if x < 0 || x%time.Millisecond != 0 {
			return "", arg.Errorf("%v is not a whole number of milliseconds, 0 or more", x)
		}
		return strconv.FormatInt(x.Milliseconds(), 10) + "ms", nil
	}
	return "", arg.Errorf("unsupported type %T", arg.Value)
}
