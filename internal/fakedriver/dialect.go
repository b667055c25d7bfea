package fakedriver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// DialectName is the name the fake dialect is registered under.
const DialectName = "fake"

func init() { dialect.Register(DialectName, Dialect{}) }

// Dialect is the fake dialect. Its URL is "fake:///name" where name is a Driver's
// Name. It accepts the connect arguments listed in Options, and no other.
type Dialect struct{}

// Options are the connect arguments (and URL query keys) the dialect accepts.
func (Dialect) Options() []string { return []string{"application_name", "single", "tag"} }

// The methods below implement dialect.Dialect for the fake driver.

// Name is DialectName.
func (Dialect) Name() string { return DialectName }

// Driver is "fakedriver".
func (Dialect) Driver() string { return "fakedriver" }

// Paramstyle is "?".
func (Dialect) Paramstyle() dialect.Paramstyle { return dialect.Question }

// IsUniqueViolation is true for the code 23505.
func (Dialect) IsUniqueViolation(err error) bool { return code(err) == "23505" }

// ErrorCode is the CodeError's code.
func (Dialect) ErrorCode(err error) string { return code(err) }

// IsDisconnect is true for driver.ErrBadConn and ErrDisconnect.
func (Dialect) IsDisconnect(err error) bool { return err != nil && kills(err) }

// SingleConnection is true with ?single=true in the URL.
func (Dialect) SingleConnection(u dialect.URL) bool {

	v, _ := u.QueryValue("single")
	return v == "true" || v == "1"
}

// IsSerializationFailure is true for the codes 40001 and 40P01.
func (Dialect) IsSerializationFailure(err error) bool {
	c := code(err)
	return c == "40001" || c == "40P01"
}

// QuoteIdentifier quotes a name that is not a plain lower-case word.
func (Dialect) QuoteIdentifier(name string) string {
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
	}
	return name
}

// SavepointSQL is the SQL standard's.
func (d Dialect) SavepointSQL(name string) (create, release, rollbackTo string) {
	q := d.QuoteIdentifier(name)
	return "SAVEPOINT " + q, "RELEASE SAVEPOINT " + q, "ROLLBACK TO SAVEPOINT " + q
}

// BeginSQL is PostgreSQL's: BEGIN [ISOLATION LEVEL ...] [READ ONLY].
func (Dialect) BeginSQL(_ dialect.URL, o dialect.TxOptions) ([]string, error) {
	s := "BEGIN"
	if o.Isolation != "" {
		s += " ISOLATION LEVEL " + strings.ToUpper(o.Isolation)
	}
	if o.ReadOnly {
		s += " READ ONLY"
	}
	return []string{s}, nil
}

// ServerVersion is 1.2.3.
func (Dialect) ServerVersion(ctx context.Context, q dialect.Queryer) (dialect.Version, error) {
	return dialect.ParseVersion("1.2.3-fake")
}

// Connector finds the Driver named by the URL's database.
func (Dialect) Connector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	for k := range connectArgs {
		if !known(k) {
			return nil, fmt.Errorf("alchemy: fake: unknown connect argument %q", k)
		}
	}
	for k := range u.Query {
		if !known(k) {
			return nil, fmt.Errorf("alchemy: fake: unknown URL option %q", k)
		}
	}
	registryMu.Lock()
	d := registry[u.Database]
	registryMu.Unlock()
	if d == nil {
		return nil, fmt.Errorf("alchemy: fake: no fake database %q (make one with fakedriver.New)", u.Database)
	}
	args := make(map[string]any, len(connectArgs))
	for k, v := range connectArgs {
		args[k] = v
	}
	d.mu.Lock()
	d.connectArgs = append(d.connectArgs, args)
	d.mu.Unlock()
	return connector{d}, nil
}

func known(k string) bool {
	for _, o := range (Dialect{}).Options() {
		if o == k {
			return true
		}
	}
	return false
}

func code(err error) string {
	var ce *CodeError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ""
}

var (
	_ dialect.Dialect              = Dialect{}
	_ dialect.SingleConnection     = Dialect{}
	_ dialect.ConnectArgsValidator = Dialect{}
	_ dialect.Transactor           = Dialect{}
)
