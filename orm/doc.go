// Package orm is alchemy's ORM: SQLAlchemy's Session, identity map and unit
// of work over Go structs.
//
// # Sessions
//
// A Sessionmaker bound to an engine makes Sessions, each running its
// statements in a transaction of its own. A Session is lazy: it checks a
// connection out of the engine's pool at its first statement, and begins its
// transaction there. Commit and Rollback end the transaction and give the
// connection back; the session goes on, and its next statement begins a new
// transaction. Close rolls back what is open. A Session is an
// alchemy.Executor and an expr.Executor, so Core statements, expr.CreateAll
// and reflection run in its transaction; Session.Conn gives its connection,
// Session.BeginNested a savepoint in it. Goroutines may share a Session: their
// calls run one at a time.
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
// Tables may be bound to engines of their own (BindTable, BindMapped: a
// vertical split); a session then holds a connection on each engine it uses.
//
// # Mapping
//
// Map registers a struct type onto an expr.Table in a Registry, given to the
// Sessionmaker with WithRegistry. Fields take the columns their db tags name,
// or their names in snake_case; FieldColumn maps one explicitly. The table
// needs a primary key (composite keys are fine). A field of type Many[T] or
// One[T] holds a relationship: one-to-many, many-to-one and one-to-one come
// from the tables' foreign keys, many-to-many from an association table
// (Secondary). Relationship configures one: Cascade, Via, PostUpdate.
// VersionField names a version counter for optimistic concurrency.
//
// # The identity map
//
// A session holds one object per row. Get returns the object it has for a
// primary key without a query; a query returning a row the session has
// returns that same object, with its values as the session has them (an
// expired object takes the row's values, but for fields changed since it was
// loaded). Commit expires every object (ExpireOnCommit), so that the next
// query or Get reads it again; Rollback sets every object's mapped fields back
// to what the database had when the transaction began.
//
// # Unit of work
//
// Add makes new objects pending, Delete marks persistent ones for deletion,
// and changes to loaded objects are found by comparing each mapped field with
// a snapshot taken when the row was loaded or last written. Flush (and Commit,
// and every query with Autoflush on, the default) writes them:
//
//   - INSERTs of new objects, many rows per statement, taking back generated
//     keys and defaults (RETURNING where the database has it); on PostgreSQL
//     a large group goes by COPY, its keys reserved from the sequence first. A
//     zero field whose column autoincrements or has a default is left to the
//     database.
//   - UPDATEs that set exactly the columns whose fields changed: a zero value
//     that changed is written, one that did not is not. With a version column
//     the UPDATE requires the version loaded and writes the next one; finding
//     no row fails the flush with ErrStaleData, writing nothing.
//   - DELETEs, many rows per statement, children before parents.
//
// Rows are written in foreign key order: parents are inserted before the rows
// that refer to them, whose foreign key fields are set from their related
// objects' keys, and deleted after them; a table referring to itself is
// written row by row in that order, and a PostUpdate relationship breaks a
// cycle with an UPDATE after both rows exist. Cascades follow SQLAlchemy's:
// save-update (the default) brings related objects into the session,
// "delete" deletes the related objects with their parent (loading them when
// needed), "delete-orphan" deletes an object taken out of its parent's
// collection, whose foreign key is otherwise set to NULL.
//
// A failed flush rolls the whole transaction back, so nothing of it is in the
// database; the session then refuses work (ErrPendingRollback) until Rollback,
// which puts the objects back as they were.
//
// # Queries and loading
//
// Select[T]() builds a query of mapped objects (Where, OrderBy, Limit, Join,
// ForUpdate), run by All, First, One, or Each, which streams in batches. A
// relationship is loaded only when a load option says so: SelectIn (one more
// SELECT per relationship, WHERE key IN (...) in chunks, children matched to
// parents through a map) or Joined (a LEFT OUTER JOIN in the query itself).
// Reading a relationship nothing loaded is ErrNotLoaded: SQLAlchemy's
// raise-on-lazy, the default here, so that an N+1 fails loudly.
package orm
