package pool

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// SQLAlchemy's defaults, but for LIFO with MaxIdleTime instead of FIFO, and
// the connect back-off.
func TestDefaultConfigIsSQLAlchemys(t *testing.T) {
	c := DefaultConfig()
	if c.Size != 5 || c.MaxOverflow != 10 || c.Timeout != 30*time.Second || c.ResetOnReturn != ResetRollback ||
		c.Recycle != 0 || c.PrePing || !c.LIFO || c.MaxIdleTime != 5*time.Minute ||
		c.ConnectBackoff != 50*time.Millisecond || c.ConnectBackoffMax != 500*time.Millisecond {
		t.Fatalf("DefaultConfig() = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
}

func TestValidateRejectsBadInput(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(*Config)
		option string
	}{
		{"zero size", func(c *Config) { c.Size = 0 }, "Size"},
		{"negative size", func(c *Config) { c.Size = -1 }, "Size"},
		{"absurd size", func(c *Config) { c.Size = MaxSize + 1 }, "Size"},
		{"overflow below -1", func(c *Config) { c.MaxOverflow = -2 }, "MaxOverflow"},
		{"absurd overflow", func(c *Config) { c.MaxOverflow = 1 << 30 }, "MaxOverflow"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
		{"absurd timeout", func(c *Config) { c.Timeout = 1000 * time.Hour }, "Timeout"},
		{"negative recycle", func(c *Config) { c.Recycle = -1 }, "Recycle"},
		{"negative jitter", func(c *Config) { c.Recycle, c.RecycleJitter = time.Hour, -1 }, "RecycleJitter"},
		{"jitter without recycle", func(c *Config) { c.RecycleJitter = time.Second }, "RecycleJitter"},
		{"jitter not below recycle", func(c *Config) { c.Recycle, c.RecycleJitter = time.Second, time.Second }, "RecycleJitter"},
		{"negative pre-ping idle", func(c *Config) { c.PrePing, c.PrePingIdle = true, -1 }, "PrePingIdle"},
		{"pre-ping idle without pre-ping", func(c *Config) { c.PrePingIdle = time.Second }, "PrePingIdle"},
		{"negative max idle time", func(c *Config) { c.MaxIdleTime = -1 }, "MaxIdleTime"},
		{"max idle time too short", func(c *Config) { c.MaxIdleTime = time.Millisecond }, "MaxIdleTime"},
		{"negative ping timeout", func(c *Config) { c.PingTimeout = -1 }, "PingTimeout"},
		{"unknown reset mode", func(c *Config) { c.ResetOnReturn = 7 }, "ResetOnReturn"},
		{"negative reset mode", func(c *Config) { c.ResetOnReturn = -1 }, "ResetOnReturn"},
		{"negative connect backoff", func(c *Config) { c.ConnectBackoff = -1 }, "ConnectBackoff"},
		{"negative connect backoff max", func(c *Config) { c.ConnectBackoff, c.ConnectBackoffMax = 0, -1 }, "ConnectBackoffMax"},
		{"connect backoff max below backoff", func(c *Config) { c.ConnectBackoff, c.ConnectBackoffMax = time.Second, time.Millisecond }, "ConnectBackoffMax"},
		{"connect backoff max not set", func(c *Config) { c.ConnectBackoffMax = 0 }, "ConnectBackoffMax"},
		{"absurd connect backoff max", func(c *Config) { c.ConnectBackoffMax = 1000 * time.Hour }, "ConnectBackoffMax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mod(&cfg)
			err := cfg.Validate()
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Option != tt.option {
				t.Fatalf("Validate() = %v, want a ConfigError naming %s", err, tt.option)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v does not wrap ErrInvalidConfig", err)
			}
			if !strings.HasPrefix(err.Error(), "alchemy: pool: invalid "+tt.option+" ") {
				t.Fatalf("message %q does not name the option", err)
			}
			if _, err := NewQueuePool((&fakeDB{}).create, cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("NewQueuePool accepted it: %v", err)
			}
		})
	}
}

func TestZeroConfigIsAnErrorNotAPanic(t *testing.T) {
	p, err := NewQueuePool((&fakeDB{}).create, Config{})
	var ce *ConfigError
	if p != nil || !errors.As(err, &ce) || ce.Option != "Size" {
		t.Fatalf("NewQueuePool(zero Config) = %v, %v", p, err)
	}
}

func TestNilCreatorRejected(t *testing.T) {
	if _, err := NewQueuePool[*fakeConn](nil, DefaultConfig()); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("got %v", err)
	}
	if _, err := NewNullPool[*fakeConn](nil, DefaultConfig()); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("got %v", err)
	}
}

func TestOtherPoolsIgnoreSizeButCheckTheRest(t *testing.T) {
	db := &fakeDB{}
	for name, mk := range map[string]func(Creator[*fakeConn], Config) (Pool[*fakeConn], error){
		"null":      func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewNullPool(c, cfg) },
		"static":    func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewStaticPool(c, cfg) },
		"assertion": func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewAssertionPool(c, cfg) },
	} {
		p, err := mk(db.create, Config{})
		if err != nil {
			t.Fatalf("%s with zero Config: %v", name, err)
		}
		c, err := p.Get(context.Background())
		if err != nil {
			t.Fatalf("%s Get: %v", name, err)
		}
		_ = p.Put(c)
		_ = p.Dispose()
		if _, err := mk(db.create, Config{Timeout: -1}); !errors.Is(err, ErrInvalidConfig) {
			t.Fatalf("%s accepted a negative Timeout: %v", name, err)
		}
	}
}

func TestResetModeString(t *testing.T) {
	for m, want := range map[ResetMode]string{ResetRollback: "rollback", ResetCommit: "commit", ResetNone: "none", 9: "ResetMode(9)"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(m), got, want)
		}
	}
}

func TestConnectBackoffOffNeedsNoMax(t *testing.T) {
	c := DefaultConfig()
	c.ConnectBackoff, c.ConnectBackoffMax = 0, 0
	if err := c.Validate(); err != nil {
		t.Fatalf("back-off off: %v", err)
	}
}
