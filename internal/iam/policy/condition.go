package policy

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// condition is a compiled Condition: one operator on one key. Only the
// slice for the operator's family is filled.
type condition struct {
	op    operator
	key   string
	strs  []pattern    // String, Bool
	arns  []arnPattern // ARN
	bins  []string     // Binary (base64 text)
	nums  []float64
	dates []time.Time
	nets  []netip.Prefix
	nulls []bool // Null: true means "the key must be absent"
}

func compileCondition(c Condition, vars bool) (condition, error) {
	op, ok := parseOperator(c.Operator)
	if !ok {
		return condition{}, malformed("Invalid Condition type : %s", c.Operator)
	}
	if !hasVendor(c.Key) {
		return condition{}, malformed(errVendor)
	}
	if len(c.Values) == 0 {
		return condition{}, syntaxError()
	}
	cc := condition{op: op, key: c.Key}
	vars = vars && op.variablesAllowed()
	for _, v := range c.Values {
		if !cc.addValue(v, vars) {
			return condition{}, malformed("Invalid Condition value for %s: %q", c.Operator, v)
		}
	}
	return cc, nil
}

// addValue compiles one policy value; it reports false for a value the
// operator cannot compare (a non-number for NumericEquals, a bad CIDR, ...).
func (c *condition) addValue(v string, vars bool) bool {
	switch c.op.fam {
	case famString:
		c.strs = append(c.strs, compilePattern(v, patternOpts{wild: c.op.like, vars: vars, fold: c.op.fold}))
	case famBool:
		if !(vars && strings.Contains(v, "${")) && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return false
		}
		c.strs = append(c.strs, compilePattern(v, patternOpts{vars: vars, fold: true}))
	case famARN:
		c.arns = append(c.arns, compileARN(v, patternOpts{wild: true, vars: vars}))
	case famBinary:
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return false
		}
		c.bins = append(c.bins, v)
	case famNumeric:
		n, ok := parseNumber(v)
		if !ok {
			return false
		}
		c.nums = append(c.nums, n)
	case famDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		c.dates = append(c.dates, t)
	case famIP:
		p, ok := parseCIDR(v)
		if !ok {
			return false
		}
		c.nets = append(c.nets, p)
	case famNull:
		switch strings.ToLower(v) {
		case "true":
			c.nulls = append(c.nulls, true)
		case "false":
			c.nulls = append(c.nulls, false)
		default:
			return false
		}
	}
	return true
}

// holds evaluates the condition against the request context, with IAM's
// rules for absent keys: ...IfExists and ForAllValues hold, ForAnyValue
// does not, negated operators hold, the rest do not.
func (c *condition) holds(ctx Context) bool {
	vals, present := ctx.lookup(c.key)
	if c.op.fam == famNull {
		absent := !present || len(vals) == 0
		for _, wantAbsent := range c.nulls {
			if wantAbsent == absent {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.op.ifExists, c.op.qual == qualForAll:
			return true
		case c.op.qual == qualForAny:
			return false
		}
		return c.op.negated
	}
	switch c.op.qual {
	case qualForAll: // every request value satisfies the operator
		for _, v := range vals {
			if c.matchAny(v, ctx) == c.op.negated {
				return false
			}
		}
		return true
	case qualForAny: // at least one request value satisfies it
		for _, v := range vals {
			if c.matchAny(v, ctx) != c.op.negated {
				return true
			}
		}
		return false
	}
	// Plain operators: values of one key are ORed; a negated operator
	// holds when no value matches (NOR).
	for _, v := range vals {
		if c.matchAny(v, ctx) {
			return !c.op.negated
		}
	}
	return c.op.negated
}

// matchAny reports whether request value v matches any policy value under
// the operator's positive form.
func (c *condition) matchAny(v string, ctx Context) bool {
	switch c.op.fam {
	case famString, famBool:
		for i := range c.strs {
			if c.strs[i].match(v, ctx) {
				return true
			}
		}
	case famARN:
		r := splitARN(v)
		for i := range c.arns {
			if c.arns[i].match(&r, ctx) {
				return true
			}
		}
	case famBinary:
		for _, b := range c.bins {
			if b == v {
				return true
			}
		}
	case famNumeric:
		return c.matchNumber(v)
	case famDate:
		return c.matchDate(v)
	case famIP:
		return c.matchIP(v)
	}
	return false
}

// parseNumber reads a finite decimal number (NaN would compare equal to
// everything in matchNumber).
func parseNumber(s string) (float64, bool) {
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil && !math.IsNaN(n) && !math.IsInf(n, 0)
}

func (c *condition) matchNumber(v string) bool {
	n, ok := parseNumber(v)
	if !ok {
		return false
	}
	for _, p := range c.nums {
		sign := 0
		if n < p {
			sign = -1
		} else if n > p {
			sign = 1
		}
		if c.op.cmp.holds(sign) {
			return true
		}
	}
	return false
}

func (c *condition) matchDate(v string) bool {
	t, ok := parseDate(v)
	if !ok {
		return false
	}
	for _, p := range c.dates {
		if c.op.cmp.holds(t.Compare(p)) {
			return true
		}
	}
	return false
}

func (c *condition) matchIP(v string) bool {
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range c.nets {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// parseCIDR reads an IpAddress value: a CIDR block or a single address.
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// parseDate reads an ISO 8601 date or a Unix epoch in seconds, as Date
// operators accept for aws:CurrentTime and aws:EpochTime.
func parseDate(s string) (time.Time, bool) {
	if isEpoch(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
	}
	// The W3C profile of ISO 8601 that IAM documents, longest first; RFC
	// 3339 leads because time.Parse has an allocation-free path for it.
	layouts := [...]string{
		time.RFC3339Nano,
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02",
		"2006-01",
		"2006",
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isEpoch: digits with at most one '.', more than four digits so that a
// bare year ("2024") is read as a date.
func isEpoch(s string) bool {
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			digits++
		case s[i] == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 4 && dots <= 1
}

const errVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."

// hasVendor checks the "vendor:name" shape of actions and condition keys.
func hasVendor(s string) bool {
	vendor, name, ok := strings.Cut(s, ":")
	return ok && vendor != "" && name != "" && !strings.ContainsAny(vendor, "*? ")
}
