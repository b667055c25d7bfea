package postgresql

import (
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// kind says where an option goes.
type kind int

const (
	// kindConn options are libpq connection keywords that pgx reads itself.
	kindConn kind = iota
	// kindRuntime options are server settings sent in the startup message.
	kindRuntime
	// kindLocal options are handled by this package (hosts, credentials, pgx's own
	// fields, PgBouncer, typed values).
	kindLocal
)

// optionKinds lists every option known by name. A name not listed here that looks
// like a server setting is sent to the server as a run-time parameter.
var optionKinds = map[string]kind{
	// Where and who.
	"host":     kindLocal,
	"port":     kindLocal,
	"user":     kindLocal,
	"password": kindLocal,
	"dbname":   kindLocal,
	"database": kindLocal,

	// libpq keywords that pgx understands.
	"sslmode":              kindConn,
	"sslrootcert":          kindConn,
	"sslcert":              kindConn,
	"sslkey":               kindConn,
	"sslpassword":          kindLocal, // handed to pgx by callback, never in a string
	"sslcertmode":          kindConn,
	"sslnegotiation":       kindConn,
	"sslsni":               kindConn,
	"connect_timeout":      kindConn,
	"target_session_attrs": kindConn,
	"channel_binding":      kindConn,
	"require_auth":         kindConn,
	"min_protocol_version": kindConn,
	"max_protocol_version": kindConn,
	"krbsrvname":           kindConn,
	"krbspn":               kindConn,
	"passfile":             kindConn,
	"service":              kindConn,
	"servicefile":          kindConn,

	// pgx's own settings.
	"default_query_exec_mode":    kindLocal,
	"statement_cache_capacity":   kindLocal,
	"description_cache_capacity": kindLocal,

	// alchemy's.
	"pgbouncer":                 kindLocal,
	"native":                    kindLocal,
	"ssl":                       kindLocal,
	"fallback_application_name": kindLocal,
	"tls":                       kindLocal,
	"runtime_params":            kindLocal,

	// Server settings worth naming (any other is accepted too).
	"application_name":                    kindRuntime,
	"search_path":                         kindRuntime,
	"options":                             kindRuntime,
	"statement_timeout":                   kindRuntime,
	"lock_timeout":                        kindRuntime,
	"idle_in_transaction_session_timeout": kindRuntime,
	"idle_session_timeout":                kindRuntime,
	"client_encoding":                     kindRuntime,
	"timezone":                            kindRuntime,
	"datestyle":                           kindRuntime,
}

// unsupported are libpq keywords that pgx does not implement. Sent on, the server
// would reject them as unknown settings with a less helpful message.
var unsupported = map[string]bool{
	"hostaddr": true, "keepalives": true, "keepalives_idle": true, "keepalives_interval": true,
	"keepalives_count": true, "tcp_user_timeout": true, "gssencmode": true, "gsslib": true,
	"gssdelegation": true, "requiressl": true, "requirepeer": true, "sslcompression": true,
	"sslcrl": true, "sslcrldir": true, "ssl_min_protocol_version": true,
	"ssl_max_protocol_version": true, "replication": true, "load_balance_hosts": true,
}

// secret options never have their value in an error.
var secret = map[string]bool{"password": true, "sslpassword": true}

// settingName is the shape of a PostgreSQL setting name, with an optional
// extension prefix ("pg_stat_statements.track").
var settingName = regexp.MustCompile(`^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)?$`)

// timeoutValue is a PostgreSQL time setting: a number, in milliseconds unless a unit
// follows.
var timeoutValue = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(us|ms|s|min|h|d)?$`)

// timeoutSettings take a timeoutValue.
var timeoutSettings = map[string]bool{
	"statement_timeout": true, "lock_timeout": true,
	"idle_in_transaction_session_timeout": true, "idle_session_timeout": true,
	"transaction_timeout": true,
}

// enums lists the values an option may take.
var enums = map[string][]string{
	"sslmode":                 {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"},
	"sslcertmode":             {"disable", "allow", "require"},
	"sslnegotiation":          {"postgres", "direct"},
	"sslsni":                  {"0", "1"},
	"target_session_attrs":    {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"},
	"channel_binding":         {"disable", "prefer", "require"},
	"min_protocol_version":    {"3.0", "3.2", "latest"},
	"max_protocol_version":    {"3.0", "3.2", "latest"},
	"default_query_exec_mode": {"cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"},
}

// option returns the Setting that an error about option name reports; a message
// that shows its value hides it when the option is secret.
func option(name string, value any) dialect.Setting {
	return dialect.Setting{Dialect: "postgresql", Key: name, Value: value, Secret: secret[name]}
}

// optionError is an error about one option's value: it names the option and,
// unless the option is secret, quotes the value.
func optionError(name, value, format string, args ...any) error {
	s := option(name, value)
	return s.Errorf(format+", not %s", append(args, s.Shown())...)
}

// classify returns where an option goes, or an error for a name that is not one.
func classify(name string) (kind, error) {
	if k, ok := optionKinds[name]; ok {
		return k, nil
	}
	if unsupported[name] {
		return 0, option(name, nil).Errorf("is a libpq option that pgx does not support")
	}
	if name == "prepared_statement_cache_size" {
		return 0, option(name, nil).Errorf("is asyncpg's; use statement_cache_capacity")
	}
	if !settingName.MatchString(name) {
		return 0, option(name, nil).Errorf("is unknown (not a setting name)")
	}
	return kindRuntime, nil
}

// validate checks the value of a string option.
func validate(name, value string) error {
	if strings.IndexByte(value, 0) >= 0 {
		return option(name, value).Errorf("holds a NUL byte")
	}
	if allowed, ok := enums[name]; ok {
		for _, a := range allowed {
			if value == a {
				return nil
			}
		}
		return optionError(name, value, "want one of %s", strings.Join(allowed, ", "))
	}
	switch name {
	case "connect_timeout":
		if n, err := strconv.ParseInt(value, 10, 32); err != nil || n < 0 {
			return optionError(name, value, "want a whole number of seconds, 0 or more")
		}
	case "statement_cache_capacity", "description_cache_capacity":
		if n, err := strconv.ParseInt(value, 10, 32); err != nil || n < 0 {
			return optionError(name, value, "want a whole number, 0 or more")
		}
	case "pgbouncer", "native":
		if _, ok := dialect.ParseBool(value); !ok {
			return optionError(name, value, "want true or false")
		}
	case "ssl":
		if _, err := sslToMode(value); err != nil {
			return optionError(name, value, "%v", err)
		}
	case "sslrootcert":
		if value != "system" {
			return checkFile(name, value)
		}
	case "sslcert", "sslkey":
		return checkFile(name, value)
	case "port":
		if _, err := parsePort(value); err != nil {
			return optionError(name, value, "%v", err)
		}
	}
	if timeoutSettings[name] && !timeoutValue.MatchString(value) {
		return optionError(name, value, "want a duration such as 1500, 250ms, 5s or 1min")
	}
	return nil
}

func checkFile(name, path string) error {
	if _, err := os.Stat(path); err != nil {
		return option(name, path).Errorf("%w", err)
	}
	return nil
}

// sslToMode maps asyncpg's and pgx's "ssl" option to an sslmode.
func sslToMode(s string) (string, error) {
	if b, ok := dialect.ParseBool(s); ok {
		if b {
			return "require", nil
		}
		return "disable", nil
	}
	for _, m := range enums["sslmode"] {
		if s == m {
			return m, nil
		}
	}
	return "", errors.New("want true, false or an sslmode")
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, errors.New("want a port number from 1 to 65535")
	}
	return n, nil
}
