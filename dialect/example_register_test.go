package dialect_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-alchemy/alchemy/dialect"
)

// myDialect is what a third-party package, say example.com/mydriver, writes to make
// "mysql+mydriver://" URLs work: a Dialect over its own database/sql driver. It uses
// nothing but dialect's public API.
type myDialect struct {
	dialect.Quoter // QuoteIdentifier, with backticks
}

// init registers the dialect, as database/sql drivers register themselves: a program
// blank-imports example.com/mydriver and its URLs resolve.
func init() {
	dialect.Register("mysql+mydriver", myDialect{
		Quoter: dialect.Quoter{Open: '`', Close: '`', Reserved: dialect.Words("select from where order group")},
	})
}

func (myDialect) Name() string                   { return "mysql" }
func (myDialect) Driver() string                 { return "mydriver" }
func (myDialect) Paramstyle() dialect.Paramstyle { return dialect.Question }

// Connector turns the URL into the driver's own address; connect arguments override
// the URL's query.
func (myDialect) Connector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	port := u.Port
	if port == 0 {
		port = 3306
	}
	c := &myConnector{addr: u.Host + ":" + strconv.Itoa(port), user: u.Username, password: u.Password, db: u.Database}
	c.charset, _ = u.QueryValue("charset")
	if v, ok := connectArgs["charset"].(string); ok {
		c.charset = v
	}
	if c.charset == "" {
		c.charset = "utf8mb4"
	}
	return c, nil
}

func (myDialect) IsDisconnect(err error) bool           { return errors.Is(err, driver.ErrBadConn) }
func (myDialect) IsSerializationFailure(err error) bool { return false }
func (myDialect) IsUniqueViolation(err error) bool      { return false }
func (myDialect) ErrorCode(err error) string            { return "" }

func (d myDialect) SavepointSQL(name string) (create, release, rollbackTo string) {
	q := d.QuoteIdentifier(name)
	return "SAVEPOINT " + q, "RELEASE SAVEPOINT " + q, "ROLLBACK TO SAVEPOINT " + q
}

func (myDialect) ServerVersion(ctx context.Context, q dialect.Queryer) (dialect.Version, error) {
	var raw string
	if err := q.QueryRowContext(ctx, "SELECT VERSION()").Scan(&raw); err != nil {
		return dialect.Version{}, err
	}
	return dialect.ParseVersion(raw)
}

// myConnector and myConn stand for the third party's driver: this one connects to
// nothing, it only says where it would.
type myConnector struct{ addr, user, password, db, charset string }

func (c *myConnector) Connect(context.Context) (driver.Conn, error) {
	fmt.Printf("connect to %s as %s, database %s, charset %s\n", c.addr, c.user, c.db, c.charset)
	return myConn{}, nil
}
func (c *myConnector) Driver() driver.Driver { return myDriver{c} }

type myDriver struct{ c *myConnector }

func (d myDriver) Open(string) (driver.Conn, error) { return d.c.Connect(context.Background()) }

type myConn struct{}

func (myConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("mydriver: no statements") }
func (myConn) Close() error                        { return nil }
func (myConn) Begin() (driver.Tx, error)           { return nil, errors.New("mydriver: no transactions") }
func (myConn) Ping(context.Context) error          { return nil }

func Example_registerThirdParty() {
	d, err := dialect.Lookup("mysql+mydriver")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name(), d.Driver(), d.Paramstyle())

	u, err := dialect.ParseURL("mysql+mydriver://scott:tiger@db.example.com/shop?charset=latin1")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err = dialect.ForURL(u)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u, "->", d.Name()+"+"+d.Driver())
	fmt.Println(d.QuoteIdentifier("order"), d.QuoteIdentifier("total"))

	connector, err := d.Connector(u, map[string]any{"charset": "utf8mb4"})
	if err != nil {
		fmt.Println(err)
		return
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	if err := db.Ping(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ping ok")

	_, err = dialect.Lookup("mysql+otherdriver")
	fmt.Println(errors.Is(err, dialect.ErrUnknownDialect))
	// Output:
	// mysql mydriver qmark
	// mysql+mydriver://scott:***@db.example.com/shop?charset=latin1 -> mysql+mydriver
	// `order` total
	// connect to db.example.com:3306 as scott, database shop, charset utf8mb4
	// ping ok
	// true
}
