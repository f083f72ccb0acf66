package warehouse

import (
	"fmt"
	"strings"
)

// Redshift table and column attributes that steer distribution across
// nodes, sort order on disk and compression (DISTSTYLE, DISTKEY, SORTKEY,
// ENCODE, BACKUP) are removed: on a single-node DuckDB store they change
// where and how rows are stored, never which rows a query returns.
// PRIMARY KEY, UNIQUE and REFERENCES are removed too because Redshift
// does not enforce them (they are planner hints there); keeping them in
// DuckDB would reject loads Redshift accepts.

// typeRewrites are Redshift type names DuckDB spells differently.
var typeRewrites = map[string]string{
	"nvarchar": "VARCHAR", "nchar": "VARCHAR", "bpchar": "VARCHAR",
	"varbyte": "BLOB", "varbinary": "BLOB", "binary": "BLOB",
	"float": "DOUBLE", // Redshift FLOAT is FLOAT8
}

// unsupportedTypes have no DuckDB counterpart with Redshift's behaviour.
var unsupportedTypes = words(`super geometry geography hllsketch`)

// tableEdits returns the edits turning Redshift column types and table
// attributes into DuckDB's, starting at toks[i] (after the table name),
// and whether the statement is CREATE TABLE AS.
func tableEdits(toks []token, i int) ([]edit, bool, error) {
	var edits []edit
	if i < len(toks) && toks[i].isPunct("(") {
		end := matchParen(toks, i)
		if end < 0 {
			return nil, false, syntaxError("unbalanced parentheses in CREATE TABLE")
		}
		es, err := columnEdits(toks, i+1, end)
		if err != nil {
			return nil, false, err
		}
		edits = append(edits, es...)
		i = end + 1
	}
	for i < len(toks) {
		t := toks[i]
		next := i + 1
		switch {
		case t.is("as"):
			return edits, true, nil
		case t.is("diststyle"), t.is("backup"), t.is("encode"):
			next = i + 2
		case t.is("compound"), t.is("interleaved"):
		case t.is("distkey"), t.is("sortkey"):
			if next < len(toks) && toks[next].isPunct("(") {
				if next = matchParen(toks, next) + 1; next == 0 {
					return nil, false, syntaxError("unbalanced parentheses after " + strings.ToUpper(t.text))
				}
			} else if next < len(toks) && toks[next].is("auto") {
				next++
			}
		default:
			return nil, false, newPGError(codeFeatureNotSupported, fmt.Sprintf("table attribute %q is not supported", t.text))
		}
		next = min(next, len(toks))
		edits = append(edits, edit{start: t.pos, end: toks[next-1].end()})
		i = next
	}
	return edits, false, nil
}

// columnEdits handles the elements of the column list toks[from:to].
func columnEdits(toks []token, from, to int) ([]edit, error) {
	var edits []edit
	elems := splitTop(toks, from, to)
	for k, el := range elems {
		first := toks[el[0]]
		switch {
		case first.is("primary"), first.is("unique"), first.is("foreign"):
			// Drop the constraint with the comma before it (or after it,
			// for the first element).
			start, end := toks[el[0]].pos, toks[el[1]-1].end()
			if k > 0 {
				start = toks[el[0]-1].pos
			} else if len(elems) > 1 {
				end = toks[el[1]].end()
			}
			edits = append(edits, edit{start: start, end: end})
		case first.is("check"), first.is("constraint"), first.is("like"):
			return nil, newPGError(codeFeatureNotSupported, fmt.Sprintf("%s in CREATE TABLE is not supported", strings.ToUpper(first.text)))
		default:
			es, err := columnDefEdits(toks, el[0], el[1])
			if err != nil {
				return nil, err
			}
			edits = append(edits, es...)
		}
	}
	return edits, nil
}

// columnDefEdits rewrites one "name type [attributes]".
func columnDefEdits(toks []token, from, to int) ([]edit, error) {
	var edits []edit
	if from+1 >= to {
		return nil, syntaxError(fmt.Sprintf("column %s has no type", toks[from].text))
	}
	typ := toks[from+1]
	if unsupportedTypes[typ.name()] {
		return nil, newPGError(codeFeatureNotSupported, fmt.Sprintf("type %s is not supported", strings.ToUpper(typ.text)))
	}
	if r, ok := typeRewrites[typ.name()]; ok && typ.kind == tIdent {
		edits = append(edits, edit{start: typ.pos, end: typ.end(), text: r})
	}
	for i := from + 2; i < to; i++ {
		t := toks[i]
		switch {
		case t.isPunct("(") && i+2 < to && toks[i+1].is("max") && toks[i+2].isPunct(")"):
			edits = append(edits, edit{start: t.pos, end: toks[i+2].end()}) // VARCHAR(MAX)
			i += 2
		case t.is("encode"):
			edits = append(edits, edit{start: t.pos, end: toks[min(i+1, to-1)].end()})
			i++
		case t.is("distkey"), t.is("sortkey"), t.is("unique"):
			edits = append(edits, edit{start: t.pos, end: t.end()})
		case t.is("primary") && i+1 < to && toks[i+1].is("key"):
			edits = append(edits, edit{start: t.pos, end: toks[i+1].end()})
			i++
		case t.is("references"):
			end := i + 2
			if end < to && toks[end].isPunct("(") {
				end = matchParen(toks, end) + 1
			}
			edits = append(edits, edit{start: t.pos, end: toks[end-1].end()})
			i = end - 1
		case t.is("collate") && i+1 < to && toks[i+1].is("case_sensitive"):
			edits = append(edits, edit{start: t.pos, end: toks[i+1].end()})
			i++
		case t.is("collate"), t.is("identity"), t.is("generated"):
			return nil, newPGError(codeFeatureNotSupported, fmt.Sprintf("column attribute %s is not supported", strings.ToUpper(t.text)))
		}
	}
	return edits, nil
}

// splitTop splits toks[from:to] at depth-0 commas into [start, end) ranges.
func splitTop(toks []token, from, to int) [][2]int {
	var out [][2]int
	depth, start := 0, from
	for i := from; i < to; i++ {
		switch {
		case toks[i].isPunct("("):
			depth++
		case toks[i].isPunct(")"):
			depth--
		case toks[i].isPunct(",") && depth == 0:
			if i > start {
				out = append(out, [2]int{start, i})
			}
			start = i + 1
		}
	}
	if to > start {
		out = append(out, [2]int{start, to})
	}
	return out
}

// matchParen returns the index of the ")" closing toks[open], or -1.
func matchParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].isPunct("("):
			depth++
		case toks[i].isPunct(")"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
