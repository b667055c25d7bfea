package expr

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// ColumnRef is any column, whatever its Go type: what Set, Returning and the like
// take. Column[T] implements it.
type ColumnRef interface {
	Expression
	column() *columnDef
}

// assignment is col = value (or expression).
type assignment struct {
	col *columnDef
	v   any        // a value, bound
	e   Expression // or an expression; nil for v
}

// assign checks v against col's Go type: a value of it (or nil, for NULL), or an
// Expression.
func assign(col ColumnRef, v any) (assignment, error) {
	if col == nil {
		return assignment{}, fmt.Errorf("alchemy: a nil column")
	}
	d := col.column()
	if d.err != nil {
		return assignment{}, d.err
	}
	if e, ok := v.(Expression); ok {
		return assignment{col: d, e: e}, nil
	}
	cv, err := d.convert(v)
	if err != nil {
		return assignment{}, err
	}
	return assignment{col: d, v: cv}, nil
}

// convert checks that v is of d's Go type and converts it through d's type for the
// driver.
func (d *columnDef) convert(v any) (any, error) {
	if d.bind == nil { // the common cases, without reflection
		switch v.(type) {
		case string:
			if d.goKind == stringGo {
				return v, nil
			}
		case int64, int: // the driver takes an int as an int64, which holds every int
			if d.goKind == int64Go {
				return v, nil
			}
		}
	}
	if v == nil || d.goType == nil || d.goType.Kind() == reflect.Interface {
		if d.bind != nil && v != nil {
			return d.bind(v)
		}
		return v, nil
	}
	if t := reflect.TypeOf(v); t != d.goType && !t.AssignableTo(d.goType) {
		cv, ok := convertNumber(reflect.ValueOf(v), d.goType)
		if !ok {
			return nil, fmt.Errorf("alchemy: column %s holds %s, got %T %v", d, d.goType, v, v)
		}
		v = cv
	}
	if d.bind != nil {
		return d.bind(v)
	}
	return v, nil
}

// InsertStmt is an INSERT, SQLAlchemy's insert(). Like every statement it is
// immutable: each method returns a new one.
type InsertStmt struct {
	table        *Table
	cols         []*columnDef
	rows         [][]any       // per row, per column: a value, or an Expression
	rowsTip      *atomic.Int64 // slots of rows' array taken (appendRow)
	cells        []any         // the latest chunk rows' values are cut from (newRow)
	cellsTip     *atomic.Int64 // slots of cells' array taken
	nnamed       int32         // how many of cols Columns named (the rest have defaults)
	named        bool          // Columns named the columns, for Row
	hasExpr      bool          // some cell of rows is an Expression
	chain        *insertChain  // the storage of the chain's first rows, once a row was added
	err          error
	*insertExtra // the rarer clauses, shared until one is set (ext)
}

// insertExtra holds an INSERT's rarer clauses, apart so that the statements built
// row by row stay small. It is shared and never modified: ext copies it.
type insertExtra struct {
	from      *SelectStmt
	returning []Expression
	conflict  *conflict
}

var noInsertExtra = &insertExtra{}

// ext returns s's rarer clauses, copied so that s may set them.
func (s *InsertStmt) ext() *insertExtra {
	e := insertExtra{}
	if s.insertExtra != nil {
		e = *s.insertExtra
	}
	s.insertExtra = &e
	return &e
}

// Insert returns INSERT INTO t; give the values with Values, or a query with
// FromSelect.
func (t *Table) Insert() *InsertStmt {
	if s := t.insert0.Load(); s != nil && s.err == t.err { // statements are immutable: one empty INSERT serves all
		return s
	}
	s := &InsertStmt{table: t, err: t.err, insertExtra: noInsertExtra}
	t.insert0.Store(s)
	return s
}

// Values adds rows. A row is a Params (or map[string]any) by column name, or a
// struct whose fields are bound by name as Bind binds them (`db` tags, else snake
// case); fields that name no column are left out, and so is an autoincrement primary
// key left zero. Every row must give the columns the first gives; columns not given
// take their Default. A value is of its column's Go type, nil for NULL, or an
// Expression (expr.Now[time.Time]()); values are bound, never written into the SQL.
func (s *InsertStmt) Values(rows ...any) *InsertStmt {
	c := *s
	for _, r := range rows {
		if c.err != nil {
			break
		}
		m, err := rowMap(r)
		if err != nil {
			c.err = fmt.Errorf("alchemy: insert into %s, row %d: %w", s.table, len(c.rows)+1, err)
			break
		}
		if c.cols == nil {
			c.cols = c.columnsOf(m, r)
		}
		row := c.newRow(len(c.cols))
		found := 0
		for i, d := range c.cols {
			v, ok := m[d.name]
			if ok {
				found++
			}
			if !ok {
				if d.def == nil {
					c.err = fmt.Errorf("alchemy: insert into %s: row %d has no value for %s, which the first row gives", s.table, len(c.rows)+1, d.name)
					break
				}
				row[i] = defaultMarker{}
				continue
			}
			if e, isExpr := v.(Expression); isExpr {
				row[i], c.hasExpr = e, true
				continue
			}
			cv, err := d.convert(v)
			if err != nil {
				c.err = fmt.Errorf("alchemy: insert into %s: %w", s.table, err)
				break
			}
			row[i] = cv
		}
		if c.err == nil && found < len(m) && !isStruct(r) { // a key that named no column given
			c.err = s.checkRowNames(m, c.cols, len(c.rows)+1)
		}
		c.appendRow(row)
	}
	return &c
}

// newRow returns room for a row of n values, cut from the chunk the statements of
// one chain share (as appendRow shares rows), so that adding a row allocates only
// when a chunk is full.
func (c *InsertStmt) newRow(n int) []any {
	k := len(c.cells)
	if c.cellsTip != nil && k+n <= cap(c.cells) && c.cellsTip.CompareAndSwap(int64(k), int64(k+n)) {
		c.cells = c.cells[:k+n]
		return c.cells[k : k+n : k+n]
	}
	if c.cellsTip == nil && k == 0 && len(c.rows) == 0 && n <= len(insertChain{}.cells) {
		// The first row of a chain: one allocation for its first rows and cells.
		ch := new(insertChain)
		c.chain = ch
		ch.cellsTip.Store(int64(n))
		c.cells, c.cellsTip = ch.cells[:n], &ch.cellsTip
		return ch.cells[:n:n]
	}
	chunk := make([]any, n, max(4*n, 2*cap(c.cells)))
	c.cells = chunk
	c.cellsTip = new(atomic.Int64)
	c.cellsTip.Store(int64(n))
	return chunk[:n:n]
}

// insertChain is the first storage of a chain of Row (or Values) calls: room for a
// few rows and their cells, with the counters of slots taken, in one allocation.
type insertChain struct {
	rowsTip, cellsTip atomic.Int64
	rows              [4][]any
	cells             [16]any
}

// appendRow adds row to c's rows. Statements derived from one another share the
// array of rows: the first to add a row after the last one any of them sees takes
// the next slot (rowsTip counts the slots taken); any other copies. Adding rows one
// at a time is then linear, and no statement ever sees another's row.
func (c *InsertStmt) appendRow(row []any) {
	n := len(c.rows)
	if c.rowsTip != nil && n < cap(c.rows) && c.rowsTip.CompareAndSwap(int64(n), int64(n+1)) {
		c.rows = c.rows[:n+1]
		c.rows[n] = row
		return
	}
	if ch := c.chain; c.rowsTip == nil && n == 0 && ch != nil && ch.rowsTip.CompareAndSwap(0, 1) {
		c.rows, c.rowsTip = ch.rows[:1], &ch.rowsTip
		c.rows[0] = row
		return
	}
	rows := make([][]any, n+1, max(4, 2*n))
	copy(rows, c.rows)
	rows[n] = row
	c.rows = rows
	c.rowsTip = new(atomic.Int64)
	c.rowsTip.Store(int64(n + 1))
}

// Columns names the columns that Row gives values for, in order; columns not named
// take their Default. Without Row, the values are the caller's, by column name:
// INSERT INTO t (a, b) VALUES (:a, :b), for executemany as SQLAlchemy runs it,
// Execute(ctx, users.Insert().Columns(users.Name), []expr.Params{{"name": "ed"}, ...}).
func (s *InsertStmt) Columns(cols ...ColumnRef) *InsertStmt {
	t := s.table
	fresh := t != nil && s == t.insert0.Load()
	if fresh { // the table's empty INSERT: the last Columns of it may serve again
		if cs := t.insertCols.Load(); cs != nil && cs.err == s.err && sameColumns(cs, cols) {
			return cs
		}
	}
	c := s.columns(cols)
	if fresh {
		t.insertCols.Store(c)
	}
	return c
}

// sameColumns reports whether s names exactly cols.
func sameColumns(s *InsertStmt, cols []ColumnRef) bool {
	if int(s.nnamed) != len(cols) {
		return false
	}
	for i, col := range cols {
		if col == nil || col.column() != s.cols[i] {
			return false
		}
	}
	return true
}

func (s *InsertStmt) columns(cols []ColumnRef) *InsertStmt {
	c := *s
	c.rows, c.rowsTip, c.cells, c.cellsTip, c.chain, c.named, c.hasExpr = nil, nil, nil, nil, nil, true, false
	defaults := s.table.defaultColumns()
	c.cols = make([]*columnDef, 0, len(cols)+len(defaults))
	for _, col := range cols {
		d := col.column()
		if d.err != nil && c.err == nil {
			c.err = d.err
		}
		if d.table != s.table && c.err == nil {
			c.err = fmt.Errorf("alchemy: insert into %s: column %s is of another table", s.table, d)
		}
		c.cols = append(c.cols, d)
	}
	c.nnamed = int32(len(c.cols))
	for _, d := range defaults {
		if !slices.Contains(c.cols, d) {
			c.cols = append(c.cols, d)
		}
	}
	return &c
}

// Row adds a row of values for the columns named by Columns, in their order: each of
// its column's Go type, nil for NULL, or an Expression.
func (s *InsertStmt) Row(vals ...any) *InsertStmt {
	c := *s
	if c.err != nil {
		return &c
	}
	if !s.named {
		c.err = fmt.Errorf("alchemy: insert into %s: Row before Columns named the columns", s.table)
		return &c
	}
	row := c.newRow(len(c.cols))
	given := 0
	for i, d := range c.cols {
		if i >= len(vals) {
			if d.def == nil {
				break
			}
			row[i] = defaultMarker{}
			continue
		}
		given++
		cv, err := c.cell(d, vals[i])
		if err != nil {
			c.err = fmt.Errorf("alchemy: insert into %s, row %d: %w", s.table, len(s.rows)+1, err)
			return &c
		}
		row[i] = cv
	}
	if given != len(vals) || given < len(c.cols) && row[given] == nil {
		c.err = fmt.Errorf("alchemy: insert into %s, row %d: %d values for the %d columns named", s.table, len(s.rows)+1, len(vals), c.nnamed)
		return &c
	}
	c.appendRow(row)
	return &c
}

// cell is a value given for column d of a row: an Expression as it is (the
// statement then has expressions in its rows), any other converted to the
// column's type.
func (c *InsertStmt) cell(d *columnDef, v any) (any, error) {
	if e, isExpr := v.(Expression); isExpr {
		c.hasExpr = true
		return e, nil
	}
	return d.convert(v)
}

// Rows adds n rows at once, as n calls of Row would: fill writes row i's values,
// one per column named by Columns, into vals (which Rows reuses: fill must not keep
// it). It allocates the rows' storage once, where Row grows it as it goes: the way
// to add thousands of rows.
func (s *InsertStmt) Rows(n int, fill func(i int, vals []any)) *InsertStmt {
	c := *s
	if c.err != nil {
		return &c
	}
	if !s.named {
		c.err = fmt.Errorf("alchemy: insert into %s: Rows before Columns named the columns", s.table)
		return &c
	}
	if n < 0 || fill == nil {
		c.err = fmt.Errorf("alchemy: insert into %s: Rows(%d, %v): give a row count of 0 or more and a fill function", s.table, n, fill != nil)
		return &c
	}
	width, named := len(c.cols), int(c.nnamed)
	rows := make([][]any, len(c.rows), len(c.rows)+n)
	copy(rows, c.rows)
	cells := make([]any, n*width)
	vals := make([]any, named)
	for i := range n {
		clear(vals)
		fill(i, vals)
		row := cells[i*width : (i+1)*width : (i+1)*width]
		for j, d := range c.cols {
			if j >= named {
				row[j] = defaultMarker{}
				continue
			}
			cv, err := c.cell(d, vals[j])
			if err != nil {
				c.err = fmt.Errorf("alchemy: insert into %s, row %d: %w", s.table, len(rows)+1, err)
				return &c
			}
			row[j] = cv
		}
		rows = append(rows, row)
	}
	c.rows, c.cells = rows, cells
	c.rowsTip, c.cellsTip, c.chain = new(atomic.Int64), new(atomic.Int64), nil
	c.rowsTip.Store(int64(len(rows)))
	c.cellsTip.Store(int64(len(cells)))
	return &c
}

// checkRowNames refuses a row by name (Params) that names a column the table lacks,
// or one the first row did not give: neither may be dropped without a word.
func (s *InsertStmt) checkRowNames(m map[string]any, cols []*columnDef, row int) error {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names) // the same error every time
	for _, name := range names {
		if d := s.table.column(name); d.err != nil {
			return fmt.Errorf("alchemy: insert into %s: the table has no column %s (it has %s)", s.table, name, s.table.columnNames())
		}
	}
	for _, name := range names {
		given := false
		for _, d := range cols {
			given = given || d.name == name
		}
		if !given {
			return fmt.Errorf("alchemy: insert into %s: row %d gives %s, which the first row does not", s.table, row, name)
		}
	}
	return nil
}

// defaultMarker stands for a column's client-side default, evaluated each time the
// statement is made ready to run.
type defaultMarker struct{}

// columnsOf returns the columns a first row gives, in the table's order, and the
// columns with a client-side default it does not give.
func (s *InsertStmt) columnsOf(m map[string]any, row any) []*columnDef {
	var cols []*columnDef
	for _, d := range s.table.allColumns() {
		v, ok := m[d.name]
		if ok && isStruct(row) && d.autoIncrements() && reflect.ValueOf(v).IsZero() {
			ok = false
		}
		if ok || d.def != nil {
			cols = append(cols, d)
		}
	}
	return cols
}

func isStruct(r any) bool { _, ok := dbfields.Arg(r); return ok }

// rowMap returns a row's values by column name.
func rowMap(r any) (map[string]any, error) {
	switch x := r.(type) {
	case Params:
		return x, nil
	case map[string]any:
		return x, nil
	}
	v, ok := dbfields.Arg(r)
	if !ok {
		return nil, fmt.Errorf("a row is a Params, a map[string]any or a struct, got %T", r)
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("a nil %s", v.Type())
		}
		v = v.Elem()
	}
	f := dbfields.Of(v.Type())
	m := make(map[string]any, len(f.ByName))
	for name, index := range f.ByName {
		fv, err := v.FieldByIndexErr(index)
		if err != nil {
			continue // inside a nil embedded pointer
		}
		m[name] = fv.Interface()
	}
	return m, nil
}

// FromSelect makes it INSERT INTO t (cols) SELECT ...
func (s *InsertStmt) FromSelect(cols []ColumnRef, q *SelectStmt) *InsertStmt {
	c := *s
	c.cols, c.rows, c.rowsTip = nil, nil, nil
	c.ext().from = q
	c.nnamed = 0
	for _, col := range cols {
		c.cols = append(c.cols, col.column())
	}
	return &c
}

// Returning makes it return cols of the inserted rows: RETURNING on PostgreSQL,
// SQLite 3.35+ and MariaDB 10.5+, OUTPUT on SQL Server; MySQL has neither, and the
// statement does not compile for it.
func (s *InsertStmt) Returning(cols ...Expression) *InsertStmt {
	c := *s
	c.ext().returning = clip(cols)
	return &c
}

// conflict is an upsert's ON CONFLICT.
type conflict struct {
	keys    []*columnDef
	update  []*columnDef // set from the proposed row; none: do nothing
	nothing bool
}

// Conflict is an INSERT's upsert, ended by DoNothing or DoUpdate.
type Conflict struct {
	s    *InsertStmt
	keys []*columnDef
}

// OnConflict starts an upsert on a conflict of keys (a unique or primary key):
// ON CONFLICT on PostgreSQL and SQLite, ON DUPLICATE KEY UPDATE on MySQL and MariaDB
// (which take any unique key, and ignore keys), MERGE on SQL Server.
func (s *InsertStmt) OnConflict(keys ...ColumnRef) Conflict {
	c := Conflict{s: s}
	for _, k := range keys {
		c.keys = append(c.keys, k.column())
	}
	return c
}

// DoNothing leaves the existing row as it is.
func (c Conflict) DoNothing() *InsertStmt {
	s := *c.s
	s.ext().conflict = &conflict{keys: c.keys, nothing: true}
	return &s
}

// DoUpdate sets cols of the existing row to the values the insert proposed.
func (c Conflict) DoUpdate(cols ...ColumnRef) *InsertStmt {
	s := *c.s
	cf := &conflict{keys: c.keys}
	for _, col := range cols {
		cf.update = append(cf.update, col.column())
	}
	s.ext().conflict = cf
	return &s
}

// UpdateStmt is an UPDATE, SQLAlchemy's update(): users.Update().Where(users.ID.Eq(5)).Set(users.Name, "ed").
type UpdateStmt struct {
	table     *Table
	sets      []assignment
	where     []Expression
	all       bool
	returning []Expression
	err       error
}

// Update returns UPDATE t; give a condition with Where, or say All.
func (t *Table) Update() *UpdateStmt { return &UpdateStmt{table: t, err: t.err} }

// Set adds SET col = v: v of the column's Go type (checked when the statement is
// built, and the error reported when it runs), nil for NULL, or an Expression
// (expr.Add(users.Visits, expr.Value[int64](1))).
func (s *UpdateStmt) Set(col ColumnRef, v any) *UpdateStmt {
	c := *s
	a, err := assign(col, v)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("alchemy: update of %s: %w", s.table, err)
	}
	c.sets = append(clip(s.sets), a)
	return &c
}

// Where adds conditions, joined with AND.
func (s *UpdateStmt) Where(conds ...Expression) *UpdateStmt {
	c := *s
	c.where = append(clip(s.where), conds...)
	return &c
}

// All allows the UPDATE to have no WHERE: without All or Where it does not compile,
// so that no condition forgotten updates every row.
func (s *UpdateStmt) All() *UpdateStmt { c := *s; c.all = true; return &c }

// Returning makes it return cols of the updated rows (see InsertStmt.Returning;
// MariaDB has UPDATE ... RETURNING from 13.0).
func (s *UpdateStmt) Returning(cols ...Expression) *UpdateStmt {
	c := *s
	c.returning = clip(cols)
	return &c
}

// DeleteStmt is a DELETE, SQLAlchemy's delete().
type DeleteStmt struct {
	table     *Table
	where     []Expression
	all       bool
	returning []Expression
	err       error
}

// Delete returns DELETE FROM t; give a condition with Where, or say All.
func (t *Table) Delete() *DeleteStmt { return &DeleteStmt{table: t, err: t.err} }

// Where adds conditions, joined with AND.
func (s *DeleteStmt) Where(conds ...Expression) *DeleteStmt {
	c := *s
	c.where = append(clip(s.where), conds...)
	return &c
}

// All allows the DELETE to have no WHERE (see UpdateStmt.All).
func (s *DeleteStmt) All() *DeleteStmt { c := *s; c.all = true; return &c }

// Returning makes it return cols of the deleted rows (see InsertStmt.Returning).
func (s *DeleteStmt) Returning(cols ...Expression) *DeleteStmt {
	c := *s
	c.returning = clip(cols)
	return &c
}

// convertNumber converts an integer to another integer type, or a number to a float
// type, when the value survives: an int given for an int64 column.
func convertNumber(v reflect.Value, to reflect.Type) (any, bool) {
	if to == int64Type && v.Kind() == reflect.Int {
		return v.Int(), true
	}
	switch {
	case v.CanInt() && (to.Kind() >= reflect.Int && to.Kind() <= reflect.Int64):
		if reflect.Zero(to).OverflowInt(v.Int()) {
			return nil, false
		}
	case v.CanUint() && (to.Kind() >= reflect.Uint && to.Kind() <= reflect.Uint64):
		if reflect.Zero(to).OverflowUint(v.Uint()) {
			return nil, false
		}
	case v.CanInt() && (to.Kind() >= reflect.Uint && to.Kind() <= reflect.Uint64):
		if v.Int() < 0 || reflect.Zero(to).OverflowUint(uint64(v.Int())) {
			return nil, false
		}
	case v.CanUint() && (to.Kind() >= reflect.Int && to.Kind() <= reflect.Int64):
		if v.Uint() > 1<<62 || reflect.Zero(to).OverflowInt(int64(v.Uint())) {
			return nil, false
		}
	case (v.CanInt() || v.CanUint() || v.CanFloat()) && (to.Kind() == reflect.Float32 || to.Kind() == reflect.Float64):
	default:
		return nil, false
	}
	return v.Convert(to).Interface(), true
}

var int64Type = reflect.TypeFor[int64]()
