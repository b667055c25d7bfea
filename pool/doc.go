// Package pool pools connections the way SQLAlchemy's pool does, and knows
// nothing of SQL: it pools anything with Close, Ping and Reset, made by a
// Creator function, as SQLAlchemy's pool takes a creator.
//
// A pool is generic over the type of connection it holds: Pool[C], with
// Creator[C] making a C and Get handing out a *Conn[C] whose Connection method
// returns that C, so no caller converts an interface back to its own type.
// Listeners are not generic: their events get the connection's *Record,
// whatever C is.
//
// Four kinds are offered, each a Pool[C]:
//
//   - QueuePool, the default: Size idle connections kept, MaxOverflow more
//     opened under load, checkouts waiting first in first out at most Timeout,
//     with recycle, pre-ping, idle retirement (MaxIdleTime) and reset on
//     return. The idle order (Config.LIFO) picks one of two implementations
//     once, when the pool is made: no checkout or checkin branches on it.
//
// The idle order departs from SQLAlchemy's default. SQLAlchemy reuses idle
// connections first in first out (use_lifo=False) so that every connection is
// used in turn and none idles long enough for a server, proxy or firewall to
// drop it. Under light load that cycles through every connection, each one
// cold, and costs a third or more of the throughput (measured on PostgreSQL
// and MariaDB: BENCHMARKS.md). DefaultConfig therefore reuses the most
// recently returned connection (LIFO, SQLAlchemy's use_lifo=True) and gives
// FIFO's job to MaxIdleTime (5 minutes by default): a connection idle longer
// is closed, by the checkout that would get it (which makes a new one
// instead) or by the pool's idle sweep, and is never handed out. Waiting
// checkouts are still served first in first out, and a checkin hands its
// connection straight to the oldest of them. Config.LIFO false gives
// SQLAlchemy's FIFO order.
//   - NullPool: a new connection per checkout, closed at checkin.
//   - StaticPool: one connection shared by every checkout (SQLite memory).
//   - AssertionPool: at most one connection checked out at a time.
//
// A checked-out connection is a *Conn[C]; give it back with Put. Invalidate a
// connection that broke (Conn.Invalidate), or the whole pool after a
// disconnect (Pool.InvalidateAll: every connection made before is discarded,
// idle ones at once, checked-out ones at checkin). Listeners receive
// SQLAlchemy's pool events. Status reports the numbers a metrics exporter
// reads, without taking the pool's lock.
//
// A *Conn that is garbage-collected while checked out is reported with a slog
// warning (with the checkout's stack when Config.TrackCheckouts is on); its raw
// connection is closed, never reused, and its slot freed.
//
// A connection counts against Size+MaxOverflow until its raw Close has
// returned, so the pool never has more raw connections than that, even while
// slow closes run.
//
// When connects fail (the database is down), the pool backs off: for a
// while, growing from Config.ConnectBackoff to Config.ConnectBackoffMax, a
// checkout that needs a new connection fails at once with an error wrapping
// ErrConnectBackoff and the driver's last error, instead of dialling again;
// then one checkout tries, and a success ends the back-off. Checkouts served
// by an idle connection are not affected.
//
// Errors start with "alchemy: pool:" and are checked with errors.Is against
// ErrTimeout, ErrClosed, ErrDisconnect, ErrNotCheckedOut, ErrAssertion,
// ErrConnectBackoff and ErrInvalidConfig.
package pool
