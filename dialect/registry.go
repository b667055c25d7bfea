package dialect

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ErrUnknownDialect is wrapped by the error Lookup returns for a name nobody registered.
var ErrUnknownDialect = errors.New("alchemy: unknown dialect")

var registry = struct {
	sync.RWMutex
	m map[string]Dialect
}{m: make(map[string]Dialect)}

// Register makes a dialect available under name, which is either "backend+driver"
// ("mysql+mydriver") or a bare backend name ("mysql"), which makes d the backend's
// default driver. The same Dialect may be registered under several names, which is
// how SQLAlchemy's Python driver names are mapped to Go drivers.
//
// Register panics when d is nil, name is empty or malformed, or name is registered
// already, as database/sql.Register does: these are programming errors found at init.
func Register(name string, d Dialect) {
	if d == nil {
		panic("alchemy: Register dialect is nil")
	}
	if checkDrivername(name) != nil {
		panic(fmt.Sprintf("alchemy: Register dialect with malformed name %q (want backend or backend+driver, of letters, digits, '_', '-' and '.')", name))
	}
	key := strings.ToLower(name)
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.m[key]; dup {
		panic(fmt.Sprintf("alchemy: Register called twice for dialect %q", name))
	}
	registry.m[key] = d
}

// Lookup finds the dialect for a URL's drivername: "backend+driver", or "backend" for
// the backend's default driver. Names are matched without regard to case. An unknown
// name is an error that wraps ErrUnknownDialect and lists what is registered.
func Lookup(drivername string) (Dialect, error) {
	key := strings.ToLower(drivername)
	registry.RLock()
	defer registry.RUnlock()
	if d, ok := registry.m[key]; ok {
		return d, nil
	}
	names := namesLocked()
	backend, driverName, hasDriver := strings.Cut(key, "+")
	var drivers []string // the names registered for this backend
	for _, n := range names {
		if n == backend || strings.HasPrefix(n, backend+"+") {
			drivers = append(drivers, n)
		}
	}
	switch {
	case len(drivers) > 0 && hasDriver:
		return nil, fmt.Errorf("%w: no driver %q for %q (registered for %s: %s)",
			ErrUnknownDialect, driverName, backend, backend, strings.Join(drivers, ", "))
	case len(drivers) > 0:
		return nil, fmt.Errorf("%w: %q has no default driver; name one (registered for %s: %s)",
			ErrUnknownDialect, backend, backend, strings.Join(drivers, ", "))
	case len(names) == 0:
		return nil, fmt.Errorf("%w %q; none is registered: blank-import one, such as github.com/go-alchemy/alchemy/dialect/sqlite",
			ErrUnknownDialect, drivername)
	}
	return nil, fmt.Errorf("%w %q (registered: %s; is its package imported?)",
		ErrUnknownDialect, drivername, strings.Join(names, ", "))
}

// Names returns the registered names, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, 0, len(registry.m))
	for n := range registry.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ForURL looks up the dialect named by u's drivername.
func ForURL(u URL) (Dialect, error) {
	return Lookup(u.Drivername)
}
