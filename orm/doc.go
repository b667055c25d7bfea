// Package orm is alchemy's ORM layer, beginning with SQLAlchemy's Session
// model: a Sessionmaker bound to an engine makes Sessions, each running its
// statements in a transaction of its own.
//
// A Session is lazy: it checks a connection out of the engine's pool at its
// first statement, and begins its transaction there. Commit and Rollback end
// the transaction and give the connection back; the session goes on, and its
// next statement begins a new transaction. Close rolls back what is open. A
// Session is an alchemy.Executor and an expr.Executor, so Core statements,
// expr.CreateAll and reflection run in its transaction; Session.Conn gives its
// connection, Session.BeginNested a savepoint in it. Goroutines may share a
// Session: their statements run one at a time in its transaction.
//
// Two ways to bound a session:
//
//   - Sessionmaker.Scope runs a function with a new session, commits when it
//     returns nil, rolls back when it fails or panics, and closes the session
//     (SQLAlchemy's session_scope).
//   - Sessionmaker.Middleware gives each HTTP request a session through its
//     context (SessionFrom), committed when the handler's status is below 400,
//     before the response is written: the response is buffered, so that a
//     failed COMMIT becomes a 500 rather than following a 2xx already sent.
//
// Struct mapping, the identity map and the unit of work (flush in dependency
// order) come next; for now a Session runs the statements it is given.
package orm
