package mysql

import (
	"crypto/tls"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
)

// option is one accepted name, with its aliases, and how it changes the builder.
type option struct {
	name    string
	aliases []string
	secret  bool
	apply   func(b *builder, s setting) error
}

// options are the names this dialect understands. Names match without regard to
// case; the spelling here is the one Options reports.
var options = []*option{
	// Parts of the URL, which connect arguments (and the query) may override, as
	// SQLAlchemy's connect_args override what create_connect_args took from the URL.
	{name: "host", apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.host = v
		return err
	}},
	{name: "port", apply: func(b *builder, s setting) error {
		n, err := s.integer()
		if err == nil && (n < 1 || n > 65535) {
			err = s.errorf("port %d is not from 1 to 65535", n)
		}
		b.port = n
		return err
	}},
	{name: "user", aliases: []string{"username"}, apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.cfg.User = v
		return err
	}},
	{name: "password", aliases: []string{"passwd"}, secret: true, apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.cfg.Passwd = v
		return err
	}},
	{name: "database", aliases: []string{"db"}, apply: func(b *builder, s setting) error {
		v, err := s.str()
		b.cfg.DBName = v
		return err
	}},
	{name: "unix_socket", apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err == nil && v == "" {
			err = s.errorf("is empty; give the socket's path")
		}
		b.socket = v
		return err
	}},

	// Character set and time.
	{name: "charset", apply: func(b *builder, s setting) error {
		v, err := s.sqlName()
		b.charset = v
		return err
	}},
	{name: "collation", apply: func(b *builder, s setting) error {
		v, err := s.sqlName()
		b.collation = v
		return err
	}},
	{name: "parseTime", aliases: []string{"parse_time"}, apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.ParseTime)
	}},
	{name: "loc", apply: func(b *builder, s setting) error {
		loc, err := s.location()
		b.cfg.Loc = loc
		return err
	}},
	{name: "timeTruncate", apply: func(b *builder, s setting) error {
		d, err := s.duration()
		if err != nil {
			return err
		}
		return b.cfg.Apply(gomysql.TimeTruncate(d))
	}},

	// Timeouts.
	{name: "connect_timeout", aliases: []string{"timeout", "connectTimeout"}, apply: func(b *builder, s setting) error {
		return s.setDuration(&b.cfg.Timeout)
	}},
	{name: "read_timeout", aliases: []string{"readTimeout"}, apply: func(b *builder, s setting) error {
		return s.setDuration(&b.cfg.ReadTimeout)
	}},
	{name: "write_timeout", aliases: []string{"writeTimeout"}, apply: func(b *builder, s setting) error {
		return s.setDuration(&b.cfg.WriteTimeout)
	}},

	// TLS.
	{name: "tls", apply: func(b *builder, s setting) error { return b.tls.setTLS(s) }},
	{name: "ssl", apply: func(b *builder, s setting) error { return b.tls.setSSL(s) }},
	{name: "ssl_mode", apply: func(b *builder, s setting) error { return b.tls.setMode(s) }},
	{name: "ssl_disabled", apply: func(b *builder, s setting) error { return b.tls.setFlag(s, &b.tls.disabled) }},
	{name: "ssl_ca", apply: func(b *builder, s setting) error { return b.tls.setFile(s, &b.tls.ca) }},
	{name: "ssl_cert", apply: func(b *builder, s setting) error { return b.tls.setFile(s, &b.tls.cert) }},
	{name: "ssl_key", apply: func(b *builder, s setting) error { return b.tls.setFile(s, &b.tls.key) }},
	{name: "ssl_check_hostname", aliases: []string{"ssl_verify_identity"}, apply: func(b *builder, s setting) error {
		return b.tls.setFlag(s, &b.tls.checkHostname)
	}},
	{name: "ssl_verify_cert", apply: func(b *builder, s setting) error { return b.tls.setFlag(s, &b.tls.verifyCert) }},
	{name: "allowFallbackToPlaintext", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.AllowFallbackToPlaintext)
	}},
	{name: "serverPubKey", apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err != nil {
			return err
		}
		probe := gomysql.NewConfig()
		probe.ServerPubKey = v
		if _, err := gomysql.NewConnector(probe); err != nil {
			return s.errorf("no server public key is registered under %s (mysql.RegisterServerPubKey)", s.shown())
		}
		b.cfg.ServerPubKey = v
		return nil
	}},

	// Authentication.
	{name: "allowNativePasswords", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.AllowNativePasswords)
	}},
	{name: "allowCleartextPasswords", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.AllowCleartextPasswords)
	}},
	{name: "allowOldPasswords", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.AllowOldPasswords)
	}},

	// Behaviour of the connection.
	{name: "clientFoundRows", aliases: []string{"client_found_rows"}, apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.ClientFoundRows)
	}},
	{name: "interpolateParams", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.InterpolateParams)
	}},
	{name: "multiStatements", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.MultiStatements)
	}},
	{name: "checkConnLiveness", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.CheckConnLiveness)
	}},
	{name: "columnsWithAlias", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.ColumnsWithAlias)
	}},
	{name: "rejectReadOnly", apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.RejectReadOnly)
	}},
	{name: "allowAllFiles", aliases: []string{"local_infile"}, apply: func(b *builder, s setting) error {
		return s.setBool(&b.cfg.AllowAllFiles)
	}},
	{name: "compress", apply: func(b *builder, s setting) error {
		on, err := s.boolean()
		if err != nil {
			return err
		}
		return b.cfg.Apply(gomysql.EnableCompression(on))
	}},
	{name: "maxAllowedPacket", apply: func(b *builder, s setting) error {
		n, err := s.integer()
		if err == nil && n < 0 {
			err = s.errorf("must be 0 (ask the server) or a size in bytes, not %d", n)
		}
		b.cfg.MaxAllowedPacket = n
		return err
	}},
	{name: "connectionAttributes", apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err != nil {
			return err
		}
		for pair := range strings.SplitSeq(v, ",") {
			if k, _, ok := strings.Cut(pair, ":"); !ok || k == "" {
				return s.errorf("want key:value pairs separated by commas, not %s", s.shown())
			}
		}
		b.cfg.ConnectionAttributes = joinAttrs(b.cfg.ConnectionAttributes, v)
		return nil
	}},
	{name: "program_name", apply: func(b *builder, s setting) error {
		v, err := s.str()
		if err == nil && strings.ContainsAny(v, ",:") {
			err = s.errorf("may not hold ',' or ':'")
		}
		if err != nil {
			return err
		}
		b.cfg.ConnectionAttributes = joinAttrs(b.cfg.ConnectionAttributes, "program_name:"+v)
		return nil
	}},

	{name: "logger", apply: func(b *builder, s setting) error {
		l, ok := s.value.(gomysql.Logger)
		if !ok || l == nil {
			return s.errorf("want a mysql.Logger (such as &mysql.NopLogger{}) in connect arguments, not %T", s.value)
		}
		b.cfg.Logger = l
		return nil
	}},

	// Python drivers' options that mean nothing more to the Go driver.
	{name: "autocommit", apply: func(b *builder, s setting) error {
		on, err := s.boolean()
		if err == nil && !on {
			err = s.errorf("false is not supported: outside a transaction alchemy relies on the server's autocommit; open a transaction instead")
		}
		return err
	}},
	{name: "use_unicode", apply: func(b *builder, s setting) error {
		on, err := s.boolean()
		if err == nil && !on {
			err = s.errorf("false is not supported: the Go driver always returns text as Go strings")
		}
		return err
	}},
	{name: "binary_prefix", apply: func(b *builder, s setting) error {
		_, err := s.boolean() // values are always bound, never rendered as literals
		return err
	}},
}

// unsupported maps the Python drivers' options that the Go driver cannot honour to
// the reason, so that a pasted URL fails with a clear error instead of becoming an
// unknown system variable.
var unsupported = map[string]string{
	"init_command":       "set system variables as query options (sql_mode=TRADITIONAL) instead",
	"client_flag":        "numeric client flags have no Go equivalent; use the named options",
	"read_default_file":  "MySQL option files are not read; put the options in the URL",
	"read_default_group": "MySQL option files are not read; put the options in the URL",
	"ssl_capath":         "give one CA bundle file with ssl_ca",
	"ssl_cipher":         "Go chooses the cipher suites",
	"cursorclass":        "rows are scanned in Go",
	"conv":               "type conversion is done in Go",
	"strict":             "removed from the Go driver; set sql_mode instead",
}

var (
	lookup = func() map[string]*option {
		m := make(map[string]*option)
		for _, o := range options {
			for _, n := range append([]string{o.name}, o.aliases...) {
				m[strings.ToLower(n)] = o
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
	slices.Sort(names)
	return names
}

func joinAttrs(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

// str returns a string value.
func (s setting) str() (string, error) {
	v, ok := s.value.(string)
	if !ok {
		return "", s.errorf("want a string, not %T", s.value)
	}
	return v, nil
}

// sqlName returns a value that is spliced into SQL by the driver (SET NAMES), so it
// must be a plain name.
func (s setting) sqlName() (string, error) {
	v, err := s.str()
	if err != nil {
		return "", err
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", s.errorf("%s is not a character set or collation name", s.shown())
		}
	}
	if v == "" {
		return "", s.errorf("is empty")
	}
	return v, nil
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
	return false, s.errorf("want a boolean (true/false, 1/0, yes/no, on/off), not %s", s.shown())
}

func (s setting) setBool(dst *bool) error {
	v, err := s.boolean()
	if err == nil {
		*dst = v
	}
	return err
}

// integer reads a whole number from a string or any Go integer type.
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
	case uint32:
		return int(v), nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, s.errorf("want a whole number, not %s", s.shown())
}

// duration reads seconds as PyMySQL does ("10", "2.5"), a Go duration ("1m30s"), a
// time.Duration, or a number of seconds as a Go int or float. It may not be negative.
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
		if !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) < 1e9 {
			d, ok = time.Duration(v*float64(time.Second)), true
		}
	case string:
		t := strings.TrimSpace(v)
		if f, err := strconv.ParseFloat(t, 64); err == nil && isNumber(t) {
			if math.Abs(f) < 1e9 {
				d, ok = time.Duration(f*float64(time.Second)), true
			}
		} else if pd, err := time.ParseDuration(t); err == nil {
			d, ok = pd, true
		}
	}
	if !ok {
		return 0, s.errorf("want seconds (10, 2.5) or a Go duration (1m30s), not %s", s.shown())
	}
	if d < 0 {
		return 0, s.errorf("may not be negative")
	}
	return d, nil
}

func (s setting) setDuration(dst *time.Duration) error {
	d, err := s.duration()
	if err == nil {
		*dst = d
	}
	return err
}

// location reads a time zone name ("UTC", "Local", "Europe/Paris") or a *time.Location.
func (s setting) location() (*time.Location, error) {
	switch v := s.value.(type) {
	case *time.Location:
		if v != nil {
			return v, nil
		}
	case string:
		loc, err := time.LoadLocation(v)
		if err != nil {
			return nil, s.errorf("unknown time zone %s", s.shown())
		}
		return loc, nil
	}
	return nil, s.errorf("want a time zone name or a *time.Location, not %s", s.shown())
}

// tlsValue reads the tls option: a bool, a *tls.Config, or a string.
func (s setting) tlsValue() (name string, cfg *tls.Config, err error) {
	switch v := s.value.(type) {
	case *tls.Config:
		if v == nil {
			return "", nil, s.errorf("is a nil *tls.Config")
		}
		return "", v, nil
	case bool:
		return strconv.FormatBool(v), nil, nil
	case string:
		if on, err := s.boolean(); err == nil {
			return strconv.FormatBool(on), nil, nil
		}
		if l := strings.ToLower(v); l == "skip-verify" || l == "preferred" {
			return l, nil, nil
		}
		if v == "" {
			return "", nil, s.errorf("is empty")
		}
		return v, nil, nil
	}
	return "", nil, s.errorf("want true, false, skip-verify, preferred, a registered name or a *tls.Config, not %s", s.shown())
}
