package mysql_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mysql"
	gomysql "github.com/go-sql-driver/mysql"
)

const secret = "s3cr3t-PW"

func config(t *testing.T, raw string, args map[string]any) *gomysql.Config {
	t.Helper()
	cfg, err := mysql.Config(dialect.MustParseURL(raw), args)
	if err != nil {
		t.Fatalf("Config(%q): %v", raw, err)
	}
	return cfg
}

// charsetOf reads the unexported charset back through the driver's own DSN rendering.
func charsetOf(cfg *gomysql.Config) string {
	dsn := cfg.FormatDSN()
	_, q, _ := strings.Cut(dsn, "?")
	for kv := range strings.SplitSeq(q, "&") {
		if v, ok := strings.CutPrefix(kv, "charset="); ok {
			return v
		}
	}
	return ""
}

func TestConfigFromURL(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatalf("time zone database (embedded by time/tzdata): %v", err)
	}
	tests := []struct {
		name  string
		url   string
		check func(t *testing.T, c *gomysql.Config)
	}{
		{"full URL", "mysql://scott:" + secret + "@db.example.com:3307/shop", func(t *testing.T, c *gomysql.Config) {
			eq(t, "User", c.User, "scott")
			eq(t, "Passwd", c.Passwd, secret)
			eq(t, "Net", c.Net, "tcp")
			eq(t, "Addr", c.Addr, "db.example.com:3307")
			eq(t, "DBName", c.DBName, "shop")
		}},
		{"defaults", "mysql://", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Addr", c.Addr, "localhost:3306")
			eq(t, "ParseTime", c.ParseTime, true)
			eq(t, "ClientFoundRows", c.ClientFoundRows, true)
			eq(t, "AllowNativePasswords", c.AllowNativePasswords, true)
			eq(t, "CheckConnLiveness", c.CheckConnLiveness, true)
			eq(t, "MultiStatements", c.MultiStatements, false)
			eq(t, "InterpolateParams", c.InterpolateParams, false)
			eq(t, "Timeout", c.Timeout, mysql.DefaultConnectTimeout)
			eq(t, "ReadTimeout", c.ReadTimeout, time.Duration(0))
			eq(t, "Loc", c.Loc, time.UTC)
			eq(t, "charset", charsetOf(c), "utf8mb4")
			eq(t, "TLS", c.TLS == nil && c.TLSConfig == "", true)
			eq(t, "Params", len(c.Params), 0)
		}},
		{"IPv6 host", "mysql+pymysql://u:p@[::1]/db", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Addr", c.Addr, "[::1]:3306")
		}},
		{"escaped password", "mysql://u:p%40ss%2Fw%3Ard@h/db", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Passwd", c.Passwd, "p@ss/w:rd")
		}},
		{"pymysql unix socket", "mysql+pymysql://u@/db?unix_socket=/var/run/mysqld/mysqld.sock", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Net", c.Net, "unix")
			eq(t, "Addr", c.Addr, "/var/run/mysqld/mysqld.sock")
		}},
		{"mysqldb charset and use_unicode", "mysql+mysqldb://u:p@h/db?charset=utf8&use_unicode=1", func(t *testing.T, c *gomysql.Config) {
			eq(t, "charset", charsetOf(c), "utf8")
		}},
		{"collation", "mariadb+mariadbconnector://u:p@h:3306/db?collation=utf8mb4_bin", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Collation", c.Collation, "utf8mb4_bin")
		}},
		{"pymysql timeouts in seconds", "mysql+pymysql://h/db?connect_timeout=2.5&read_timeout=30&write_timeout=7", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Timeout", c.Timeout, 2500*time.Millisecond)
			eq(t, "ReadTimeout", c.ReadTimeout, 30*time.Second)
			eq(t, "WriteTimeout", c.WriteTimeout, 7*time.Second)
		}},
		{"Go driver names and durations", "mysql://h/db?timeout=1m&readTimeout=1m30s&writeTimeout=250ms", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Timeout", c.Timeout, time.Minute)
			eq(t, "ReadTimeout", c.ReadTimeout, 90*time.Second)
			eq(t, "WriteTimeout", c.WriteTimeout, 250*time.Millisecond)
		}},
		{"parseTime off, any case", "mysql://h/db?PARSETIME=false", func(t *testing.T, c *gomysql.Config) {
			eq(t, "ParseTime", c.ParseTime, false)
		}},
		{"loc", "mysql://h/db?loc=Europe%2FParis", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Loc", c.Loc.String(), paris.String())
		}},
		{"tls skip-verify", "mysql://h/db?tls=skip-verify", func(t *testing.T, c *gomysql.Config) {
			eq(t, "TLSConfig", c.TLSConfig, "skip-verify")
		}},
		{"tls as 1", "mysql://h/db?tls=1", func(t *testing.T, c *gomysql.Config) {
			eq(t, "TLSConfig", c.TLSConfig, "true")
		}},
		{"ssl_mode REQUIRED", "mysql+mysqldb://h/db?ssl_mode=REQUIRED", func(t *testing.T, c *gomysql.Config) {
			eq(t, "TLS set", c.TLS != nil, true)
			eq(t, "InsecureSkipVerify", c.TLS.InsecureSkipVerify, true)
			eq(t, "AllowFallbackToPlaintext", c.AllowFallbackToPlaintext, false)
		}},
		{"ssl_mode PREFERRED", "mysql+mysqldb://h/db?ssl_mode=preferred", func(t *testing.T, c *gomysql.Config) {
			eq(t, "AllowFallbackToPlaintext", c.AllowFallbackToPlaintext, true)
		}},
		{"ssl=true verifies fully", "mariadb+mariadbconnector://db.example.com/db?ssl=true", func(t *testing.T, c *gomysql.Config) {
			eq(t, "InsecureSkipVerify", c.TLS.InsecureSkipVerify, false)
			eq(t, "ServerName", c.TLS.ServerName, "db.example.com")
		}},
		{"ssl_disabled", "mysql+mysqlconnector://h/db?ssl_disabled=true", func(t *testing.T, c *gomysql.Config) {
			eq(t, "TLSConfig", c.TLSConfig, "false")
			eq(t, "TLS", c.TLS == nil, true)
		}},
		{"flags", "mysql://h/db?interpolateParams=true&multiStatements=1&allowNativePasswords=false&local_infile=1&clientFoundRows=no&checkConnLiveness=off&allowCleartextPasswords=yes&rejectReadOnly=true&columnsWithAlias=true&maxAllowedPacket=0", func(t *testing.T, c *gomysql.Config) {
			eq(t, "InterpolateParams", c.InterpolateParams, true)
			eq(t, "MultiStatements", c.MultiStatements, true)
			eq(t, "AllowNativePasswords", c.AllowNativePasswords, false)
			eq(t, "AllowAllFiles", c.AllowAllFiles, true)
			eq(t, "ClientFoundRows", c.ClientFoundRows, false)
			eq(t, "CheckConnLiveness", c.CheckConnLiveness, false)
			eq(t, "AllowCleartextPasswords", c.AllowCleartextPasswords, true)
			eq(t, "RejectReadOnly", c.RejectReadOnly, true)
			eq(t, "ColumnsWithAlias", c.ColumnsWithAlias, true)
			eq(t, "MaxAllowedPacket", c.MaxAllowedPacket, 0)
		}},
		{"program_name and attributes", "mysql+pymysql://h/db?program_name=billing&connectionAttributes=team:core", func(t *testing.T, c *gomysql.Config) {
			eq(t, "ConnectionAttributes", c.ConnectionAttributes, "team:core,program_name:billing")
		}},
		{"python-only flags accepted", "mysql+pymysql://h/db?autocommit=true&binary_prefix=true&use_unicode=true", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Params", len(c.Params), 0)
		}},
		{"system variables", "mysql+pymysql://h/db?sql_mode=TRADITIONAL&wait_timeout=600&time_zone=%2B00:00&tx_isolation_name=%27READ-COMMITTED%27&innodb_lock_wait_timeout=-1&note=it%27s", func(t *testing.T, c *gomysql.Config) {
			eq(t, "sql_mode", c.Params["sql_mode"], "TRADITIONAL")
			eq(t, "wait_timeout", c.Params["wait_timeout"], "600")
			eq(t, "time_zone", c.Params["time_zone"], "'+00:00'")
			eq(t, "already quoted", c.Params["tx_isolation_name"], "'READ-COMMITTED'")
			eq(t, "negative number", c.Params["innodb_lock_wait_timeout"], "-1")
			eq(t, "quote doubled", c.Params["note"], "'it''s'")
		}},
		{"repeated key: last wins", "mysql://h/db?charset=latin1&charset=utf8mb4", func(t *testing.T, c *gomysql.Config) {
			eq(t, "charset", charsetOf(c), "utf8mb4")
		}},
		{"host and port in the query", "mysql://h/db?host=other&port=3310&user=bob&database=d2", func(t *testing.T, c *gomysql.Config) {
			eq(t, "Addr", c.Addr, "other:3310")
			eq(t, "User", c.User, "bob")
			eq(t, "DBName", c.DBName, "d2")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, config(t, tt.url, nil))
		})
	}
}

func TestConfigConnectArgs(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	tc := &tls.Config{ServerName: "pinned.example.com"}
	cfg := config(t, "mysql://u:p@h/db?charset=latin1&read_timeout=1&parseTime=true", map[string]any{
		"charset":            "utf8mb4", // overrides the query
		"read_timeout":       5 * time.Second,
		"write_timeout":      3,
		"connect_timeout":    1.5,
		"loc":                loc,
		"tls":                tc,
		"parseTime":          false,
		"wait_timeout":       30,
		"foreign_key_checks": false,
		"host":               "other",
		"port":               3310,
		"password":           "from-args",
		"logger":             &gomysql.NopLogger{},
	})
	eq(t, "charset", charsetOf(cfg), "utf8mb4")
	eq(t, "ReadTimeout", cfg.ReadTimeout, 5*time.Second)
	eq(t, "WriteTimeout", cfg.WriteTimeout, 3*time.Second)
	eq(t, "Timeout", cfg.Timeout, 1500*time.Millisecond)
	eq(t, "Loc", cfg.Loc, loc)
	eq(t, "TLS", cfg.TLS, tc)
	eq(t, "ParseTime", cfg.ParseTime, false)
	eq(t, "wait_timeout", cfg.Params["wait_timeout"], "30")
	eq(t, "foreign_key_checks", cfg.Params["foreign_key_checks"], "OFF")
	eq(t, "Addr", cfg.Addr, "other:3310")
	eq(t, "Passwd", cfg.Passwd, "from-args")
	if _, ok := cfg.Logger.(*gomysql.NopLogger); !ok {
		t.Errorf("Logger = %T, want the one given", cfg.Logger)
	}

	if _, err := mysql.NewConnector(dialect.MustParseURL("mysql://u@h/db"), map[string]any{"tls": true}); err != nil {
		t.Fatalf("tls=true as a bool: %v", err)
	}
}

func TestConfigTLSFiles(t *testing.T) {
	dir := t.TempDir()
	caFile, certFile, keyFile := writeTestCert(t, dir)

	t.Run("ssl_ca verifies chain and host", func(t *testing.T) {
		c := config(t, "mysql+pymysql://u@db.internal/db?ssl_ca="+caFile, nil)
		if c.TLS == nil || c.TLS.RootCAs == nil {
			t.Fatal("ssl_ca did not give a root pool")
		}
		eq(t, "InsecureSkipVerify", c.TLS.InsecureSkipVerify, false)
		eq(t, "ServerName", c.TLS.ServerName, "db.internal")
	})
	t.Run("ssl_check_hostname=false is VERIFY_CA", func(t *testing.T) {
		c := config(t, "mysql+pymysql://u@h/db?ssl_ca="+caFile+"&ssl_check_hostname=false", nil)
		eq(t, "InsecureSkipVerify", c.TLS.InsecureSkipVerify, true)
		eq(t, "VerifyPeerCertificate set", c.TLS.VerifyPeerCertificate != nil, true)
		// The chain check accepts the CA's own certificate and refuses garbage.
		der := readDER(t, caFile)
		if err := c.TLS.VerifyPeerCertificate([][]byte{der}, nil); err != nil {
			t.Errorf("chain check refused the trusted certificate: %v", err)
		}
		if err := c.TLS.VerifyPeerCertificate([][]byte{[]byte("junk")}, nil); err == nil {
			t.Error("chain check accepted junk")
		}
	})
	t.Run("client certificate", func(t *testing.T) {
		c := config(t, "mysql+pymysql://u@h/db?ssl_cert="+certFile+"&ssl_key="+keyFile+"&ssl_verify_cert=false", nil)
		eq(t, "Certificates", len(c.TLS.Certificates), 1)
		eq(t, "InsecureSkipVerify", c.TLS.InsecureSkipVerify, true)
	})
	t.Run("VERIFY_CA by ssl_mode", func(t *testing.T) {
		c := config(t, "mysql+mysqldb://u@h/db?ssl_mode=VERIFY_CA&ssl_ca="+caFile, nil)
		eq(t, "VerifyPeerCertificate set", c.TLS.VerifyPeerCertificate != nil, true)
	})
}

func TestConfigBadOptions(t *testing.T) {
	dir := t.TempDir()
	caFile, _, _ := writeTestCert(t, dir)
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := "mysql+pymysql://scott:" + secret + "@h/db"
	tests := []struct {
		name  string
		query string
		args  map[string]any
		want  string // a part of the message: the option's name
	}{
		{"bad bool", "?parseTime=maybe", nil, `"parseTime"`},
		{"negative timeout", "?connect_timeout=-1", nil, `"connect_timeout"`},
		{"non-numeric timeout", "?read_timeout=soon", nil, `"read_timeout"`},
		{"unknown zone", "?loc=Mars%2FOlympus", nil, `"loc"`},
		{"unregistered tls name", "?tls=corp-ca", nil, `"tls"`},
		{"charset injection", "?charset=utf8%3BDROP", nil, `"charset"`},
		{"empty charset", "?charset=", nil, `"charset"`},
		{"collation injection", "?collation=a%20b", nil, `"collation"`},
		{"bad port", "?port=abc", nil, `"port"`},
		{"port out of range", "", map[string]any{"port": 70000}, `"port"`},
		{"two spellings", "?connect_timeout=1&timeout=2", nil, `"timeout"`},
		{"init_command", "?init_command=SET%20x%3D1", nil, `"init_command"`},
		{"client_flag", "?client_flag=2", nil, `"client_flag"`},
		{"ssl_capath", "?ssl_capath=/etc/ssl", nil, `"ssl_capath"`},
		{"read_default_file", "?read_default_file=~/.my.cnf", nil, `"read_default_file"`},
		{"autocommit off", "?autocommit=false", nil, `"autocommit"`},
		{"use_unicode off", "?use_unicode=0", nil, `"use_unicode"`},
		{"sysvar backslash", "?sql_mode=a%5Cb", nil, `"sql_mode"`},
		{"sysvar unpaired quote", "?sql_mode=%27a%27b%27", nil, `"sql_mode"`},
		{"sysvar newline", "?note=a%0Ab", nil, `"note"`},
		{"not an identifier", "?bad-key=1", nil, `"bad-key"`},
		{"sysvar of wrong type", "", map[string]any{"wait_timeout": time.Second}, `"wait_timeout"`},
		{"ssl_mode bogus", "?ssl_mode=sometimes", nil, `"ssl_mode"`},
		{"ssl_ca missing file", "?ssl_ca=/nonexistent/ca.pem", nil, "ssl_ca"},
		{"ssl_ca not PEM", "?ssl_ca=" + notPEM, nil, "ssl_ca"},
		{"ssl_key without cert", "?ssl_key=" + caFile, nil, "ssl_key"},
		{"tls and ssl_ca", "?tls=true&ssl_ca=" + caFile, nil, `"tls"`},
		{"verify contradiction", "?ssl_verify_cert=false&ssl_check_hostname=true", nil, "ssl_verify_cert"},
		{"ssl_mode with flags", "?ssl_mode=REQUIRED&ssl_check_hostname=false", nil, `"ssl_mode"`},
		{"ssl_mode with ssl_disabled", "?ssl_mode=REQUIRED&ssl_disabled=true", nil, `"ssl_mode"`},
		{"loc of wrong type", "", map[string]any{"loc": 5}, `"loc"`},
		{"bool of wrong type", "", map[string]any{"parseTime": "x"}, `"parseTime"`},
		{"nil tls config", "", map[string]any{"tls": (*tls.Config)(nil)}, `"tls"`},
		{"password of wrong type", "", map[string]any{"password": 12345}, `"password"`},
		{"negative packet", "?maxAllowedPacket=-5", nil, `"maxAllowedPacket"`},
		{"bad attributes", "?connectionAttributes=novalue", nil, `"connectionAttributes"`},
		{"program_name separator", "?program_name=a%3Ab", nil, `"program_name"`},
		{"unknown server pub key", "?serverPubKey=nokey", nil, `"serverPubKey"`},
		{"empty unix socket", "?unix_socket=", nil, `"unix_socket"`},
		{"logger from the URL", "?logger=stderr", nil, `"logger"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mysql.NewConnector(dialect.MustParseURL(base+tt.query), tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "alchemy: ") {
				t.Errorf("error %q does not start with \"alchemy: \"", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not name %s", msg, tt.want)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "12345") {
				t.Errorf("error %q reveals the password", msg)
			}
		})
	}
}

func TestNewConnectorDriverError(t *testing.T) {
	// The driver itself refuses interpolateParams with a collation it cannot escape.
	u := dialect.MustParseURL("mysql://scott:" + secret + "@h/db?charset=big5&collation=big5_chinese_ci&interpolateParams=true")
	_, err := mysql.NewConnector(u, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.HasPrefix(err.Error(), "alchemy: mysql: ") || strings.Contains(err.Error(), secret) {
		t.Errorf("error %q: want an alchemy prefix and no password", err)
	}
	if !strings.Contains(err.Error(), "interpolateParams") {
		t.Errorf("error %q does not say which option", err)
	}
}

func TestConnectorIsTheDriversConnector(t *testing.T) {
	c, err := mysql.MySQL.Connector(dialect.MustParseURL("mysql+pymysql://u:p@h/db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Driver().(*gomysql.MySQLDriver); !ok {
		t.Errorf("Driver() = %T, want *mysql.MySQLDriver", c.Driver())
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// writeTestCert writes a self-signed CA certificate and key, in PEM, to dir.
func writeTestCert(t *testing.T, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "alchemy test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(dir, "ca.pem")
	keyFile = filepath.Join(dir, "key.pem")
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(caFile, "CERTIFICATE", der)
	write(keyFile, "EC PRIVATE KEY", keyDER)
	return caFile, caFile, keyFile
}

func readDER(t *testing.T, pemFile string) []byte {
	t.Helper()
	b, err := os.ReadFile(pemFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	return block.Bytes
}
