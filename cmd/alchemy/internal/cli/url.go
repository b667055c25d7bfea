package cli

import (
	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
)

// CheckURL parses the database URL and finds its dialect and driver options
// without connecting, so that a URL that can never work (a typo in the
// scheme, an unknown dialect or URL option) is a usage mistake (exit 2) rather
// than a failure to connect. The error never holds the password.
func (a *App) CheckURL() (alchemy.URL, dialect.Dialect, error) {
	raw, from := a.URL()
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		return u, nil, Usagef("database URL (from %s): %v", from, err)
	}
	d, err := dialect.ForURL(u)
	if err != nil {
		return u, nil, Usagef("database URL %s (from %s): %v", u, from, err)
	}
	if _, err := d.Connector(u, nil); err != nil {
		return u, nil, Usagef("database URL %s (from %s): %v", u, from, err)
	}
	return u, d, nil
}
