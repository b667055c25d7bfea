package dialect

// ServerCursors is an optional interface of a Dialect whose server can hand a
// query's rows out in batches through a cursor declared in SQL inside a transaction
// (PostgreSQL's DECLARE, FETCH and CLOSE). The engine uses it for a statement run
// with a yield-per batch size, so that a client holds one batch of a large result
// at a time, however many statements interleave with the reading.
type ServerCursors interface {
	// CursorSQL returns the statements that declare the cursor name over query
	// (a SELECT, whose placeholders stay as they are, bound when declare runs),
	// fetch its next batch rows (at most), and close it. name is a plain
	// identifier, unique among the connection's open cursors.
	CursorSQL(name, query string, batch int) (declare, fetch, close string)
}
