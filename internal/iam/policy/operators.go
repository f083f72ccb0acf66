package policy

import "strings"

// Condition operators, as listed in the IAM User Guide ("IAM JSON policy
// elements: Condition operators"). Each has an ...IfExists form and may be
// qualified with ForAllValues: or ForAnyValue:, except Null.

type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type comparison uint8

const (
	cmpEq comparison = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type qualifier uint8

const (
	qualNone qualifier = iota
	qualForAll
	qualForAny
)

// operator is a parsed operator name. Negated operators (StringNotEquals,
// NotIpAddress, ...) are stored as their positive base plus negated.
type operator struct {
	fam      family
	cmp      comparison
	negated  bool
	fold     bool // ...IgnoreCase
	like     bool // wildcards in values
	ifExists bool
	qual     qualifier
}

func parseOperator(name string) (operator, bool) {
	rest := name
	var qual qualifier
	if q, r, ok := strings.Cut(rest, ":"); ok {
		switch strings.ToLower(q) {
		case "forallvalues":
			qual = qualForAll
		case "foranyvalue":
			qual = qualForAny
		default:
			return operator{}, false
		}
		rest = r
	}
	ifExists := false
	if n := len(rest) - len("IfExists"); n > 0 && strings.EqualFold(rest[n:], "IfExists") {
		rest, ifExists = rest[:n], true
	}
	op, ok := baseOperator(strings.ToLower(rest))
	if !ok || (op.fam == famNull && (ifExists || qual != qualNone)) {
		return operator{}, false
	}
	op.ifExists, op.qual = ifExists, qual
	return op, true
}

func baseOperator(lowerName string) (operator, bool) {
	switch lowerName {
	case "stringequals":
		return operator{fam: famString}, true
	case "stringnotequals":
		return operator{fam: famString, negated: true}, true
	case "stringequalsignorecase":
		return operator{fam: famString, fold: true}, true
	case "stringnotequalsignorecase":
		return operator{fam: famString, fold: true, negated: true}, true
	case "stringlike":
		return operator{fam: famString, like: true}, true
	case "stringnotlike":
		return operator{fam: famString, like: true, negated: true}, true
	case "bool":
		return operator{fam: famBool, fold: true}, true
	case "binaryequals":
		return operator{fam: famBinary}, true
	case "ipaddress":
		return operator{fam: famIP}, true
	case "notipaddress":
		return operator{fam: famIP, negated: true}, true
	case "arnequals", "arnlike": // both take wildcards in every ARN segment
		return operator{fam: famARN, like: true}, true
	case "arnnotequals", "arnnotlike":
		return operator{fam: famARN, like: true, negated: true}, true
	case "null":
		return operator{fam: famNull}, true
	}
	if rest, ok := strings.CutPrefix(lowerName, "numeric"); ok {
		return comparisonOperator(famNumeric, rest)
	}
	if rest, ok := strings.CutPrefix(lowerName, "date"); ok {
		return comparisonOperator(famDate, rest)
	}
	return operator{}, false
}

func comparisonOperator(fam family, rest string) (operator, bool) {
	switch rest {
	case "equals":
		return operator{fam: fam, cmp: cmpEq}, true
	case "notequals":
		return operator{fam: fam, cmp: cmpEq, negated: true}, true
	case "lessthan":
		return operator{fam: fam, cmp: cmpLt}, true
	case "lessthanequals":
		return operator{fam: fam, cmp: cmpLe}, true
	case "greaterthan":
		return operator{fam: fam, cmp: cmpGt}, true
	case "greaterthanequals":
		return operator{fam: fam, cmp: cmpGe}, true
	}
	return operator{}, false
}

// holds applies a numeric or date comparison of a request value r to a
// policy value p, given the sign of r-p.
func (c comparison) holds(sign int) bool {
	switch c {
	case cmpLt:
		return sign < 0
	case cmpLe:
		return sign <= 0
	case cmpGt:
		return sign > 0
	case cmpGe:
		return sign >= 0
	}
	return sign == 0
}

// variablesAllowed says whether policy variables are read in this
// operator's values (String, ARN and Bool operators, per the User Guide).
func (o operator) variablesAllowed() bool {
	return o.fam == famString || o.fam == famARN || o.fam == famBool
}
