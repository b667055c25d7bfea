package mssql

import (
	"database/sql/driver"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
	mssqldb "github.com/microsoft/go-mssqldb"
)

// DefaultHost is the host when the URL names none.
const DefaultHost = "localhost"

// DefaultPort is SQL Server's port. The driver uses it when the URL names no port
// and no instance (a named instance's port comes from the SQL Browser service).
const DefaultPort = 1433

// NewConnector turns a URL and connect arguments into go-mssqldb's connector: DSN,
// then the driver's NewConnector. No error it returns contains the password.
func NewConnector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	dsn, err := DSN(u, connectArgs)
	if err != nil {
		return nil, err
	}
	c, err := mssqldb.NewConnector(dsn)
	if err != nil {
		// go-mssqldb's parse errors name the option and value, never the password.
		return nil, fmt.Errorf("alchemy: mssql: %w", err)
	}
	return c, nil
}

// DSN builds go-mssqldb's connection string for a URL and connect arguments, which
// take the same names as the URL query and override it:
//
//	sqlserver://user:password@host:port/instance?database=db&encrypt=true&...
//
// The result holds the password: never log it. Parse it with go-mssqldb's
// msdsn.Parse to adjust the configuration before mssql.NewConnectorConfig.
func DSN(u dialect.URL, connectArgs map[string]any) (string, error) {
	opts, err := collect(u, connectArgs)
	if err != nil {
		return "", err
	}
	b := &builder{
		host:     u.Host,
		port:     u.Port,
		user:     u.Username,
		password: u.Password,
		database: u.Database,
		params:   url.Values{},
	}
	// An instance may come with the host, as SQL Server writes it: host\instance.
	if h, inst, ok := strings.Cut(b.host, `\`); ok {
		b.host, b.instance = h, inst
	}
	for _, name := range slices.Sorted(maps.Keys(opts)) {
		if err := options.Get(name).Apply(b, opts[name]); err != nil {
			return "", err
		}
	}
	return b.dsn()
}

// builder gathers what the URL and options say.
type builder struct {
	host, instance string
	port           int
	user, password string
	database       string
	trusted        bool
	params         url.Values
}

func (b *builder) dsn() (string, error) {
	if b.trusted && b.user != "" {
		return "", fmt.Errorf("alchemy: mssql: option trusted_connection=yes asks for integrated authentication, but the URL names user %q", b.user)
	}
	host := b.host
	if host == "" {
		host = DefaultHost
	}
	port := b.port
	if port == 0 && strings.Contains(host, ":") {
		// go-mssqldb reads an IPv6 address only with a port after it.
		if b.instance != "" {
			return "", fmt.Errorf("alchemy: mssql: IPv6 host %s with instance %q needs the instance's port", host, b.instance)
		}
		port = DefaultPort
	}
	if port != 0 {
		host = net.JoinHostPort(host, strconv.Itoa(port))
	}
	if b.database != "" {
		b.params.Set("database", b.database)
	}
	du := url.URL{Scheme: "sqlserver", Host: host, RawQuery: b.params.Encode()}
	switch {
	case b.password != "":
		du.User = url.UserPassword(b.user, b.password)
	case b.user != "":
		du.User = url.User(b.user)
	}
	if b.instance != "" {
		du.Path = "/" + b.instance
	}
	return du.String(), nil
}

// normalize folds the spellings of one option name together: SQL Server's
// connection strings, ODBC and Python spell them with spaces, underscores or
// neither, in any case.
func normalize(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == ' ' || c == '_' || c == '-':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// collect resolves the URL query and the connect arguments into options keyed by
// their name in Options. A connect argument overrides the query; two spellings of
// one option from the same source, or an unknown name, are errors.
func collect(u dialect.URL, args map[string]any) (map[string]dialect.Setting, error) {
	opts := make(map[string]dialect.Setting)
	for _, s := range dialect.Settings(Name, u, args) {
		if reason, bad := unsupported[normalize(s.Key)]; bad {
			return nil, s.Errorf("is not supported by the Go driver: %s", reason)
		}
		o, ok := options.Lookup(s.Key)
		if !ok {
			return nil, s.Errorf("is not an option of the mssql dialect (see Dialect.Options)")
		}
		s.Secret = o.Secret
		if prev, dup := opts[o.Name]; dup && prev.Origin == s.Origin {
			return nil, s.Errorf("sets what %q sets already; give one of them", prev.Key)
		}
		opts[o.Name] = s
	}
	return opts, nil
}
