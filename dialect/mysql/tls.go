package mysql

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
	gomysql "github.com/go-sql-driver/mysql"
)

// sslMode is MySQL's --ssl-mode, as mysqlclient and MySQL Connector/Python take it.
type sslMode int

const (
	sslUnset sslMode = iota
	sslDisabled
	sslPreferred
	sslRequired
	sslVerifyCA
	sslVerifyIdentity
)

var sslModes = map[string]sslMode{
	"disabled":        sslDisabled,
	"preferred":       sslPreferred,
	"required":        sslRequired,
	"verify_ca":       sslVerifyCA,
	"verify_identity": sslVerifyIdentity,
}

// tlsSettings gathers the tls option (the Go driver's) and the ssl_* options (the
// Python drivers'), which are two ways to say the same thing: a URL may use one.
type tlsSettings struct {
	tlsKey  string // the key that set tls, or ""
	tlsName string
	tlsCfg  *tls.Config

	sslKeys       []string // the ssl_* keys given, for messages
	on            *bool    // ssl
	mode          sslMode  // ssl_mode
	modeKey       string
	disabled      *bool // ssl_disabled
	checkHostname *bool // ssl_check_hostname, ssl_verify_identity
	verifyCert    *bool // ssl_verify_cert
	ca, cert, key string
}

func (t *tlsSettings) setTLS(s dialect.Setting) error {
	name, cfg, err := tlsValue(s)
	if err != nil {
		return err
	}
	if cfg == nil && !isBuiltinTLSName(name) {
		probe := gomysql.NewConfig()
		probe.TLSConfig = name
		if _, err := gomysql.NewConnector(probe); err != nil {
			return s.Errorf("want true, false, skip-verify, preferred or a name registered with mysql.RegisterTLSConfig; nothing is registered as %s", s.Shown())
		}
	}
	t.tlsKey, t.tlsName, t.tlsCfg = s.Key, name, cfg
	return nil
}

func isBuiltinTLSName(name string) bool {
	switch name {
	case "true", "false", "skip-verify", "preferred":
		return true
	}
	return false
}

func (t *tlsSettings) setSSL(s dialect.Setting) error {
	return t.setFlag(s, &t.on)
}

func (t *tlsSettings) setMode(s dialect.Setting) error {
	v, err := s.Text()
	if err != nil {
		return err
	}
	m, ok := sslModes[strings.ToLower(v)]
	if !ok {
		return s.Errorf("want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY, not %s", s.Shown())
	}
	t.sslKeys = append(t.sslKeys, s.Key)
	t.mode, t.modeKey = m, s.Key
	return nil
}

func (t *tlsSettings) setFlag(s dialect.Setting, dst **bool) error {
	v, err := s.Bool()
	if err != nil {
		return err
	}
	t.sslKeys = append(t.sslKeys, s.Key)
	*dst = &v
	return nil
}

func (t *tlsSettings) setFile(s dialect.Setting, dst *string) error {
	v, err := s.Text()
	if err == nil && v == "" {
		err = s.Errorf("is empty; give a file's path")
	}
	if err != nil {
		return err
	}
	t.sslKeys = append(t.sslKeys, s.Key)
	*dst = v
	return nil
}

// resolveMode turns the ssl_* options into one mode: ssl_mode when given; otherwise
// full verification (the chain against ssl_ca or the system's roots, and the host
// name) whenever TLS is asked for, lowered by ssl_check_hostname=false (VERIFY_CA)
// or ssl_verify_cert=false (REQUIRED).
func (t *tlsSettings) resolveMode() (sslMode, error) {
	if t.mode != sslUnset {
		if t.checkHostname != nil || t.verifyCert != nil {
			return 0, fmt.Errorf("alchemy: mysql: option %q and ssl_check_hostname/ssl_verify_cert both choose what to verify; give one", t.modeKey)
		}
		if (t.disabled != nil && *t.disabled || t.on != nil && !*t.on) && t.mode != sslDisabled {
			return 0, fmt.Errorf("alchemy: mysql: option %q asks for TLS and ssl/ssl_disabled turns it off; give one", t.modeKey)
		}
		return t.mode, nil
	}
	if t.disabled != nil && *t.disabled || t.on != nil && !*t.on {
		return sslDisabled, nil
	}
	verifyCert := t.verifyCert == nil || *t.verifyCert
	checkHost := t.checkHostname == nil || *t.checkHostname
	switch {
	case !verifyCert && t.checkHostname != nil && *t.checkHostname:
		return 0, errors.New("alchemy: mysql: options ssl_verify_cert=false and ssl_check_hostname=true contradict: a host name cannot be checked on an unverified certificate")
	case !verifyCert:
		return sslRequired, nil
	case !checkHost:
		return sslVerifyCA, nil
	}
	return sslVerifyIdentity, nil
}

// apply writes the TLS choice into cfg. host is the server's host name, for
// verification.
func (t *tlsSettings) apply(cfg *gomysql.Config, host string) error {
	if t.tlsKey != "" {
		if len(t.sslKeys) > 0 {
			return fmt.Errorf("alchemy: mysql: options %q and %q both configure TLS; give one", t.tlsKey, t.sslKeys[0])
		}
		if t.tlsCfg != nil {
			cfg.TLS = t.tlsCfg
		} else {
			cfg.TLSConfig = t.tlsName
		}
		return nil
	}
	if len(t.sslKeys) == 0 && t.on == nil {
		return nil
	}
	mode, err := t.resolveMode()
	if err != nil {
		return err
	}
	if mode == sslDisabled {
		cfg.TLSConfig = "false"
		return nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.cert != "" || t.key != "" {
		if t.cert == "" {
			return errors.New("alchemy: mysql: option \"ssl_key\" needs \"ssl_cert\"")
		}
		keyFile := t.key
		if keyFile == "" {
			keyFile = t.cert // a PEM file may hold both
		}
		pair, err := tls.LoadX509KeyPair(t.cert, keyFile)
		if err != nil {
			return fmt.Errorf("alchemy: mysql: options \"ssl_cert\" and \"ssl_key\": %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	if t.ca != "" {
		pem, err := os.ReadFile(t.ca)
		if err != nil {
			return fmt.Errorf("alchemy: mysql: option \"ssl_ca\": %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("alchemy: mysql: option \"ssl_ca\": no PEM certificate in %q", t.ca)
		}
		tc.RootCAs = pool
	}
	switch mode {
	case sslPreferred, sslRequired:
		tc.InsecureSkipVerify = true
		cfg.AllowFallbackToPlaintext = mode == sslPreferred
	case sslVerifyCA:
		tc.InsecureSkipVerify = true
		tc.VerifyPeerCertificate = verifyChain(tc.RootCAs)
	case sslVerifyIdentity:
		tc.ServerName = host
	}
	cfg.TLS = tc
	return nil
}

// verifyChain checks the server's certificate chain against roots (the system's
// when nil) without checking its host name: MySQL's VERIFY_CA.
func verifyChain(roots *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("alchemy: mysql: the server sent no certificate")
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return fmt.Errorf("alchemy: mysql: server certificate: %w", err)
			}
			certs[i] = c
		}
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
		return err
	}
}
