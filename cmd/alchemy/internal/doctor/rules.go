package doctor

import (
	"fmt"
	"strings"
	"time"
)

// margin is how far below an idle limit pool_recycle should stay: timers on
// both sides are not exact, and a checkout takes time.
const margin = 0.9

// longIdle is the idle limit from which an unprotected pool gets a warning
// rather than an error: connections then die only after nights or weekends.
const longIdle = time.Hour

// suggestRecycle is a pool_recycle safely below the idle limit t (t less 10%),
// rounded to what a person would write.
func suggestRecycle(t time.Duration) time.Duration {
	d := time.Duration(float64(t) * margin)
	switch {
	case d >= time.Hour:
		return d.Truncate(time.Minute)
	case d >= time.Minute:
		return d.Truncate(time.Second)
	case d >= time.Second:
		return d.Truncate(100 * time.Millisecond)
	}
	return d.Truncate(10 * time.Millisecond)
}

// idleRule is the rule for anything that ends connections left idle for t
// (a server's idle timeout, PgBouncer's client_idle_timeout, a middlebox the
// probe found): a pool that neither recycles its connections sooner nor pings
// them at checkout hands out dead connections. kill says who ends them after
// how long ("the server (idle_session_timeout) ends connections idle for 5s"),
// ev is the evidence of the limit.
func idleRule(fs *findings, check, kill string, t time.Duration, pool poolSettings, ev ...Evidence) {
	ev = append(ev, pool.evidence("pool_recycle"), pool.evidence("pool_max_idle_time"), pool.evidence("pool_pre_ping"))
	safe := suggestRecycle(t)
	fix := fmt.Sprintf("set pool_max_idle_time below %s, e.g. %s (alchemy.PoolMaxIdleTime; --pool-max-idle-time %s, or max_idle_time = %q under [pool] in alchemy.toml) and, for busy connections, pool_recycle (--pool-recycle, recycle), or turn on pool_pre_ping (--pre-ping, pre_ping = true)",
		human(t), human(safe), human(safe), human(safe))
	switch {
	case pool.PrePing:
		fs.add(SevInfo, check, kill+"; pool_pre_ping finds them dead at checkout and replaces them (one round trip per checkout)", "", ev...)
	case pool.Recycle > 0 && pool.Recycle <= time.Duration(float64(t)*margin):
		fs.add(SevInfo, check, fmt.Sprintf("%s; pool_recycle %s replaces connections before that", kill, human(pool.Recycle)), "", ev...)
	case pool.MaxIdleTime > 0 && pool.MaxIdleTime <= time.Duration(float64(t)*margin):
		fs.add(SevInfo, check, fmt.Sprintf("%s; the pool closes connections idle for %s (pool_max_idle_time) before that", kill, human(pool.MaxIdleTime)), "", ev...)
	case pool.Recycle > 0 && pool.Recycle < t:
		fs.add(SevWarning, check, fmt.Sprintf("%s, and pool_recycle %s leaves less than 10%% of margin: a connection idle for nearly %s may be killed as it is checked out", kill, human(pool.Recycle), human(t)), fix, ev...)
	default:
		sev := SevError
		if t >= longIdle {
			sev = SevWarning
		}
		why := "the pool never recycles its connections"
		if pool.Recycle > 0 {
			why = fmt.Sprintf("the pool recycles connections only after %s", human(pool.Recycle))
		}
		if pool.MaxIdleTime > 0 {
			why += fmt.Sprintf(", closes idle ones only after %s (pool_max_idle_time)", human(pool.MaxIdleTime))
		}
		fs.add(sev, check, fmt.Sprintf("%s; %s and does not pre-ping them, so a pooled connection left idle longer than %s fails at its next checkout", kill, why, human(t)), fix, ev...)
	}
}

// capacityRule compares the application's demand for connections with a limit
// (the server's free slots, a role's or a database's connection limit).
// Exceeding it is an error: the last connections are refused with "too many
// connections" (53300, 1040, 1203) just when the load is highest.
func capacityRule(fs *findings, check, limitName string, limit int, pool poolSettings, ev ...Evidence) {
	ev = append(ev, pool.evidence("pool_size"), pool.evidence("max_overflow"), pool.evidence("processes"))
	demand := pool.demand()
	switch {
	case demand < 0:
		fs.add(SevWarning, check, fmt.Sprintf("max_overflow -1 sets no limit on the pool, and %s is %d: under load the pools open connections until the server refuses them", limitName, limit),
			fmt.Sprintf("give max_overflow a limit so that (pool_size + max_overflow) × processes stays within %d", limit), ev...)
	case demand > limit:
		fs.add(SevError, check, fmt.Sprintf("the pools may open %s connections, more than %s allows (%d): under load the last ones are refused with \"too many connections\"", pool.describe(), limitName, limit),
			fmt.Sprintf("make (pool_size + max_overflow) × processes at most %d: fewer processes, a smaller pool_size or max_overflow, or put PgBouncer in front (or raise the limit)", limit), ev...)
	default:
		fs.add(SevInfo, check, fmt.Sprintf("the pools may open %s connections, within %s (%d)", pool.describe(), limitName, limit), "", ev...)
	}
}

// ms formats a count of milliseconds as a duration.
func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// human spells a duration as a person would: 2h, 7h12m, 1m30s, 4.5s.
func human(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
