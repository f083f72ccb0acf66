package query

import (
	"strconv"
	"time"
)

// keyPreds are the predicates a query's partition filter puts on one
// projected key.
type keyPreds struct {
	eq    []string // values of = and IN (intersected)
	hasEq bool
	other bool     // a predicate that is not = or IN
	lower []string // literals of >, >=, BETWEEN's low end
	upper []string // literals of <, <=, BETWEEN's high end
}

// filterConjuncts splits a partition filter ("(a = 'x') AND (b > 2)")
// into its top-level AND terms, outer parentheses removed.
func filterConjuncts(filter string) [][]token {
	if filter == "" {
		return nil
	}
	toks, err := lexCode(filter)
	if err != nil {
		return nil
	}
	conj := whereConjuncts(append([]token{synth(tIdent, "WHERE")}, toks...), 0)
	for i, c := range conj {
		for len(c) >= 2 && c[0].isPunct("(") && matchParen(c, 0) == len(c)-1 {
			c = c[1 : len(c)-1]
		}
		conj[i] = c
	}
	return conj
}

// keyPredicates collects the predicates on key from the filter.
func keyPredicates(filter, key string) keyPreds {
	var kp keyPreds
	for _, c := range filterConjuncts(filter) {
		mentions := false
		for _, t := range c {
			mentions = mentions || t.isName() && t.name() == key
		}
		if !mentions {
			continue
		}
		if !kp.add(c, key) {
			kp.other = true
		}
	}
	return kp
}

// add records one conjunct; false when it is not a simple comparison of
// the key with literals.
func (kp *keyPreds) add(c []token, key string) bool {
	isKey := func(t token) bool { return t.isName() && t.name() == key }
	if len(c) >= 3 && isKey(c[len(c)-1]) && c[len(c)-2].kind == tPunct { // literal op key
		lit, ok := literalOf(c[:len(c)-2])
		flip := map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[c[len(c)-2].text]
		return ok && flip != "" && kp.compare(flip, lit)
	}
	if len(c) < 3 || !isKey(c[0]) {
		return false
	}
	switch {
	case c[1].kind == tPunct:
		lit, ok := literalOf(c[2:])
		return ok && kp.compare(c[1].text, lit)
	case c[1].is("in") && c[2].isPunct("(") && matchParen(c, 2) == len(c)-1:
		var vals []string
		for _, a := range splitArgs(c[3 : len(c)-1]) {
			v, ok := literalOf(a)
			if !ok {
				return false
			}
			vals = append(vals, v)
		}
		kp.intersect(vals)
		return true
	case c[1].is("between"):
		for i := 2; i < len(c); i++ {
			if c[i].is("and") {
				lo, ok1 := literalOf(c[2:i])
				hi, ok2 := literalOf(c[i+1:])
				if !ok1 || !ok2 {
					return false
				}
				kp.lower, kp.upper = append(kp.lower, lo), append(kp.upper, hi)
				kp.other = true
				return true
			}
		}
	}
	return false
}

func (kp *keyPreds) compare(op, lit string) bool {
	switch op {
	case "=":
		kp.intersect([]string{lit})
	case ">", ">=":
		kp.lower = append(kp.lower, lit)
		kp.other = true
	case "<", "<=":
		kp.upper = append(kp.upper, lit)
		kp.other = true
	default:
		return false
	}
	return true
}

func (kp *keyPreds) intersect(vals []string) {
	if !kp.hasEq {
		kp.eq, kp.hasEq = vals, true
		return
	}
	keep := map[string]bool{}
	for _, v := range vals {
		keep[v] = true
	}
	var out []string
	for _, v := range kp.eq {
		if keep[v] {
			out = append(out, v)
		}
	}
	kp.eq = out
}

// literalOf reads a string or (signed) number literal.
func literalOf(toks []token) (string, bool) {
	switch {
	case len(toks) == 1 && toks[0].kind == tString:
		return toks[0].stringValue(), true
	case len(toks) == 1 && toks[0].kind == tNumber:
		return toks[0].text, true
	case len(toks) == 2 && toks[0].isPunct("-") && toks[1].kind == tNumber:
		return "-" + toks[1].text, true
	}
	return "", false
}

// candidates are the key's projected values the predicates leave (still
// to be filtered by the predicates themselves).
func (k projectedKey) candidates(kp keyPreds) ([]string, error) {
	if k.kind == "injected" {
		if !kp.hasEq || kp.other {
			return nil, userError("CONSTRAINT_VIOLATION", "For the injected projected partition column %s, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.", k.name)
		}
		return kp.eq, nil
	}
	if kp.hasEq {
		var out []string
		for _, v := range kp.eq {
			if m, ok := k.member(v); ok {
				out = append(out, m)
			}
		}
		return out, nil
	}
	switch k.kind {
	case "enum":
		return k.values, nil
	case "integer":
		return k.integers(kp)
	}
	return k.dates(kp)
}

// member returns v as the projection writes it, if it is a projected value.
func (k projectedKey) member(v string) (string, bool) {
	switch k.kind {
	case "enum":
		for _, e := range k.values {
			if e == v {
				return v, true
			}
		}
		return "", false
	case "injected":
		return v, true
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < k.lo || n > k.hi || (n-k.lo)%k.step != 0 {
			return "", false
		}
		return k.formatInt(n), true
	}
	t, err := k.format.parse(v)
	if err != nil || t.Before(k.dlo) || t.After(k.dhi) {
		return "", false
	}
	aligned := k.dlo
	if n := stepsBetween(k.dlo, t, k.dstep, k.dunit); n > 0 {
		aligned = addUnits(k.dlo, int(n-1)*k.dstep, k.dunit)
	}
	if !aligned.Equal(t) {
		return "", false
	}
	return k.format.format(t), true
}

func (k projectedKey) formatInt(n int64) string {
	if k.digits > 0 {
		s := strconv.FormatInt(n, 10)
		for len(s) < k.digits {
			s = "0" + s
		}
		return s
	}
	return strconv.FormatInt(n, 10)
}

// integers enumerates an integer range, narrowed by range predicates when
// the key compares as a number.
func (k projectedKey) integers(kp keyPreds) ([]string, error) {
	lo, hi := k.lo, k.hi
	if k.numeric {
		for _, l := range kp.lower {
			if n, err := strconv.ParseInt(l, 10, 64); err == nil && n > lo {
				lo = k.lo + (n-k.lo)/k.step*k.step
			}
		}
		for _, u := range kp.upper {
			if n, err := strconv.ParseInt(u, 10, 64); err == nil && n < hi {
				hi = n
			}
		}
	}
	if hi < lo {
		return nil, nil
	}
	if (hi-lo)/k.step+1 > maxProjectedPartitions {
		return nil, tooManyValues{}
	}
	var out []string
	for n := lo; n <= hi; n += k.step {
		out = append(out, k.formatInt(n))
	}
	return out, nil
}

// tooManyValues is reported as the table's HIVE_EXCEEDED_PARTITION_LIMIT.
type tooManyValues struct{}

func (tooManyValues) Error() string { return "too many projected values" }

// dates enumerates a date range, narrowed by range predicates when the
// format's text sorts in date order.
func (k projectedKey) dates(kp keyPreds) ([]string, error) {
	lo, hi := k.dlo, k.dhi
	if k.orderedTexts {
		for _, l := range kp.lower {
			if t, err := k.format.parse(l); err == nil && t.After(lo) {
				lo = k.alignDown(t)
			}
		}
		for _, u := range kp.upper {
			if t, err := k.format.parse(u); err == nil && t.Before(hi) {
				hi = t
			}
		}
	}
	if hi.Before(lo) {
		return nil, nil
	}
	if stepsBetween(lo, hi, k.dstep, k.dunit) > maxProjectedPartitions {
		return nil, tooManyValues{}
	}
	var out []string
	for t := lo; !t.After(hi); t = addUnits(t, k.dstep, k.dunit) {
		out = append(out, k.format.format(t))
	}
	return out, nil
}

// alignDown is the last projected date at or before t.
func (k projectedKey) alignDown(t time.Time) time.Time {
	n := stepsBetween(k.dlo, t, k.dstep, k.dunit)
	a := addUnits(k.dlo, int(max(n-1, 0))*k.dstep, k.dunit)
	for a.After(t) && a.After(k.dlo) {
		a = addUnits(a, -k.dstep, k.dunit)
	}
	return a
}
