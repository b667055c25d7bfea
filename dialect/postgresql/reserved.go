package postgresql

import "github.com/go-alchemy/alchemy/dialect"

// reservedWords are the key words PostgreSQL will not take as a bare table or column
// name: those pg_get_keywords() lists as "reserved" (catcode R) and as "reserved, can
// be function or type name" (catcode T) in PostgreSQL 15, plus system_user, which
// PostgreSQL 16 reserved. Quoting one more word than needed is harmless; quoting
// one fewer breaks the statement.
const reservedWords = `
all analyse analyze and any array as asc asymmetric
both
case cast check collate column constraint create current_catalog current_date
current_role current_time current_timestamp current_user
default deferrable desc distinct do
else end except
false fetch for foreign from
grant group
having
in initially intersect into
lateral leading limit localtime localtimestamp
not null
offset on only or order
placing primary
references returning
select session_user some symmetric system_user
table then to trailing true
union unique user using
variadic
when where window with

authorization binary collation concurrently cross current_schema freeze full
ilike inner is isnull join left like natural notnull outer overlaps right similar
tablesample verbose
`

// quoter quotes PostgreSQL identifiers: double quotes, and any name with an
// upper-case letter is quoted, because PostgreSQL folds bare names to lower case.
var quoter = dialect.Quoter{
	Open:          '"',
	Close:         '"',
	Reserved:      dialect.Words(reservedWords),
	LowerCaseOnly: true,
}
