package mssql

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// option is one accepted name, with its aliases, and how it changes the builder.
type option struct {
	name    string
	aliases []string
	secret  bool
	apply   func(b *builder, s setting) error
}

// options are the names this dialect understands; the spelling here is the one
// Options reports, and the DSN key where an option passes to go-mssqldb.
var options = []*option{
	// Parts of the URL, which connect arguments (and the query) may override.
	{name: "host", aliases: []string{"server"}, apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err == nil {
			b.host, b.instance = v, ""
			if h, inst, ok := strings.Cut(v, `\`); ok {
				b.host, b.instance = h, inst
			}
		}
		return err
	}},
	{name: "port", apply: func(b *builder, s setting) error {
		n, err := s.port()
		b.port = n
		return err
	}},
	{name: "instance", apply: func(b *builder, s setting) error {
		v, err := s.nonEmpty()
		b.instance = v
		return err
	}},
	{name: "user", aliases: []string{"username", "uid", "user id"}, apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.user = v
		return err
	}},
	{name: "password", aliases: []string{"pwd"}, secret: true, apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.password = v
		return err
	}},
	{name: "database", aliases: []string{"initial catalog"}, apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.database = v
		return err
	}},

	// Encryption.
	{name: "encrypt", apply: func(b *builder, s setting) error {
		v, err := s.str()
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
			return s.errorf("want true, false, strict or disable (or yes, no, mandatory, optional), not %s", s.shown())
		}
		b.params.Set("encrypt", v)
		return nil
	}},
	dsnBool("TrustServerCertificate"),
	dsnString("certificate"),
	dsnString("ServerCertificate"),
	dsnString("HostNameInCertificate"),
	{name: "tlsmin", apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err == nil && !slices.Contains([]string{"1.0", "1.1", "1.2", "1.3"}, v) {
			err = s.errorf("want 1.0, 1.1, 1.2 or 1.3, not %s", s.shown())
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
	{name: "ApplicationIntent", apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err != nil {
			return err
		}
		switch strings.ToLower(v) {
		case "readonly":
			v = "ReadOnly"
		case "readwrite":
			v = "ReadWrite"
		default:
			return s.errorf("want ReadOnly or ReadWrite, not %s", s.shown())
		}
		b.params.Set("ApplicationIntent", v)
		return nil
	}},
	dsnBool("MultiSubnetFailover"),
	dsnString("failoverpartner"),
	{name: "failoverport", apply: func(b *builder, s setting) error {
		n, err := s.port()
		if err == nil {
			b.params.Set("failoverport", strconv.Itoa(n))
		}
		return err
	}},
	dsnString("failoverpartnerspn"),
	{name: "protocol", apply: func(b *builder, s setting) error {
		v, err := s.nonEmpty()
		if err == nil {
			b.params.Set("protocol", strings.ToLower(v))
		}
		return err
	}},

	// The connection's behaviour.
	{name: "packet size", apply: func(b *builder, s setting) error {
		n, err := s.integer()
		if err == nil && (n < 512 || n > 32767) {
			err = s.errorf("must be from 512 to 32767 bytes, not %d", n)
		}
		if err == nil {
			b.params.Set("packet size", strconv.Itoa(n))
		}
		return err
	}},
	dsnBool("disableRetry"),
	dsnBool("guid conversion"),
	dsnBool("columnencryption"),
	{name: "log", apply: func(b *builder, s setting) error {
		n, err := s.integer()
		if err == nil && n < 0 {
			err = s.errorf("want a sum of go-mssqldb's log flags, not %d", n)
		}
		if err == nil {
			b.params.Set("log", strconv.Itoa(n))
		}
		return err
	}},
	{name: "timezone", apply: func(b *builder, s setting) error {
		var name string
		switch v := s.value.(type) {
		case string:
			name = v
		case *time.Location:
			if v != nil {
				name = v.String()
			}
		default:
			return s.errorf("want a time zone name or a *time.Location, not %s", s.shown())
		}
		if _, err := time.LoadLocation(name); err != nil || name == "" {
			return s.errorf("want a time zone from the zone database (UTC, Europe/Paris), not %q", name)
		}
		b.params.Set("timezone", name)
		return nil
	}},

	// ODBC and Python options that a pasted URL carries and the Go driver does not
	// need: accepted so that the URL works, with no effect.
	{name: "driver", apply: func(b *builder, s setting) error {
		_, err := s.str() // "ODBC Driver 18 for SQL Server": the Go driver speaks TDS itself
		return err
	}},
	{name: "MARS_Connection", apply: func(b *builder, s setting) error {
		_, err := boolText(s) // each database/sql connection runs one statement at a time
		return err
	}},
	{name: "tds_version", apply: func(b *builder, s setting) error {
		_, err := s.str() // go-mssqldb negotiates TDS 7.4
		return err
	}},
	{name: "charset", apply: func(b *builder, s setting) error {
		_, err := s.str() // pymssql's; Go strings are UTF-8 and N-types UTF-16 on the wire
		return err
	}},
	{name: "autocommit", apply: func(b *builder, s setting) error {
		on, err := s.boolean()
		if err == nil && !on {
			err = s.errorf("false is not supported: outside a transaction alchemy relies on the server's autocommit; open a transaction instead")
		}
		return err
	}},
	{name: "Trusted_Connection", apply: func(b *builder, s setting) error {
		on, err := s.boolean()
		b.trusted = on // go-mssqldb uses integrated authentication when no user is given
		return err
	}},
}

// unsupported maps options that the Go driver cannot honour as written to the
// reason, keyed by normalized name.
var unsupported = map[string]string{
	"timeout":        `ambiguous: pymssql's query timeout or ADO's login timeout; use "connection timeout" for logging in and a context deadline for queries`,
	"odbcconnect":    "an ODBC connection string is not parsed: write its parts as the URL's host, port, user, password, database and options",
	"authentication": "Azure AD authentication needs go-mssqldb's azuread package and its connector",
	"fedauth":        "Azure AD authentication needs go-mssqldb's azuread package and its connector",
}

var (
	lookup = func() map[string]*option {
		m := make(map[string]*option)
		for _, o := range options {
			for _, n := range append([]string{o.name}, o.aliases...) {
				m[normalize(n)] = o
			}
		}
		return m
	}()
	byName = func() map[string]*option {
		m := make(map[string]*option)
		for _, o := range options {
			m[o.name] = o
		}
		return m
	}()
)

func optionNames() []string {
	var names []string
	for _, o := range options {
		names = append(names, o.name)
		names = append(names, o.aliases...)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return names
}

// dsnString is an option passed to the driver as a string under key (its name).
func dsnString(key string, aliases ...string) *option {
	return &option{name: key, aliases: aliases, apply: func(b *builder, s setting) error {
		v, err := s.nonEmpty()
		if err == nil {
			b.params.Set(key, v)
		}
		return err
	}}
}

// dsnBool is a boolean option passed to the driver as "true" or "false".
func dsnBool(key string, aliases ...string) *option {
	return &option{name: key, aliases: aliases, apply: func(b *builder, s setting) error {
		v, err := s.boolean()
		if err == nil {
			b.params.Set(key, strconv.FormatBool(v))
		}
		return err
	}}
}

// dsnSeconds is a duration passed to the driver in whole seconds, rounded up.
func dsnSeconds(key string, aliases ...string) *option {
	return &option{name: key, aliases: aliases, apply: func(b *builder, s setting) error {
		d, err := s.duration()
		if err == nil {
			secs := int64(math.Ceil(d.Seconds()))
			b.params.Set(key, strconv.FormatInt(secs, 10))
		}
		return err
	}}
}

func (s setting) str() (string, error) {
	v, ok := s.value.(string)
	if !ok {
		return "", s.errorf("want a string, not %T", s.value)
	}
	return v, nil
}

func (s setting) nonEmpty() (string, error) {
	v, err := s.str()
	if err == nil && v == "" {
		err = s.errorf("is empty")
	}
	return v, err
}

// boolText renders a Go bool as text, for options that also take words.
func boolText(s setting) (string, error) {
	if v, ok := s.value.(bool); ok {
		return strconv.FormatBool(v), nil
	}
	v, err := s.boolean()
	return strconv.FormatBool(v), err
}

// boolean reads true/false, 1/0, yes/no, on/off (any case), or a Go bool.
func (s setting) boolean() (bool, error) {
	switch v := s.value.(type) {
	case bool:
		return v, nil
	case int:
		if v == 0 || v == 1 {
			return v == 1, nil
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "t", "yes", "y", "on":
			return true, nil
		case "0", "false", "f", "no", "n", "off":
			return false, nil
		}
	}
	return false, s.errorf("want a boolean (true/false, yes/no, 1/0), not %s", s.shown())
}

func (s setting) integer() (int, error) {
	switch v := s.value.(type) {
	case int:
		return v, nil
	case int32:
		return int(v), nil
	case int64:
		if v >= math.MinInt && v <= math.MaxInt {
			return int(v), nil
		}
	case uint16:
		return int(v), nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, s.errorf("want a whole number, not %s", s.shown())
}

func (s setting) port() (int, error) {
	n, err := s.integer()
	if err == nil && (n < 1 || n > 65535) {
		err = s.errorf("port %d is not from 1 to 65535", n)
	}
	return n, err
}

// duration reads seconds ("30", "2.5"), a Go duration ("1m"), a time.Duration, or
// seconds as a Go int or float. It may not be negative.
func (s setting) duration() (time.Duration, error) {
	var d time.Duration
	ok := false
	switch v := s.value.(type) {
	case time.Duration:
		d, ok = v, true
	case int:
		d, ok = time.Duration(v)*time.Second, true
	case int64:
		d, ok = time.Duration(v)*time.Second, true
	case float64:
		if !math.IsNaN(v) && math.Abs(v) < 1e9 {
			d, ok = time.Duration(v*float64(time.Second)), true
		}
	case string:
		t := strings.TrimSpace(v)
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			if !math.IsNaN(f) && math.Abs(f) < 1e9 {
				d, ok = time.Duration(f*float64(time.Second)), true
			}
		} else if pd, err := time.ParseDuration(t); err == nil {
			d, ok = pd, true
		}
	}
	if !ok {
		return 0, s.errorf("want seconds (30, 2.5) or a Go duration (1m30s), not %s", s.shown())
	}
	if d < 0 {
		return 0, s.errorf("may not be negative")
	}
	return d, nil
}
