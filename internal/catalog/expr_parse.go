package catalog

import (
	"math/big"
	"strings"
)

// exprParser is a recursive-descent parser:
//
//	or        := and { OR and }
//	and       := unary { AND unary }
//	unary     := NOT unary | '(' or ')' | predicate
//	predicate := operand ( cmpop operand
//	                     | [NOT] BETWEEN operand AND operand
//	                     | [NOT] IN '(' operand { ',' operand } ')'
//	                     | [NOT] LIKE string )
//	operand   := key | 'string' | number
type exprParser struct {
	src  string
	toks []token
	i    int
	keys []Column
}

func (p *exprParser) peek() token { return p.toks[p.i] }
func (p *exprParser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *exprParser) errAt(t token, format string, args ...any) error {
	return exprError(p.src, t.pos, format, args...)
}

func (p *exprParser) parseOr() (exprNode, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("or") {
		p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *exprParser) parseAnd() (exprNode, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.peek().keyword("and") {
		p.next()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *exprParser) parseUnary() (exprNode, error) {
	t := p.peek()
	switch {
	case t.keyword("not"):
		p.next()
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	case t.kind == tokLParen:
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, p.errAt(c, "expected ')'")
		}
		return x, nil
	}
	return p.parsePredicate()
}

func (p *exprParser) parsePredicate() (exprNode, error) {
	x, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	t := p.next()
	if t.kind == tokOp {
		r, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if err := p.checkComparable(t, x, r); err != nil {
			return nil, err
		}
		return cmpNode{op: t.text, l: x, r: r}, nil
	}
	not := false
	if t.keyword("not") {
		not = true
		t = p.next()
	}
	switch {
	case t.keyword("between"):
		lo, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if a := p.next(); !a.keyword("and") {
			return nil, p.errAt(a, "expected AND in BETWEEN")
		}
		hi, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if err := p.checkComparable(t, x, lo, hi); err != nil {
			return nil, err
		}
		return betweenNode{x: x, lo: lo, hi: hi, not: not}, nil
	case t.keyword("in"):
		if l := p.next(); l.kind != tokLParen {
			return nil, p.errAt(l, "expected '(' after IN")
		}
		var list []operand
		for {
			o, err := p.parseOperand()
			if err != nil {
				return nil, err
			}
			list = append(list, o)
			sep := p.next()
			if sep.kind == tokRParen {
				break
			}
			if sep.kind != tokComma {
				return nil, p.errAt(sep, "expected ',' or ')' in IN list")
			}
		}
		if err := p.checkComparable(t, x, list...); err != nil {
			return nil, err
		}
		return inNode{x: x, list: list, not: not}, nil
	case t.keyword("like"):
		pat := p.next()
		if pat.kind != tokString {
			return nil, p.errAt(pat, "LIKE needs a string pattern")
		}
		return likeNode{x: x, re: likeRegexp(pat.text), not: not}, nil
	}
	if t.kind == tokEOF {
		return nil, p.errAt(t, "expected an operator")
	}
	return nil, p.errAt(t, "expected an operator, found %q", t.text)
}

func (p *exprParser) parseOperand() (operand, error) {
	t := p.next()
	switch t.kind {
	case tokString, tokNumber:
		return operand{key: -1, text: t.text}, nil
	case tokIdent:
		switch strings.ToLower(t.text) {
		case "and", "or", "not", "between", "in", "like":
			return operand{}, p.errAt(t, "expected a partition key or a literal, found %s", strings.ToUpper(t.text))
		}
		name := NormalizeName(t.text)
		for i, k := range p.keys {
			if k.Name == name {
				typ := ""
				if k.Type != nil {
					typ = *k.Type
				}
				return operand{key: i, numeric: isNumericType(typ)}, nil
			}
		}
		return operand{}, p.errAt(t, "%s is not a partition key of the table", t.text)
	case tokEOF:
		return operand{}, p.errAt(t, "unexpected end of expression")
	}
	return operand{}, p.errAt(t, "expected a partition key or a literal, found %q", t.text)
}

// checkComparable rejects a literal that can never compare with a numeric
// key, so a typo fails loudly instead of matching nothing.
func (p *exprParser) checkComparable(at token, x operand, others ...operand) error {
	all := append([]operand{x}, others...)
	numeric := false
	for _, o := range all {
		numeric = numeric || o.numeric
	}
	if !numeric {
		return nil
	}
	for _, o := range all {
		if o.key < 0 {
			if _, ok := new(big.Rat).SetString(o.text); !ok {
				return p.errAt(at, "%q is not a number but is compared with a numeric partition key", o.text)
			}
		}
	}
	return nil
}
