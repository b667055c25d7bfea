package mssql_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mssql"
	mssqldb "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"
)

const secret = "s3cr3t-PW"

// parsed builds the DSN for a URL and parses it back with go-mssqldb's own parser,
// so that the test sees what the driver will use.
func parsed(t *testing.T, raw string, args map[string]any) msdsn.Config {
	t.Helper()
	dsn, err := mssql.DSN(dialect.MustParseURL(raw), args)
	if err != nil {
		t.Fatalf("DSN(%q): %v", raw, err)
	}
	cfg, err := msdsn.Parse(dsn)
	if err != nil {
		t.Fatalf("msdsn.Parse(DSN(%q)): %v", raw, err)
	}
	return cfg
}

func TestDSNFromURL(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		args  map[string]any
		check func(t *testing.T, c msdsn.Config)
	}{
		{"full URL", "mssql://scott:" + secret + "@db.example.com:1444/shop", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "User", c.User, "scott")
			eq(t, "Password", c.Password, secret)
			eq(t, "Host", c.Host, "db.example.com")
			eq(t, "Port", c.Port, uint64(1444))
			eq(t, "Database", c.Database, "shop")
			eq(t, "Instance", c.Instance, "")
		}},
		{"defaults", "mssql://", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Host", c.Host, "localhost")
			eq(t, "Port", c.Port, uint64(0))
			eq(t, "User", c.User, "")
			eq(t, "AppName", c.AppName, "go-mssqldb")
			eq(t, "Encryption", c.Encryption, msdsn.Encryption(msdsn.EncryptionOff))
		}},
		{"password with every awkward character", "mssql://sa:p%40ss%3Aw%2Frd%25%3B%3F%23%20x@h/db", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Password", c.Password, "p@ss:w/rd%;?# x")
		}},
		{"database with spaces", "mssql://sa:pw@h/My%20Shop", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Database", c.Database, "My Shop")
		}},
		{"named instance in the host", `mssql+pyodbc://sa:pw@myhost\SQLEXPRESS/db`, nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Host", c.Host, "myhost")
			eq(t, "Instance", c.Instance, "SQLEXPRESS")
			eq(t, "Port", c.Port, uint64(0))
		}},
		{"escaped instance", "mssql+pymssql://sa:pw@myhost%5CSQLEXPRESS/db", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Host", c.Host, "myhost")
			eq(t, "Instance", c.Instance, "SQLEXPRESS")
		}},
		{"instance option", "mssql://sa:pw@myhost/db?instance=PROD", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Instance", c.Instance, "PROD")
		}},
		{"IPv6", "mssql://sa:pw@[::1]/db", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Host", c.Host, "::1")
			eq(t, "Port", c.Port, uint64(1433))
		}},
		{"pasted pyodbc URL", "mssql+pyodbc://scott:tiger@myhost:1433/test?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes&Encrypt=yes&MARS_Connection=yes", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Encryption", c.Encryption, msdsn.Encryption(msdsn.EncryptionRequired))
			eq(t, "TrustServerCertificate", c.TrustServerCertificate, true)
			eq(t, "Port", c.Port, uint64(1433))
			if _, ok := c.Parameters["driver"]; ok {
				t.Error("the ODBC driver name reached go-mssqldb")
			}
		}},
		{"pasted pyodbc URL, ODBC 17", "mssql+pyodbc://scott:tiger@dsn_host/db?driver=ODBC+Driver+17+for+SQL+Server&trusted_connection=no&autocommit=True", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Host", c.Host, "dsn_host")
		}},
		{"pymssql URL", "mssql+pymssql://scott:tiger@h:1433/db?charset=utf8&tds_version=7.4&login_timeout=15", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "ConnTimeout", c.ConnTimeout, 15*time.Second)
		}},
		{"encrypt strict", "mssql://h/db?encrypt=strict", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Encryption", c.Encryption, msdsn.Encryption(msdsn.EncryptionStrict))
		}},
		{"encrypt disable", "mssql://h/db?encrypt=DISABLE", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Encryption", c.Encryption, msdsn.Encryption(msdsn.EncryptionDisabled))
		}},
		{"encrypt with verification", "mssql://h/db?encrypt=true&trust_server_certificate=false&HostNameInCertificate=db.corp&tlsmin=1.2", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Encryption", c.Encryption, msdsn.Encryption(msdsn.EncryptionRequired))
			eq(t, "TrustServerCertificate", c.TrustServerCertificate, false)
			eq(t, "ServerName", c.TLSConfig.ServerName, "db.corp")
		}},
		{"app name spellings", "mssql://h/db?application_name=billing", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "AppName", c.AppName, "billing")
		}},
		{"ADO spelling", "mssql://h/db?Application%20Name=billing&Connect%20Timeout=20&Workstation%20ID=ws1", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "AppName", c.AppName, "billing")
			eq(t, "ConnTimeout", c.ConnTimeout, 20*time.Second)
			eq(t, "Workstation", c.Workstation, "ws1")
		}},
		{"timeouts", "mssql://h/db?connection_timeout=2.5&dial_timeout=1m&keepalive=0", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "ConnTimeout", c.ConnTimeout, 3*time.Second) // rounded up
			eq(t, "DialTimeout", c.DialTimeout, time.Minute)
			eq(t, "KeepAlive", c.KeepAlive, time.Duration(0))
		}},
		{"read-only routing", "mssql://h/db?ApplicationIntent=readonly&MultiSubnetFailover=no&failoverpartner=h2&failoverport=1500", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "ReadOnlyIntent", c.ReadOnlyIntent, true)
			eq(t, "MultiSubnetFailover", c.MultiSubnetFailover, false)
			eq(t, "FailOverPartner", c.FailOverPartner, "h2")
			eq(t, "FailOverPort", c.FailOverPort, uint64(1500))
		}},
		{"driver options", "mssql://h/db?packet_size=8192&disableRetry=true&log=3&guid_conversion=true&ServerSPN=MSSQLSvc/h:1433", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "PacketSize", c.PacketSize, uint16(8192))
			eq(t, "DisableRetry", c.DisableRetry, true)
			eq(t, "LogFlags", c.LogFlags, msdsn.Log(3))
			eq(t, "GuidConversion", c.Encoding.GuidConversion, true)
			eq(t, "ServerSPN", c.ServerSPN, "MSSQLSvc/h:1433")
		}},
		{"timezone", "mssql://h/db?timezone=Europe%2FParis", nil, func(t *testing.T, c msdsn.Config) {
			eq(t, "Timezone", c.Encoding.Timezone.String(), "Europe/Paris")
		}},
		{"connect arguments override and type", "mssql://sa:pw@h/db?app_name=fromurl&encrypt=false", map[string]any{
			"app name":               "fromargs",
			"encrypt":                true,
			"TrustServerCertificate": true,
			"connection timeout":     10 * time.Second,
			"dial timeout":           5,
			"packet size":            4096,
			"host":                   `other\INST`,
			"port":                   1500,
			"password":               "from-args",
			"database":               "d2",
		}, func(t *testing.T, c msdsn.Config) {
			eq(t, "AppName", c.AppName, "fromargs")
			eq(t, "Encryption", c.Encryption, msdsn.Encryption(msdsn.EncryptionRequired))
			eq(t, "TrustServerCertificate", c.TrustServerCertificate, true)
			eq(t, "ConnTimeout", c.ConnTimeout, 10*time.Second)
			eq(t, "DialTimeout", c.DialTimeout, 5*time.Second)
			eq(t, "PacketSize", c.PacketSize, uint16(4096))
			eq(t, "Host", c.Host, "other")
			eq(t, "Instance", c.Instance, "INST")
			eq(t, "Port", c.Port, uint64(1500))
			eq(t, "Password", c.Password, "from-args")
			eq(t, "Database", c.Database, "d2")
		}},
		{"timezone as a location", "mssql://h/db", map[string]any{"timezone": mustLoc(t, "Asia/Tokyo")}, func(t *testing.T, c msdsn.Config) {
			eq(t, "Timezone", c.Encoding.Timezone.String(), "Asia/Tokyo")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, parsed(t, tt.url, tt.args))
		})
	}
}

func TestDSNIsAURL(t *testing.T) {
	dsn, err := mssql.DSN(dialect.MustParseURL(`mssql+pyodbc://sa:pw@myhost\SQLEXPRESS:1444/db?app_name=x`), nil)
	if err != nil {
		t.Fatal(err)
	}
	const want = "sqlserver://sa:pw@myhost:1444/SQLEXPRESS?app+name=x&database=db"
	if dsn != want {
		t.Errorf("DSN = %q, want %q", dsn, want)
	}
}

func TestBadOptions(t *testing.T) {
	base := "mssql+pyodbc://scott:" + secret + "@h/db"
	tests := []struct {
		name  string
		query string
		args  map[string]any
		want  string
	}{
		{"unknown option", "?colour=blue", nil, `"colour"`},
		{"ambiguous timeout", "?timeout=30", nil, `"timeout"`},
		{"odbc_connect", "?odbc_connect=DRIVER%3D%7BODBC%7D", nil, `"odbc_connect"`},
		{"azure authentication", "?Authentication=ActiveDirectoryPassword", nil, `"Authentication"`},
		{"bad encrypt", "?encrypt=sometimes", nil, `"encrypt"`},
		{"bad trust", "?TrustServerCertificate=maybe", nil, `"TrustServerCertificate"`},
		{"negative timeout", "?connection_timeout=-5", nil, `"connection_timeout"`},
		{"bad timeout", "?dial_timeout=soon", nil, `"dial_timeout"`},
		{"packet too small", "?packet_size=100", nil, `"packet_size"`},
		{"bad intent", "?ApplicationIntent=ReadMostly", nil, `"ApplicationIntent"`},
		{"bad tlsmin", "?tlsmin=0.9", nil, `"tlsmin"`},
		{"bad port", "?failoverport=99999", nil, `"failoverport"`},
		{"unknown zone", "?timezone=Mars%2FOlympus", nil, `"timezone"`},
		{"two spellings", "?app_name=a&application_name=b", nil, `"app_name"`},
		{"autocommit off", "?autocommit=false", nil, `"autocommit"`},
		{"empty app name", "?app_name=", nil, `"app_name"`},
		{"negative log", "?log=-1", nil, `"log"`},
		{"wrong type", "", map[string]any{"encrypt": 3.5}, `"encrypt"`},
		{"port wrong type", "", map[string]any{"port": "x"}, `"port"`},
		{"password wrong type", "", map[string]any{"password": 12345}, `"password"`},
		{"fixed zone", "", map[string]any{"timezone": time.FixedZone("X", 3600)}, `"timezone"`},
		{"trusted connection with a user", "?Trusted_Connection=yes", nil, "trusted_connection"},
		{"IPv6 instance without port", "", map[string]any{"host": `::1\INST`}, "IPv6"},
		{"certificate file missing", "?encrypt=true&certificate=/nonexistent/ca.pem", nil, "certificate"},
		{"read-only without database", "", map[string]any{"ApplicationIntent": "ReadOnly", "database": ""}, "database"},
		{"unknown protocol", "?protocol=carrier_pigeon", nil, "carrier_pigeon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mssql.MSSQL.Connector(dialect.MustParseURL(base+tt.query), tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "alchemy: mssql: ") {
				t.Errorf("error %q does not start with \"alchemy: mssql: \"", msg)
			}
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(tt.want)) {
				t.Errorf("error %q does not name %s", msg, tt.want)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "12345") {
				t.Errorf("error %q reveals the password", msg)
			}
		})
	}
}

func TestConnectorIsTheDriversConnector(t *testing.T) {
	c, err := mssql.MSSQL.Connector(dialect.MustParseURL("mssql+pyodbc://sa:pw@h/db?driver=ODBC+Driver+18+for+SQL+Server"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(*mssqldb.Connector); !ok {
		t.Errorf("Connector is %T, want *mssql.Connector", c)
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone database (embedded by time/tzdata): %v", err)
	}
	return loc
}
