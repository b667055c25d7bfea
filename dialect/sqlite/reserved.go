package sqlite

import "github.com/go-alchemy/alchemy/dialect"

// reservedWords are the 147 key words of the SQLite this package links (as
// sqlite3_keyword_name lists them; a test checks the two agree). SQLite takes many of
// them as bare names where the grammar allows, but not everywhere, so every one is
// quoted, as SQLAlchemy does.
const reservedWords = `
abort action add after all alter always analyze and as asc attach autoincrement
before begin between by
cascade case cast check collate column commit conflict constraint create cross
current current_date current_time current_timestamp
database default deferrable deferred delete desc detach distinct do drop
each else end escape except exclude exclusive exists explain
fail filter first following for foreign from full
generated glob group groups
having
if ignore immediate in index indexed initially inner insert instead intersect into is isnull
join
key
last left like limit
match materialized
natural no not nothing notnull null nulls
of offset on or order others outer over
partition plan pragma preceding primary
query
raise range recursive references regexp reindex release rename replace restrict returning
right rollback row rows
savepoint select set
table temp temporary then ties to transaction trigger
unbounded union unique update using
vacuum values view virtual
when where window with without
`

// quoter quotes SQLite identifiers in double quotes. SQLite keeps the case of a bare
// name and compares names without regard to case, so mixed case needs no quotes.
var quoter = dialect.Quoter{
	Open:     '"',
	Close:    '"',
	Reserved: dialect.Words(reservedWords),
}
