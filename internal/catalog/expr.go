package catalog

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// PartitionFilter is a compiled GetPartitions expression: a boolean
// combination (AND, OR, NOT, parentheses) of predicates over partition keys
// (=, <>, !=, <, <=, >, >=, [NOT] BETWEEN, [NOT] IN, [NOT] LIKE). Keys of a
// numeric type compare as numbers, all others as strings, as in Glue.
type PartitionFilter struct{ root exprNode }

// ParsePartitionFilter compiles expr against a table's partition keys.
// Errors are ErrInvalidInput.
func ParsePartitionFilter(expr string, keys []Column) (*PartitionFilter, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &exprParser{src: expr, toks: toks, keys: keys}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, exprError(expr, t.pos, "unexpected %q", t.text)
	}
	return &PartitionFilter{root: root}, nil
}

// Match reports whether a partition with these values (in key order) passes.
func (f *PartitionFilter) Match(values []string) bool { return f.root.eval(values) }

func exprError(src string, pos int, format string, args ...any) error {
	return invalidInput("Invalid partition expression %q at position %d: %s", src, pos, fmt.Sprintf(format, args...))
}

type exprNode interface{ eval(values []string) bool }

type andNode struct{ l, r exprNode }
type orNode struct{ l, r exprNode }
type notNode struct{ x exprNode }

func (n andNode) eval(v []string) bool { return n.l.eval(v) && n.r.eval(v) }
func (n orNode) eval(v []string) bool  { return n.l.eval(v) || n.r.eval(v) }
func (n notNode) eval(v []string) bool { return !n.x.eval(v) }

// operand is a partition key (key >= 0) or a literal.
type operand struct {
	key     int
	numeric bool // a key of numeric type
	text    string
}

func (o operand) value(values []string) string {
	if o.key >= 0 {
		if o.key < len(values) {
			return values[o.key]
		}
		return ""
	}
	return o.text
}

// compare orders a and b: numerically when either is a numeric key, else as
// strings. ok is false when a numeric comparison meets a non-number (such
// as Hive's __HIVE_DEFAULT_PARTITION__), which then matches nothing.
func compare(a, b operand, values []string) (c int, ok bool) {
	av, bv := a.value(values), b.value(values)
	if a.numeric || b.numeric {
		x, okx := new(big.Rat).SetString(strings.TrimSpace(av))
		y, oky := new(big.Rat).SetString(strings.TrimSpace(bv))
		if !okx || !oky {
			return 0, false
		}
		return x.Cmp(y), true
	}
	return strings.Compare(av, bv), true
}

type cmpNode struct {
	op   string
	l, r operand
}

func (n cmpNode) eval(v []string) bool {
	c, ok := compare(n.l, n.r, v)
	if !ok {
		return false
	}
	switch n.op {
	case "=":
		return c == 0
	case "<>", "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default: // ">="
		return c >= 0
	}
}

type betweenNode struct {
	x, lo, hi operand
	not       bool
}

func (n betweenNode) eval(v []string) bool {
	c1, ok1 := compare(n.x, n.lo, v)
	c2, ok2 := compare(n.x, n.hi, v)
	if !ok1 || !ok2 {
		return false
	}
	return (c1 >= 0 && c2 <= 0) != n.not
}

type inNode struct {
	x    operand
	list []operand
	not  bool
}

func (n inNode) eval(v []string) bool {
	for _, o := range n.list {
		if c, ok := compare(n.x, o, v); ok && c == 0 {
			return !n.not
		}
	}
	return n.not
}

type likeNode struct {
	x   operand
	re  *regexp.Regexp
	not bool
}

func (n likeNode) eval(v []string) bool { return n.re.MatchString(n.x.value(v)) != n.not }

// likeRegexp translates a SQL LIKE pattern: % is any run, _ any character.
func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// isNumericType reports whether a Hive type compares numerically.
func isNumericType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	if strings.HasPrefix(t, "decimal") {
		return true
	}
	switch t {
	case "tinyint", "smallint", "int", "integer", "bigint", "long", "float", "double", "real":
		return true
	}
	return false
}
