package expr

import (
	"errors"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// funcNode is name(args).
type funcNode struct {
	name     string
	args     []Expression
	distinct bool
	star     bool // count(*)
}

func (n *funcNode) WriteSQL(c *Compiler) error {
	c.WriteString(n.name)
	c.WriteByte('(')
	if n.distinct {
		c.WriteString("DISTINCT ")
	}
	if n.star {
		c.WriteByte('*')
	}
	for i, a := range n.args {
		if i > 0 {
			c.WriteString(", ")
		}
		if err := c.sub(a); err != nil {
			return err
		}
	}
	c.WriteByte(')')
	return nil
}

func (n *funcNode) appendKey(k *keyWriter) {
	k.op('F')
	k.str(n.name)
	k.flag(n.distinct)
	k.flag(n.star)
	k.num(len(n.args))
	for _, a := range n.args {
		k.expr(a)
	}
}

// Func is a call of the SQL function name with args, whose result is of the Go
// type T: expr.Func[string]("coalesce", users.Nickname, users.Name). The name is
// written as given; it must be a plain identifier (letters, digits, underscores,
// dots), or the statement does not compile.
func Func[T any](name string, args ...Expression) Expr[T] {
	return Expr[T]{node: &funcNode{name: name, args: clip(args)}}
}

// Count is count(*), or count(e) for one expression.
func Count(e ...Expression) Expr[int64] {
	if len(e) == 0 {
		return Expr[int64]{node: &funcNode{name: "count", star: true}}
	}
	return Expr[int64]{node: &funcNode{name: "count", args: clip(e)}}
}

// CountDistinct is count(DISTINCT e).
func CountDistinct(e Expression) Expr[int64] {
	return Expr[int64]{node: &funcNode{name: "count", args: []Expression{e}, distinct: true}}
}

// Sum is sum(e).
func Sum[T any](e Operand[T]) Expr[T] { return Func[T]("sum", e) }

// Avg is avg(e), a float.
func Avg[T any](e Operand[T]) Expr[float64] { return Func[float64]("avg", e) }

// Min is min(e).
func Min[T any](e Operand[T]) Expr[T] { return Func[T]("min", e) }

// Max is max(e).
func Max[T any](e Operand[T]) Expr[T] { return Func[T]("max", e) }

// Lower is lower(e).
func Lower[S ~string](e Operand[S]) Expr[S] { return Func[S]("lower", e) }

// Upper is upper(e).
func Upper[S ~string](e Operand[S]) Expr[S] { return Func[S]("upper", e) }

// Coalesce is coalesce(es...): the first that is not NULL.
func Coalesce[T any](es ...Operand[T]) Expr[T] {
	args := make([]Expression, len(es))
	for i, e := range es {
		args[i] = e
	}
	return Expr[T]{node: &funcNode{name: "coalesce", args: args}}
}

// Now is the current timestamp (CURRENT_TIMESTAMP).
func Now[T any]() Expr[T] { return Expr[T]{node: keyword("CURRENT_TIMESTAMP")} }

// Number is the constraint of arithmetic.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Add is (a + b).
func Add[T Number](a, b Operand[T]) Expr[T] { return arith(a, " + ", b) }

// Sub is (a - b).
func Sub[T Number](a, b Operand[T]) Expr[T] { return arith(a, " - ", b) }

// Mul is (a * b).
func Mul[T Number](a, b Operand[T]) Expr[T] { return arith(a, " * ", b) }

// Div is (a / b).
func Div[T Number](a, b Operand[T]) Expr[T] { return arith(a, " / ", b) }

func arith[T any](a Operand[T], op string, b Operand[T]) Expr[T] {
	return Expr[T]{node: &binaryNode{left: a, op: op, right: b, paren: true}}
}

// castNode is CAST(e AS type).
type castNode struct {
	e   Expression
	typ SQLType
}

func (n *castNode) WriteSQL(c *Compiler) error {
	if n.typ == nil {
		return errCastNoType
	}
	var name string
	var err error
	if c.flavor().mysqlish() {
		name, err = mysqlCastType(n.typ, c.typeDialect())
	} else {
		name, err = n.typ.SQLFor(c.typeDialect())
	}
	if err != nil {
		return err
	}
	c.WriteString("CAST(")
	if err := c.sub(n.e); err != nil {
		return err
	}
	c.WriteString(" AS ")
	c.WriteString(name)
	c.WriteByte(')')
	return nil
}

func (n *castNode) appendKey(k *keyWriter) {
	k.op('T')
	if n.typ == nil {
		k.fail(errCastNoType)
		return
	}
	k.str(n.typ.TypeName())
	typeKey(k, n.typ)
	k.expr(n.e)
}

var errCastNoType = errors.New("alchemy: a CAST to the zero Type (use one of this package's types, or Typed)")

// Cast is CAST(e AS typ), with typ's Go type.
func Cast[T any](e Expression, typ Type[T]) Expr[T] {
	return Expr[T]{node: &castNode{e: e, typ: typ.sql}}
}

// CaseExpr is a searched CASE, built with When and closed with Else or End.
type CaseExpr[T any] struct {
	whens []Expression // condition, result, condition, result...
}

// Case starts CASE WHEN cond THEN then.
func Case[T any](cond Expression, then Operand[T]) CaseExpr[T] {
	return CaseExpr[T]{whens: []Expression{cond, then}}
}

// When adds WHEN cond THEN then.
func (b CaseExpr[T]) When(cond Expression, then Operand[T]) CaseExpr[T] {
	return CaseExpr[T]{whens: append(clip(b.whens), cond, then)}
}

// Else ends the CASE with ELSE e.
func (b CaseExpr[T]) Else(e Operand[T]) Expr[T] {
	return Expr[T]{node: &caseNode{whens: b.whens, els: e}}
}

// End ends the CASE without ELSE (NULL when no WHEN holds).
func (b CaseExpr[T]) End() Expr[T] { return Expr[T]{node: &caseNode{whens: b.whens}} }

type caseNode struct {
	whens []Expression
	els   Expression
}

func (n *caseNode) WriteSQL(c *Compiler) error {
	c.WriteString("CASE")
	for i := 0; i+1 < len(n.whens); i += 2 {
		c.WriteString(" WHEN ")
		if err := c.cond(n.whens[i]); err != nil {
			return err
		}
		c.WriteString(" THEN ")
		if err := c.sub(n.whens[i+1]); err != nil {
			return err
		}
	}
	if n.els != nil {
		c.WriteString(" ELSE ")
		if err := c.sub(n.els); err != nil {
			return err
		}
	}
	c.WriteString(" END")
	return nil
}

func (n *caseNode) appendKey(k *keyWriter) {
	k.op('S')
	k.num(len(n.whens))
	for _, w := range n.whens {
		k.expr(w)
	}
	k.expr(n.els)
}

// Unbounded is the open end of a window frame (Window.Rows, Window.Range).
const Unbounded = math.MinInt

// Window is the OVER clause of a window function: partition, order and frame.
type Window struct {
	partition []Expression
	order     []Ordering
	frame     string // "ROWS" or "RANGE"
	from, to  int
}

// PartitionBy partitions the window by es.
func (w Window) PartitionBy(es ...Expression) Window { w.partition = clip(es); return w }

// OrderBy orders the window.
func (w Window) OrderBy(o ...Ordering) Window { w.order = clip(o); return w }

// Rows frames the window by rows, SQLAlchemy's rows=(from, to): a negative number n
// is n PRECEDING, a positive one FOLLOWING, 0 CURRENT ROW, Unbounded UNBOUNDED.
func (w Window) Rows(from, to int) Window { w.frame, w.from, w.to = "ROWS", from, to; return w }

// Range frames the window by range, with Rows' numbers.
func (w Window) Range(from, to int) Window { w.frame, w.from, w.to = "RANGE", from, to; return w }

// Over is fn OVER (w): a window function.
func Over[T any](fn Operand[T], w Window) Expr[T] { return Expr[T]{node: &overNode{fn: fn, w: w}} }

// RowNumber is row_number(), for Over.
func RowNumber() Expr[int64] { return Func[int64]("row_number") }

// Rank is rank(), for Over.
func Rank() Expr[int64] { return Func[int64]("rank") }

type overNode struct {
	fn Expression
	w  Window
}

func (n *overNode) WriteSQL(c *Compiler) error {
	if err := c.sub(n.fn); err != nil {
		return err
	}
	c.WriteString(" OVER (")
	sep := ""
	if len(n.w.partition) > 0 {
		c.WriteString("PARTITION BY ")
		for i, e := range n.w.partition {
			if i > 0 {
				c.WriteString(", ")
			}
			if err := c.sub(e); err != nil {
				return err
			}
		}
		sep = " "
	}
	if len(n.w.order) > 0 {
		c.WriteString(sep)
		if err := c.writeOrder(n.w.order); err != nil {
			return err
		}
		sep = " "
	}
	if n.w.frame != "" {
		c.WriteString(sep)
		c.WriteString(n.w.frame)
		c.WriteString(" BETWEEN ")
		c.WriteString(frameBound(n.w.from, "PRECEDING"))
		c.WriteString(" AND ")
		c.WriteString(frameBound(n.w.to, "FOLLOWING"))
	}
	c.WriteByte(')')
	return nil
}

func frameBound(n int, open string) string {
	switch {
	case n == Unbounded:
		return "UNBOUNDED " + open
	case n == 0:
		return "CURRENT ROW"
	case n < 0:
		return strconv.Itoa(-n) + " PRECEDING"
	}
	return strconv.Itoa(n) + " FOLLOWING"
}

func (n *overNode) appendKey(k *keyWriter) {
	k.op('O')
	k.expr(n.fn)
	k.num(len(n.w.partition))
	for _, e := range n.w.partition {
		k.expr(e)
	}
	appendOrderKey(k, n.w.order)
	k.str(n.w.frame)
	k.num(n.w.from)
	k.num(n.w.to)
}

// jsonNode reads the text at a path of a JSON document.
type jsonNode struct {
	e    Expression
	path []string
}

// JSONText is the text at path (object keys) in the JSON document e: e #>> '{a}' on
// PostgreSQL, json_extract(e, '$."a"') on SQLite, JSON_UNQUOTE(JSON_EXTRACT(e, '$."a"'))
// on MySQL and MariaDB, JSON_VALUE(e, '$."a"') on SQL Server. The path is bound.
func JSONText(e Expression, path ...string) Expr[string] {
	return Expr[string]{node: &jsonNode{e: e, path: clip(path)}}
}

func (n *jsonNode) WriteSQL(c *Compiler) error {
	switch c.flavor() {
	case postgresSQL:
		c.WriteByte('(')
		if err := c.sub(n.e); err != nil {
			return err
		}
		c.WriteString(" #>> ")
		if err := c.bindLit(n, 0); err != nil {
			return err
		}
		c.WriteString(")")
		return nil
	case mysqlSQL, mariadbSQL:
		c.WriteString("JSON_UNQUOTE(JSON_EXTRACT(")
	case mssqlSQL:
		c.WriteString("JSON_VALUE(")
	default:
		c.WriteString("json_extract(")
	}
	if err := c.sub(n.e); err != nil {
		return err
	}
	c.WriteString(", ")
	if err := c.bindLit(n, 1); err != nil {
		return err
	}
	c.WriteByte(')')
	if c.flavor().mysqlish() {
		c.WriteByte(')')
	}
	return nil
}

func (n *jsonNode) appendKey(k *keyWriter) {
	k.op('J')
	k.expr(n.e)
	k.values(n, "{"+strings.Join(pgPath(n.path), ",")+"}", jsonPath(n.path))
}

// jsonPath is the SQL/JSON path of keys: $."a"."b".
func jsonPath(keys []string) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, k := range keys {
		b.WriteString(".")
		b.WriteString(strconv.Quote(k))
	}
	return b.String()
}

// pgPath quotes keys for a PostgreSQL text[] literal.
func pgPath(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(k) + `"`
	}
	return out
}

// typeKey keys a CAST's type by what it renders as: the package's types by their
// spellings (String(10) built twice is one type), another package's by the value
// itself (two of its types may share a name), or not at all when that is not
// comparable.
func typeKey(k *keyWriter, t SQLType) {
	switch x := t.(type) {
	case *sqlType:
		k.op('t')
		k.str(x.no)
		names := make([]string, 0, len(x.per))
		for d := range x.per {
			names = append(names, d)
		}
		sort.Strings(names)
		k.num(len(names))
		for _, d := range names {
			k.str(d)
			k.str(x.per[d])
		}
	case *enumType:
		k.op('e')
		k.str(x.name)
		k.num(len(x.values))
		for _, v := range x.values {
			k.str(v)
		}
	default:
		if t == nil || !reflect.TypeOf(t).Comparable() {
			k.noKey = true
			return
		}
		k.extra = append(k.extra, t)
	}
}
