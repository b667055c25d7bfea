package expr

// Foreign-key order: a table comes after the tables it references.

// ddlOrder is the order in which DDL creates a set of tables, and the foreign keys
// that close a cycle among them, which CreateAll adds after all the tables (with
// ALTER TABLE ADD CONSTRAINT) and DropAll drops before them.
type ddlOrder struct {
	tables   []*Table
	deferred []*fkDef
}

// SortedTables returns m's tables in foreign-key order, SQLAlchemy's
// MetaData.sorted_tables: every table after the tables it references, otherwise in
// the order they were declared. Tables that reference each other in a cycle are in
// declaration order: CreateAll breaks the cycle by adding the foreign keys that
// reference a table declared later after both exist. A foreign key whose target
// cannot be found does not order anything (CreateTable reports it).
func (m *MetaData) SortedTables() []*Table { return sortTables(m.Tables()).tables }

// sortTables orders tables by their foreign keys among them. Within a cycle (a
// strongly connected set of tables), the keys from a table to one declared after it
// are deferred, which leaves only keys to earlier tables there: no cycle remains.
// A table's reference to itself orders nothing.
func sortTables(tables []*Table) ddlOrder {
	pos := make(map[*Table]int, len(tables))
	for i, t := range tables {
		pos[t] = i
	}
	fks := make([][]*fkDef, len(tables)) // per table, its keys to other tables of the set
	deps := make([][]int, len(tables))   // per table, the tables it references
	for i, t := range tables {
		for _, f := range t.foreignKeys() {
			j, ok := pos[f.ref]
			if f.err != nil || !ok || j == i {
				continue
			}
			fks[i] = append(fks[i], f)
			deps[i] = append(deps[i], j)
		}
	}
	comp := components(deps)
	var out ddlOrder
	kept := make([][]int, len(tables))
	for i := range tables {
		for _, f := range fks[i] {
			j := pos[f.ref]
			if comp[i] == comp[j] && j > i {
				out.deferred = append(out.deferred, f)
				continue
			}
			kept[i] = append(kept[i], j)
		}
	}
	// Kahn's algorithm, taking the earliest declared table that is ready.
	waiting := make([]int, len(tables)) // per table, how many references are not yet placed
	users := make([][]int, len(tables)) // per table, the tables that reference it
	for i, ds := range kept {
		waiting[i] = len(ds)
		for _, j := range ds {
			users[j] = append(users[j], i)
		}
	}
	placed := make([]bool, len(tables))
	for len(out.tables) < len(tables) {
		next := -1
		for i := range tables {
			if !placed[i] && waiting[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 { // cannot happen: what is kept is acyclic
			for i := range tables {
				if !placed[i] {
					next = i
					break
				}
			}
		}
		placed[next] = true
		out.tables = append(out.tables, tables[next])
		for _, u := range users[next] {
			waiting[u]--
		}
	}
	return out
}

// components returns, per node of the graph deps (node → nodes it points to), the
// index of its strongly connected component (Tarjan's algorithm).
func components(deps [][]int) []int {
	n := len(deps)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	comp := make([]int, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next, ncomp := 0, 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range deps[v] {
			switch {
			case index[w] < 0:
				visit(w)
				low[v] = min(low[v], low[w])
			case onStack[w]:
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = ncomp
				if w == v {
					break
				}
			}
			ncomp++
		}
	}
	for v := range deps {
		if index[v] < 0 {
			visit(v)
		}
	}
	return comp
}
