package postgresql

import (
	"strconv"

	"github.com/go-alchemy/alchemy/dialect"
)

var _ dialect.ServerCursors = Dialect{}

// CursorSQL returns DECLARE name NO SCROLL CURSOR FOR query, FETCH FORWARD batch
// FROM name, and CLOSE name. A cursor without WITH HOLD lives until its
// transaction ends, which closes it if CLOSE has not.
func (Dialect) CursorSQL(name, query string, batch int) (declare, fetch, close string) {
	return "DECLARE " + name + " NO SCROLL CURSOR FOR " + query,
		"FETCH FORWARD " + strconv.Itoa(batch) + " FROM " + name,
		"CLOSE " + name
}
