package mysql

import (
	"crypto/tls"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	gomysql "github.com/go-sql-driver/mysql"
)

// options are the names this dialect understands. Names match without regard to
// case; the spelling here is the one Options reports.
var options = dialect.NewOptionSet(strings.ToLower, []*dialect.Option[*builder]{
	// Parts of the URL, which connect arguments (and the query) may override, as
	// SQLAlchemy's connect_args override what create_connect_args took from the URL.
	{Name: "host", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.host = v
		return err
	}},
	{Name: "port", Apply: func(b *builder, s dialect.Setting) error {
		n, err := s.Int()
		if err == nil && (n < 1 || n > 65535) {
			err = s.Errorf("port %d is not from 1 to 65535", n)
		}
		b.port = n
		return err
	}},
	{Name: "user", Aliases: []string{"username"}, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.cfg.User = v
		return err
	}},
	{Name: "password", Aliases: []string{"passwd"}, Secret: true, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.cfg.Passwd = v
		return err
	}},
	{Name: "database", Aliases: []string{"db"}, Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		b.cfg.DBName = v
		return err
	}},
	{Name: "unix_socket", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err == nil && v == "" {
			err = s.Errorf("is empty; give the socket's path")
		}
		b.socket = v
		return err
	}},

	// Character set and time.
	{Name: "charset", Apply: func(b *builder, s dialect.Setting) error {
		v, err := sqlName(s)
		b.charset = v
		return err
	}},
	{Name: "collation", Apply: func(b *builder, s dialect.Setting) error {
		v, err := sqlName(s)
		b.collation = v
		return err
	}},
	{Name: "parseTime", Aliases: []string{"parse_time"}, Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.ParseTime)
	}},
	{Name: "loc", Apply: func(b *builder, s dialect.Setting) error {
		loc, err := location(s)
		b.cfg.Loc = loc
		return err
	}},
	{Name: "timeTruncate", Apply: func(b *builder, s dialect.Setting) error {
		d, err := duration(s)
		if err != nil {
			return err
		}
		return b.cfg.Apply(gomysql.TimeTruncate(d))
	}},

	// Timeouts.
	{Name: "connect_timeout", Aliases: []string{"timeout", "connectTimeout"}, Apply: func(b *builder, s dialect.Setting) error {
		return setDuration(s, &b.cfg.Timeout)
	}},
	{Name: "read_timeout", Aliases: []string{"readTimeout"}, Apply: func(b *builder, s dialect.Setting) error {
		return setDuration(s, &b.cfg.ReadTimeout)
	}},
	{Name: "write_timeout", Aliases: []string{"writeTimeout"}, Apply: func(b *builder, s dialect.Setting) error {
		return setDuration(s, &b.cfg.WriteTimeout)
	}},

	// TLS.
	{Name: "tls", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setTLS(s) }},
	{Name: "ssl", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setSSL(s) }},
	{Name: "ssl_mode", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setMode(s) }},
	{Name: "ssl_disabled", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setFlag(s, &b.tls.disabled) }},
	{Name: "ssl_ca", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setFile(s, &b.tls.ca) }},
	{Name: "ssl_cert", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setFile(s, &b.tls.cert) }},
	{Name: "ssl_key", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setFile(s, &b.tls.key) }},
	{Name: "ssl_check_hostname", Aliases: []string{"ssl_verify_identity"}, Apply: func(b *builder, s dialect.Setting) error {
		return b.tls.setFlag(s, &b.tls.checkHostname)
	}},
	{Name: "ssl_verify_cert", Apply: func(b *builder, s dialect.Setting) error { return b.tls.setFlag(s, &b.tls.verifyCert) }},
	{Name: "allowFallbackToPlaintext", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.AllowFallbackToPlaintext)
	}},
	{Name: "serverPubKey", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err != nil {
			return err
		}
		probe := gomysql.NewConfig()
		probe.ServerPubKey = v
		if _, err := gomysql.NewConnector(probe); err != nil {
			return s.Errorf("no server public key is registered under %s (mysql.RegisterServerPubKey)", s.Shown())
		}
		b.cfg.ServerPubKey = v
		return nil
	}},

	// Authentication.
	{Name: "allowNativePasswords", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.AllowNativePasswords)
	}},
	{Name: "allowCleartextPasswords", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.AllowCleartextPasswords)
	}},
	{Name: "allowOldPasswords", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.AllowOldPasswords)
	}},

	// Behaviour of the connection.
	{Name: "clientFoundRows", Aliases: []string{"client_found_rows"}, Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.ClientFoundRows)
	}},
	{Name: "interpolateParams", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.InterpolateParams)
	}},
	{Name: "multiStatements", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.MultiStatements)
	}},
	{Name: "checkConnLiveness", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.CheckConnLiveness)
	}},
	{Name: "columnsWithAlias", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.ColumnsWithAlias)
	}},
	{Name: "rejectReadOnly", Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.RejectReadOnly)
	}},
	{Name: "allowAllFiles", Aliases: []string{"local_infile"}, Apply: func(b *builder, s dialect.Setting) error {
		return setBool(s, &b.cfg.AllowAllFiles)
	}},
	{Name: "compress", Apply: func(b *builder, s dialect.Setting) error {
		on, err := s.Bool()
		if err != nil {
			return err
		}
		return b.cfg.Apply(gomysql.EnableCompression(on))
	}},
	{Name: "maxAllowedPacket", Apply: func(b *builder, s dialect.Setting) error {
		n, err := s.Int()
		if err == nil && n < 0 {
			err = s.Errorf("must be 0 (ask the server) or a size in bytes, not %d", n)
		}
		b.cfg.MaxAllowedPacket = n
		return err
	}},
	{Name: "connectionAttributes", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err != nil {
			return err
		}
		for pair := range strings.SplitSeq(v, ",") {
			if k, _, ok := strings.Cut(pair, ":"); !ok || k == "" {
				return s.Errorf("want key:value pairs separated by commas, not %s", s.Shown())
			}
		}
		b.cfg.ConnectionAttributes = joinAttrs(b.cfg.ConnectionAttributes, v)
		return nil
	}},
	{Name: "program_name", Apply: func(b *builder, s dialect.Setting) error {
		v, err := s.Text()
		if err == nil && strings.ContainsAny(v, ",:") {
			err = s.Errorf("may not hold ',' or ':'")
		}
		if err != nil {
			return err
		}
		b.cfg.ConnectionAttributes = joinAttrs(b.cfg.ConnectionAttributes, "program_name:"+v)
		return nil
	}},

	{Name: "logger", Apply: func(b *builder, s dialect.Setting) error {
		l, ok := s.Value.(gomysql.Logger)
		if !ok || l == nil {
			return s.Errorf("want a mysql.Logger (such as &mysql.NopLogger{}) in connect arguments, not %T", s.Value)
		}
		b.cfg.Logger = l
		return nil
	}},

	// Python drivers' options that mean nothing more to the Go driver.
	{Name: "autocommit", Apply: func(b *builder, s dialect.Setting) error {
		on, err := s.Bool()
		if err == nil && !on {
			err = s.Errorf("false is not supported: outside a transaction alchemy relies on the server's autocommit; open a transaction instead")
		}
		return err
	}},
	{Name: "use_unicode", Apply: func(b *builder, s dialect.Setting) error {
		on, err := s.Bool()
		if err == nil && !on {
			err = s.Errorf("false is not supported: the Go driver always returns text as Go strings")
		}
		return err
	}},
	{Name: "binary_prefix", Apply: func(b *builder, s dialect.Setting) error {
		_, err := s.Bool() // values are always bound, never rendered as literals
		return err
	}},
}...)

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

func optionNames() []string {
	names := options.Names()
	slices.Sort(names)
	return names
}

func joinAttrs(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

// sqlName returns a value that is spliced into SQL by the driver (SET NAMES), so it
// must be a plain name.
func sqlName(s dialect.Setting) (string, error) {
	v, err := s.Text()
	if err != nil {
		return "", err
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", s.Errorf("%s is not a character set or collation name", s.Shown())
		}
	}
	if v == "" {
		return "", s.Errorf("is empty")
	}
	return v, nil
}

// setBool stores the boolean s holds in dst.
func setBool(s dialect.Setting, dst *bool) error {
	v, err := s.Bool()
	if err == nil {
		*dst = v
	}
	return err
}

// duration reads seconds as PyMySQL does ("10", "2.5": plain decimals only), a Go
// duration ("1m30s"), a time.Duration, or a number of seconds as a Go int or float.
// It may not be negative.
func duration(s dialect.Setting) (time.Duration, error) {
	return s.Duration(dialect.DecimalSeconds)
}

// setDuration stores the duration s holds in dst.
func setDuration(s dialect.Setting, dst *time.Duration) error {
	d, err := duration(s)
	if err == nil {
		*dst = d
	}
	return err
}

// location reads a time zone name ("UTC", "Local", "Europe/Paris") or a *time.Location.
func location(s dialect.Setting) (*time.Location, error) {
	switch v := s.Value.(type) {
	case *time.Location:
		if v != nil {
			return v, nil
		}
	case string:
		loc, err := time.LoadLocation(v)
		if err != nil {
			return nil, s.Errorf("unknown time zone %s", s.Shown())
		}
		return loc, nil
	}
	return nil, s.Errorf("want a time zone name or a *time.Location, not %s", s.Shown())
}

// tlsValue reads the tls option: a bool, a *tls.Config, or a string.
func tlsValue(s dialect.Setting) (name string, cfg *tls.Config, err error) {
	switch v := s.Value.(type) {
	case *tls.Config:
		if v == nil {
			return "", nil, s.Errorf("is a nil *tls.Config")
		}
		return "", v, nil
	case bool:
		return strconv.FormatBool(v), nil, nil
	case string:
		if on, err := s.Bool(); err == nil {
			return strconv.FormatBool(on), nil, nil
		}
		if l := strings.ToLower(v); l == "skip-verify" || l == "preferred" {
			return l, nil, nil
		}
		if v == "" {
			return "", nil, s.Errorf("is empty")
		}
		return v, nil, nil
	}
	return "", nil, s.Errorf("want true, false, skip-verify, preferred, a registered name or a *tls.Config, not %s", s.Shown())
}
