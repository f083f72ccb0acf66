package dashboard

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Identifiers and literals in generated SQL. Field names are checked
// against the dataset's columns before they get here and are quoted anyway
// (a column may be called "order" or contain a quote); every user value
// becomes a literal through these functions only.

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// columnSet is a dataset's columns by name.
type columnSet map[string]string

func newColumnSet(cols []Column) columnSet {
	m := columnSet{}
	for _, c := range cols {
		m[c.Name] = strings.ToLower(c.Type)
	}
	return m
}

// field returns the quoted column, or an error naming what is valid.
func (cs columnSet) field(name, role string) (string, string, error) {
	t, ok := cs[name]
	if !ok {
		if name == "" {
			return "", "", invalid("%s needs a field", role)
		}
		return "", "", invalid("%s: the dataset has no column %q", role, name)
	}
	return quoteIdent(name), t, nil
}

// Type classes of Athena type names.
func isNumeric(t string) bool {
	switch {
	case t == "tinyint", t == "smallint", t == "integer", t == "int", t == "bigint",
		t == "double", t == "float", t == "real", strings.HasPrefix(t, "decimal"):
		return true
	}
	return false
}

func isIntegral(t string) bool {
	return t == "tinyint" || t == "smallint" || t == "integer" || t == "int" || t == "bigint"
}

func isTemporal(t string) bool {
	return t == "date" || strings.HasPrefix(t, "timestamp")
}

// activeFilter is a dashboard filter with the user's current choice.
type activeFilter struct {
	Filter
	Value FilterValue
}

// whereClause turns the filters into " WHERE ..." (or ""). A filter on a
// field the dataset lacks does not apply, as the API says.
func whereClause(cs columnSet, filters []activeFilter) (string, error) {
	var terms []string
	for _, f := range filters {
		if _, ok := cs[f.Field]; !ok {
			continue
		}
		var t []string
		var err error
		switch f.Type {
		case FilterDateRange:
			t, err = dateRangeTerms(cs, f)
		case FilterValues:
			t, err = valuesTerms(cs, f)
		default:
			err = invalid("filter %s: unknown type %q", f.ID, f.Type)
		}
		if err != nil {
			return "", err
		}
		terms = append(terms, t...)
	}
	if len(terms) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(terms, " AND "), nil
}

// dateRangeTerms bounds a time field, both ends inclusive. An integer field
// holds Unix seconds (the inventory's check_timestamp) and is compared as a
// number, which keeps the scan cheap; anything else is compared as a
// timestamp.
func dateRangeTerms(cs columnSet, f activeFilter) ([]string, error) {
	col, typ, err := cs.field(f.Field, "filter "+f.ID)
	if err != nil {
		return nil, err
	}
	var terms []string
	for _, end := range []struct{ text, op string }{{f.Value.From, ">="}, {f.Value.To, "<="}} {
		if end.text == "" {
			continue
		}
		t, err := parseTime(end.text)
		if err != nil {
			return nil, invalid("filter %s: %q is not an RFC 3339 time", f.ID, end.text)
		}
		switch {
		case isNumeric(typ):
			terms = append(terms, fmt.Sprintf("%s %s %d", col, end.op, t.Unix()))
		case isTemporal(typ):
			terms = append(terms, fmt.Sprintf("%s %s TIMESTAMP %s", col, end.op, quoteString(t.UTC().Format("2006-01-02 15:04:05.000"))))
		default:
			terms = append(terms, fmt.Sprintf("CAST(%s AS TIMESTAMP) %s TIMESTAMP %s", col, end.op, quoteString(t.UTC().Format("2006-01-02 15:04:05.000"))))
		}
	}
	return terms, nil
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", s)
}

// valuesTerms keeps rows whose field is one of the chosen values; an empty
// choice keeps everything.
func valuesTerms(cs columnSet, f activeFilter) ([]string, error) {
	if len(f.Value.Values) == 0 {
		return nil, nil
	}
	col, typ, err := cs.field(f.Field, "filter "+f.ID)
	if err != nil {
		return nil, err
	}
	var lits []string
	withNull := false
	for _, v := range f.Value.Values {
		if v == nil {
			withNull = true
			continue
		}
		lit, err := literal(v, typ)
		if err != nil {
			return nil, invalid("filter %s: %v", f.ID, err)
		}
		lits = append(lits, lit)
	}
	var parts []string
	if len(lits) > 0 {
		parts = append(parts, col+" IN ("+strings.Join(lits, ", ")+")")
	}
	if withNull {
		parts = append(parts, col+" IS NULL")
	}
	if len(parts) == 1 {
		return parts, nil
	}
	return []string{"(" + strings.Join(parts, " OR ") + ")"}, nil
}

var numberLiteral = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// literal renders a filter value for a column of Athena type typ.
func literal(v any, typ string) (string, error) {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case json.Number:
		text = x.String()
	case float64:
		text = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		text = strconv.FormatBool(x)
	default:
		return "", fmt.Errorf("value %v is not a string, number or boolean", v)
	}
	switch {
	case isNumeric(typ):
		if !numberLiteral.MatchString(text) {
			return "", fmt.Errorf("%q is not a number", text)
		}
		return text, nil
	case typ == "boolean":
		b, err := strconv.ParseBool(text)
		if err != nil {
			return "", fmt.Errorf("%q is not a boolean", text)
		}
		return strconv.FormatBool(b), nil
	}
	if strings.ContainsRune(text, 0) {
		return "", fmt.Errorf("value contains a NUL character")
	}
	return quoteString(text), nil
}
