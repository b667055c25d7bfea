package orm

import (
	"github.com/go-alchemy/alchemy"
)

// bulkInsert writes a large group of new objects through the dialect's bulk
// path, when it has one that fits; done reports whether it did.
func (f *flushRun) bulkInsert(conn *alchemy.Conn, m *mapper, cols, omitted []*colMap, sts []*state) (done bool, err error) {
	return false, nil
}
