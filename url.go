package alchemy

import "github.com/go-alchemy/alchemy/dialect"

// URL is a database URL, dialect[+driver]://user:password@host:port/database?options.
// It is dialect.URL; see there for its fields and methods.
type URL = dialect.URL

// ParseURL parses a database URL (SQLAlchemy's make_url). The error, if any, names the
// part that is wrong and never contains the password.
func ParseURL(raw string) (URL, error) { return dialect.ParseURL(raw) }
