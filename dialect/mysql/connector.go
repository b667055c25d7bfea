package mysql

import (
	"database/sql/driver"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	gomysql "github.com/go-sql-driver/mysql"
)

// Defaults that differ from, or are chosen among, the driver's own.
const (
	// DefaultHost is the host when the URL names none, as in PyMySQL. It is reached
	// over TCP; give unix_socket for a Unix socket.
	DefaultHost = "localhost"
	// DefaultPort is the port when the URL names none.
	DefaultPort = 3306
	// DefaultCharset is the connection character set: all of Unicode.
	DefaultCharset = "utf8mb4"
	// DefaultConnectTimeout bounds dialing the server, as PyMySQL's connect_timeout.
	DefaultConnectTimeout = 10 * time.Second
)

// NewConnector turns a URL and connect arguments into a driver.Connector of
// github.com/go-sql-driver/mysql: Config, then the driver's NewConnector. No error it
// returns contains the password.
func NewConnector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	cfg, err := Config(u, connectArgs)
	if err != nil {
		return nil, err
	}
	if cfg.DialFunc == nil && (cfg.Net == "tcp" || cfg.Net == "unix") {
		cfg.DialFunc = quitWaitDial
	}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("alchemy: mysql: %w", err)
	}
	return c, nil
}

// Config builds the driver's configuration for a URL and connect arguments, which
// take the same names as the URL query and override it. The caller may adjust the
// result (a Logger, a DialFunc) and pass it to the driver's NewConnector.
//
// Any query name that is not an option (see Dialect.Options) and is a plain
// identifier becomes a session system variable, set when each connection opens; a
// value that is not a number or a bare word is sent as a quoted string. An option the
// Go driver cannot honour, or a value that does not fit its option, is an error
// naming the option. No error contains the password.
func Config(u dialect.URL, connectArgs map[string]any) (*gomysql.Config, error) {
	opts, sysvars, err := collect(u, connectArgs)
	if err != nil {
		return nil, err
	}
	b := &builder{
		cfg:       gomysql.NewConfig(),
		host:      u.Host,
		port:      u.Port,
		charset:   DefaultCharset,
		sysvarSet: make(map[string]string),
	}
	b.cfg.User = u.Username
	b.cfg.Passwd = u.Password
	b.cfg.DBName = u.Database
	b.cfg.ParseTime = true
	b.cfg.ClientFoundRows = true
	b.cfg.Timeout = DefaultConnectTimeout

	for _, name := range slices.Sorted(maps.Keys(opts)) {
		s := opts[name]
		if err := options.Get(name).Apply(b, s); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sysvars)) {
		s := sysvars[name]
		v, err := sysvarValue(s)
		if err != nil {
			return nil, err
		}
		b.sysvarSet[name] = v
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return b.cfg, nil
}

// builder gathers what the options say before it is written into the Config.
type builder struct {
	cfg       *gomysql.Config
	host      string
	port      int
	socket    string
	charset   string
	collation string
	tls       tlsSettings
	sysvarSet map[string]string
}

func (b *builder) finish() error {
	host, port := b.host, b.port
	if host == "" {
		host = DefaultHost
	}
	if port == 0 {
		port = DefaultPort
	}
	if b.socket != "" {
		b.cfg.Net = "unix"
		b.cfg.Addr = b.socket
	} else {
		b.cfg.Net = "tcp"
		b.cfg.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	}
	if err := b.tls.apply(b.cfg, host); err != nil {
		return err
	}
	if err := b.cfg.Apply(gomysql.Charset(b.charset, b.collation)); err != nil {
		return fmt.Errorf("alchemy: mysql: charset: %w", err)
	}
	if len(b.sysvarSet) > 0 {
		b.cfg.Params = b.sysvarSet
	}
	return nil
}

// collect resolves the URL query and the connect arguments into options and system
// variables, keyed by lower-case name. A connect argument overrides the query; two
// spellings of one option from the same source are an error.
func collect(u dialect.URL, args map[string]any) (opts, sysvars map[string]dialect.Setting, err error) {
	opts = make(map[string]dialect.Setting)
	sysvars = make(map[string]dialect.Setting)
	for _, s := range dialect.Settings(NameMySQL, u, args) {
		lower := strings.ToLower(s.Key)
		if reason, bad := unsupported[lower]; bad {
			return nil, nil, s.Errorf("is not supported by the Go driver: %s", reason)
		}
		target, name := sysvars, lower
		if o, ok := options.Lookup(s.Key); ok {
			target, name = opts, o.Name
			s.Secret = o.Secret
		} else if !isIdentifier(s.Key) {
			return nil, nil, s.Errorf("is neither an option nor a system variable name")
		}
		if prev, dup := target[name]; dup && prev.Origin == s.Origin {
			return nil, nil, s.Errorf("sets what %q sets already; give one of them", prev.Key)
		}
		target[name] = s
	}
	return opts, sysvars, nil
}

// isIdentifier reports whether s is a plain SQL name: a letter or underscore, then
// letters, digits and underscores.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// sysvarValue renders a system variable's value as SQL for the driver's
// "SET name = value": numbers and bare words (ON, TRADITIONAL) as they are, a value
// already in single quotes as it is, anything else quoted. A value that cannot be
// quoted safely whatever the server's sql_mode (a backslash, a control character) is
// an error.
func sysvarValue(s dialect.Setting) (string, error) {
	switch v := s.Value.(type) {
	case string:
		switch {
		case dialect.IsDecimal(v), isIdentifier(v):
			return v, nil
		case strings.ContainsAny(v, "\\\x00") || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return "", s.Errorf("system variable value %s holds a backslash or a control character", s.Shown())
		case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
			if strings.Contains(strings.ReplaceAll(v[1:len(v)-1], "''", ""), "'") {
				return "", s.Errorf("system variable value %s has an unpaired quote inside its quotes", s.Shown())
			}
			return v, nil
		default:
			return "'" + strings.ReplaceAll(v, "'", "''") + "'", nil
		}
	case bool:
		if v {
			return "ON", nil
		}
		return "OFF", nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case float32, float64:
		return fmt.Sprint(v), nil
	}
	return "", s.Errorf("a system variable takes a string, a number or a bool, not %T", s.Value)
}
