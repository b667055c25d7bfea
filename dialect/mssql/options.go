package mssql

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
)

// options are the names this dialect understands, found in any spelling that
// normalize folds together; the spelling here is the one Options reports, and the
// DSN key where an option passes to go-mssqldb.
var options = dialect.NewOptionSet(normalize, []*dialect.Option[*builder]{
	// Parts of the URL, which connect arguments (and the query) may override.
	{Name: "host", Aliases: []string{"server"}, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err == nil {
			b.host, b.instance = v, ""
			if h, inst, ok := strings.Cut(v, `\`); ok {
				b.host, b.instance = h, inst
			}
		}
		return err
	}},
	{Name: "port", Apply: func(b *builder, s dialect.Setting) error {
		n, err := s.Port()
		b.port = n
		return err
	}},
	{Name: "instance", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.NonEmpty()
		b.instance = v
		return err
	}},
	{Name: "user", Aliases: []string{"username", "uid", "user id"}, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.user = v
		return err
	}},
	{Name: "password", Aliases: []string{"pwd"}, Secret: true, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.password = v
		return err
	}},
	{Name: "database", Aliases: []string{"initial catalog"}, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.database = v
		return err
	}},

	// Encryption.
	{Name: "encrypt", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err != nil {
			v, err = boolText(s)
		}
		if err != nil {
			return err
		}
		switch strings.ToLower(v) {
		case "true", "yes", "1", "t", "mandatory":
			v = "true"
		case "false", "no", "0", "f", "optional":
			v = "false"
		case "strict", "disable":
			v = strings.ToLower(v)
		default:
			return s.Errorf("want true, false, strict or disable (or yes, no, mandatory, optional), not %s", s.Shown())
		}
		b.params.Set("encrypt", v)
		return nil
	}},
	dsnBool("TrustServerCertificate"),
	dsnString("certificate"),
	dsnString("ServerCertificate"),
	dsnString("HostNameInCertificate"),
	{Name: "tlsmin", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err == nil && !slices.Contains([]string{"1.0", "1.1", "1.2", "1.3"}, v) {
			err = s.Errorf("want 1.0, 1.1, 1.2 or 1.3, not %s", s.Shown())
		}
		if err == nil {
			b.params.Set("tlsmin", v)
		}
		return err
	}},

	// Identity of the client.
	dsnString("app name", "application name", "app"),
	dsnString("workstation id", "wsid"),
	dsnString("ServerSPN"),

	// Timeouts, in whole seconds as the driver takes them.
	dsnSeconds("connection timeout", "connect timeout", "connect_timeout", "login_timeout"),
	dsnSeconds("dial timeout"),
	dsnSeconds("keepAlive"),

	// Routing and failover.
	{Name: "ApplicationIntent", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err != nil {
			return err
		}
		switch strings.ToLower(v) {
		case "readonly":
			v = "ReadOnly"
		case "readwrite":
			v = "ReadWrite"
		default:
			return s.Errorf("want ReadOnly or ReadWrite, not %s", s.Shown())
		}
		b.params.Set("ApplicationIntent", v)
		return nil
	}},
	dsnBool("MultiSubnetFailover"),
	dsnString("failoverpartner"),
	{Name: "failoverport", Apply: func(b *builder, s dialect.Setting) error {
		n, err := s.Port()
		if err == nil {
			b.params.Set("failoverport", strconv.Itoa(n))
		}
		return err
	}},
	dsnString("failoverpartnerspn"),
	{Name: "protocol", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.NonEmpty()
		if err == nil {
			b.params.Set("protocol", strings.ToLower(v))
		}
		return err
	}},

	// The connection's behaviour.
	{Name: "packet size", Apply: func(b *builder, s dialect.Setting) error {
		n, err := s.Int()
		if err == nil && (n < 512 || n > 32767) {
			err = s.Errorf("must be from 512 to 32767 bytes, not %d", n)
		}
		if err == nil {
			b.params.Set("packet size", strconv.Itoa(n))
		}
		return err
	}},
	dsnBool("disableRetry"),
	dsnBool("guid conversion"),
	dsnBool("columnencryption"),
	{Name: "log", Apply: func(b *builder, s dialect.Setting) error {
		n, err := s.Int()
		if err == nil && n < 0 {
			err = s.Errorf("want a sum of go-mssqldb's log flags, not %d", n)
		}
		if err == nil {
			b.params.Set("log", strconv.Itoa(n))
		}
		return err
	}},
	{Name: "timezone", Apply: func(b *builder, s dialect.Setting) error {
		var name string
		switch v := s.Value.(type) {
		case string:
			name = v
		case *time.Location:
			if v != nil {
				name = v.String()
			}
		default:
			return s.Errorf("want a time zone name or a *time.Location, not %s", s.Shown())
		}
		if _, err := time.LoadLocation(name); err != nil || name == "" {
			return s.Errorf("want a time zone from the zone database (UTC, Europe/Paris), not %q", name)
		}
		b.params.Set("timezone", name)
		return nil
	}},

	// ODBC and Python options that a pasted URL carries and the Go driver does not
	// need: accepted so that the URL works, with no effect.
	{Name: "driver", Apply: func(b *builder, s dialect.Setting) error {
		_, err := s.Text() // "ODBC Driver 18 for SQL Server": the Go driver speaks TDS itself
		return err
	}},
	{Name: "MARS_Connection", Apply: func(b *builder, s dialect.Setting) error {
		_, err := boolText(s) // each database/sql connection runs one statement at a time
		return err
	}},
	{Name: "tds_version", Apply: func(b *builder, s dialect.Setting) error {
		_, err := s.Text() // go-mssqldb negotiates TDS 7.4
		return err
	}},
	{Name: "charset", Apply: func(b *builder, s dialect.Setting) error {
		_, err := s.Text() // pymssql's; Go strings are UTF-8 and N-types UTF-16 on the wire
		return err
	}},
	{Name: "autocommit", Apply: func(b *builder, s dialect.Setting) error {
		on, err := s.Bool()
		if err == nil && !on {
			err = s.Errorf("false is not supported: outside a transaction alchemy relies on the server's autocommit; open a transaction instead")
		}
		return err
	}},
	{Name: "Trusted_Connection", Apply: func(b *builder, s dialect.Setting) error {
		on, err := s.Bool()
		b.trusted = on // go-mssqldb uses integrated authentication when no user is given
		return err
	}},
}...)

// unsupported maps options that the Go driver cannot honour as written to the
// reason, keyed by normalized name.
var unsupported = map[string]string{
	"timeout":        `ambiguous: pymssql's query timeout or ADO's login timeout; use "connection timeout" for logging in and a context deadline for queries`,
	"odbcconnect":    "an ODBC connection string is not parsed: write its parts as the URL's host, port, user, password, database and options",
	"authentication": "Azure AD authentication needs go-mssqldb's azuread package and its connector",
	"fedauth":        "Azure AD authentication needs go-mssqldb's azuread package and its connector",
}

func optionNames() []string {
	names := options.Names()
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return names
}

// dsnString is an option passed to the driver as a string under key (its name).
func dsnString(key string, aliases ...string) *dialect.Option[*builder] {
	return &dialect.Option[*builder]{Name: key, Aliases: aliases, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.NonEmpty()
		if err == nil {
			b.params.Set(key, v)
		}
		return err
	}}
}

// dsnBool is a boolean option passed to the driver as "true" or "false".
func dsnBool(key string, aliases ...string) *dialect.Option[*builder] {
	return &dialect.Option[*builder]{Name: key, Aliases: aliases, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Bool()
		if err == nil {
			b.params.Set(key, strconv.FormatBool(v))
		}
		return err
	}}
}

// dsnSeconds is a duration passed to the driver in whole seconds, rounded up.
func dsnSeconds(key string, aliases ...string) *dialect.Option[*builder] {
	return &dialect.Option[*builder]{Name: key, Aliases: aliases, Apply: func(b *builder, s dialect.Setting) error {
		d, err := s.Duration(dialect.AnySeconds)
		if err == nil {
			secs := int64(math.Ceil(d.Seconds()))
			b.params.Set(key, strconv.FormatInt(secs, 10))
		}
		return err
	}}
}

// boolText renders a Go bool as text, for options that also take words.
func boolText(s dialect.Setting) (string, error) {
	if v, ok := s.Value.(bool); ok {
		return strconv.FormatBool(v), nil
	}
	v, err := s.Bool()
	return strconv.FormatBool(v), err
}
