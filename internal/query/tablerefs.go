package query

import "strings"

// tableRef is one table named in a FROM clause.
type tableRef struct {
	start, end int      // code-token range [start, end) of the name
	parts      []string // name parts as written: [catalog.][db.]table
	hasAlias   bool     // the user gave an alias
	alias      string   // what columns may be qualified with
	conjuncts  [][]token
}

// clauseEnd are keywords that end a FROM list at its nesting level.
var clauseEnd = words(`where group having order limit offset fetch union except intersect window qualify`)

// reservedAfterTable are words that cannot be an implicit alias.
var reservedAfterTable = words(`
	where group having order limit offset fetch union except intersect window qualify
	join inner left right full cross natural on using tablesample as
`)

// findTableRefs locates the tables of every FROM clause in toks. A FROM
// opens a table list only at a nesting level where a SELECT was seen, so
// EXTRACT(year FROM ts) and TRIM(BOTH FROM s) are not mistaken for one.
func findTableRefs(toks []token) []tableRef {
	type level struct{ select_, inFrom bool }
	stack := []level{{}}
	expect := false
	ctes := cteNames(toks)
	var refs []tableRef
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		top := &stack[len(stack)-1]
		switch {
		case t.isPunct("("):
			stack = append(stack, level{})
			expect = false
			continue
		case t.isPunct(")"):
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		case t.is("select"):
			top.select_, top.inFrom = true, false
		case t.is("from") && top.select_:
			top.inFrom, expect = true, true
			continue
		case t.is("join") && top.inFrom:
			expect = true
			continue
		case t.isPunct(",") && top.inFrom:
			expect = true
			continue
		case t.kind == tIdent && clauseEnd[t.name()]:
			top.inFrom = false
		}
		if !expect {
			continue
		}
		expect = false
		if !t.isName() || t.kind == tIdent && (notFunctions[t.name()] || reservedAfterTable[t.name()]) {
			continue // a keyword: LATERAL, UNNEST, a clause (a syntax error DuckDB reports)
		}
		j := i + 1
		for j+1 < len(toks) && toks[j].isPunct(".") && toks[j+1].isName() {
			j += 2
		}
		if j < len(toks) && toks[j].isPunct("(") {
			continue // a table function
		}
		ref := tableRef{start: i, end: j}
		for k := i; k < j; k += 2 {
			ref.parts = append(ref.parts, toks[k].name())
		}
		if len(ref.parts) == 1 && ctes[ref.parts[0]] {
			continue
		}
		ref.alias = ref.parts[len(ref.parts)-1]
		if j < len(toks) {
			n := toks[j]
			if n.is("as") && j+1 < len(toks) {
				ref.hasAlias, ref.alias = true, toks[j+1].name()
			} else if n.isName() && !(n.kind == tIdent && reservedAfterTable[n.name()]) {
				ref.hasAlias, ref.alias = true, n.name()
			}
		}
		ref.conjuncts = whereConjuncts(toks, j)
		refs = append(refs, ref)
		i = j - 1
	}
	return refs
}

// cteNames collects the names defined by WITH clauses: "name AS (" and
// "name (columns) AS (".
func cteNames(toks []token) map[string]bool {
	names := map[string]bool{}
	for i := 0; i+2 < len(toks); i++ {
		if !toks[i].isName() {
			continue
		}
		j := i + 1
		if toks[j].isPunct("(") {
			if j = matchParen(toks, j); j < 0 {
				continue
			}
			j++
		}
		if j+1 < len(toks) && toks[j].is("as") && toks[j+1].isPunct("(") {
			names[toks[i].name()] = true
		}
	}
	return names
}

// whereConjuncts returns the top-level AND terms of the WHERE clause that
// belongs to the query block containing toks[from].
func whereConjuncts(toks []token, from int) [][]token {
	depth := 0
	i := from
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
			if depth < 0 {
				return nil
			}
		case depth == 0 && t.is("where"):
			goto found
		case depth == 0 && t.kind == tIdent && clauseEnd[t.name()]:
			return nil
		}
	}
	return nil
found:
	var out [][]token
	start := i + 1
	between := false
	for i = start; i <= len(toks); i++ {
		if i == len(toks) {
			out = append(out, toks[start:i])
			break
		}
		t := toks[i]
		switch {
		case t.isPunct("("):
			depth++
		case t.isPunct(")"):
			depth--
		}
		if depth < 0 || depth == 0 && (t.isPunct(";") || t.kind == tIdent && clauseEnd[t.name()] && !t.is("where")) {
			out = append(out, toks[start:i])
			break
		}
		if depth != 0 {
			continue
		}
		if t.is("between") {
			between = true
		} else if t.is("and") {
			if between {
				between = false
				continue
			}
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return out
}

// partitionFilter renders the conjuncts that mention only the partition
// keys (optionally qualified by the table's alias) and literals, in the
// syntax of Glue's partition expressions. Every other conjunct is left out,
// which only prunes less: DuckDB still applies the whole WHERE clause.
func partitionFilter(ref tableRef, keys map[string]bool, single bool) []string {
	var out []string
next:
	for _, c := range ref.conjuncts {
		var parts []string
		for i := 0; i < len(c); i++ {
			t := c[i]
			if t.isName() && i+2 < len(c) && c[i+1].isPunct(".") {
				if t.name() != ref.alias {
					continue next
				}
				i += 2
				t = c[i]
			} else if t.isName() && !single && keys[t.name()] {
				continue next // unqualified with several tables: ambiguous
			}
			switch {
			case t.kind == tQuoted || t.kind == tIdent && keys[t.name()]:
				if !keys[t.name()] {
					continue next
				}
				parts = append(parts, t.name())
			case t.kind == tIdent:
				if !filterWords[t.name()] {
					continue next
				}
				parts = append(parts, strings.ToUpper(t.text))
			case t.kind == tParam:
				continue next
			default:
				parts = append(parts, t.text)
			}
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, " "))
		}
	}
	return out
}

// filterWords may appear in a pruning conjunct. IS [NOT] NULL may not: on
// the nullable side of an outer join it is not null-rejecting, so pruning by
// it would change which rows the join produces.
var filterWords = words(`and or not in between like`)
