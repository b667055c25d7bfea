package alchemy

import "github.com/go-alchemy/alchemy/dialect"

// URL is dialect.URL: dialect[+driver]://user:password@host:port/database?options.
type URL = dialect.URL

// ParseURL parses a database URL (make_url). An error names the wrong part, never
// the password.
func ParseURL(raw string) (URL, error) { return dialect.ParseURL(raw) }
