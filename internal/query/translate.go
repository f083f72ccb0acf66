package query

import (
	"strings"
)

// Function translation. Every function call in a query must be on this
// list: Trino functions DuckDB runs with the same meaning (directly or
// through a macro in engine.go), or ones the translator rewrites. Anything
// else fails with FUNCTION_NOT_FOUND naming the function, because a DuckDB
// function of the same name could silently mean something else.
var sameFunctions = words(`
	count sum avg min max count_if bool_and bool_or every arbitrary any_value
	array_agg map_agg histogram max_by min_by stddev stddev_samp stddev_pop variance var_samp var_pop
	corr covar_samp covar_pop regr_slope regr_intercept
	approx_distinct approx_percentile
	row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
	coalesce nullif if
	abs ceil ceiling floor round sign sqrt cbrt exp ln log log2 log10 power pow mod
	sin cos tan asin acos atan atan2 sinh cosh tanh degrees radians pi random
	is_finite is_infinite
	lower upper length substr substring replace trim ltrim rtrim lpad rpad reverse
	split split_part strpos position starts_with chr codepoint index
	regexp_like regexp_extract_all
	year month day hour minute second quarter week
	day_of_week dow day_of_year doy day_of_month week_of_year year_of_week
	date_trunc from_unixtime to_unixtime from_iso8601_timestamp from_iso8601_date to_iso8601
	current_date now
	contains array_join flatten map map_keys map_values map_from_entries
	json_extract_scalar json_array_length json_parse json_format
`)

// renamedFunctions are Trino functions whose DuckDB counterpart has
// another name (or a macro that must not shadow DuckDB's own).
var renamedFunctions = map[string]string{
	// Trino replaces every match; see the macro.
	"regexp_replace": "trino_regexp_replace",
	// Trino returns NULL when nothing matches, DuckDB an empty string.
	"regexp_extract": "trino_regexp_extract",
	// Trino counts whole units elapsed (DuckDB's date_sub), not
	// boundaries crossed (DuckDB's date_diff).
	"date_diff":         "date_sub",
	"cardinality":       "len",
	"array_max":         "list_max",
	"array_min":         "list_min",
	"array_distinct":    "list_distinct",
	"array_sort":        "list_sort",
	"sequence":          "generate_series",
	"rand":              "random",
	"truncate":          "trunc",
	"is_nan":            "isnan",
	"last_day_of_month": "last_day",
}

// Keywords that are followed by "(" without being function calls.
var notFunctions = words(`
	in exists as values over filter cast try_cast extract array row decimal varchar char
	map on using and or not when then else select from join unnest lateral with where
	interval is between like case end all any some distinct partition by order group having
	within union except intersect limit offset table recursive numeric timestamp date time
	into insert
`)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// translateFunctions rewrites the function calls in toks (code tokens).
func translateFunctions(src string, toks []token) ([]token, error) {
	var out []token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !isCall(toks, i) {
			out = append(out, t)
			continue
		}
		name := t.name()
		close := matchParen(toks, i+1)
		if close < 0 {
			return nil, syntaxError(src, t.pos, "unbalanced parentheses after %s", t.text)
		}
		args := splitArgs(toks[i+2 : close])
		for k := range args {
			var err error
			if args[k], err = translateFunctions(src, args[k]); err != nil {
				return nil, err
			}
		}
		call, err := translateCall(src, t, name, args)
		if err != nil {
			return nil, err
		}
		call[0].pre = t.pre
		out = append(out, call...)
		i = close
	}
	return out, nil
}

// isCall reports whether toks[i] starts a function call: a name followed
// by "(" that is not a keyword, a type (after AS) or a qualified name.
func isCall(toks []token, i int) bool {
	t := toks[i]
	if t.kind != tIdent || i+1 >= len(toks) || !toks[i+1].isPunct("(") {
		return false
	}
	if notFunctions[t.name()] {
		return false
	}
	if i > 0 && (toks[i-1].is("as") || toks[i-1].isPunct(".") || toks[i-1].isPunct("::") || toks[i-1].isPunct(")")) {
		return false // a type, a qualified name or an alias with columns
	}
	// A WITH entry with columns: name (a, b) AS (...).
	if c := matchParen(toks, i+1); c > 0 && c+2 < len(toks) && toks[c+1].is("as") && toks[c+2].isPunct("(") {
		return false
	}
	return true
}

func translateCall(src string, t token, name string, args [][]token) ([]token, error) {
	call := func(fn string, args [][]token) []token {
		out := []token{synth(tIdent, fn), synth(tPunct, "(")}
		for k, a := range args {
			if k > 0 {
				out = append(out, synth(tPunct, ","))
			}
			out = append(out, a...)
		}
		return append(out, synth(tPunct, ")"))
	}
	switch name {
	case "element_at":
		// Trino: arrays 1-based (negative from the end), maps by key,
		// NULL when absent; DuckDB's subscript behaves the same for both.
		if len(args) != 2 {
			return nil, userError(ErrSyntax, "line %s: element_at takes 2 arguments", lineCol(src, t.pos))
		}
		out := []token{synth(tPunct, "(")}
		out = append(out, args[0]...)
		out = append(out, synth(tPunct, ")"), synth(tPunct, "["))
		out = append(out, args[1]...)
		return append(out, synth(tPunct, "]")), nil
	case "date_format", "date_parse":
		if len(args) != 2 || len(args[1]) != 1 || args[1][0].kind != tString {
			return nil, userError(ErrNotSupported, "line %s: %s is supported with a literal format string only", lineCol(src, t.pos), name)
		}
		f, err := mysqlToStrftime(args[1][0].stringValue())
		if err != nil {
			return nil, userError(ErrGeneric, "line %s: %s: %v", lineCol(src, args[1][0].pos), name, err)
		}
		fn := "strftime"
		if name == "date_parse" {
			fn = "strptime"
		}
		return call(fn, [][]token{args[0], {synth(tString, quoteString(f))}}), nil
	case "date_add":
		if len(args) != 3 {
			return nil, userError(ErrSyntax, "line %s: date_add takes 3 arguments (unit, value, timestamp)", lineCol(src, t.pos))
		}
		return call("date_add_trino", args), nil
	case "concat":
		// Trino's concat is NULL when an argument is; DuckDB's skips NULLs
		// but its || operator agrees with Trino (strings and arrays).
		out := []token{synth(tPunct, "(")}
		for k, a := range args {
			if k > 0 {
				out = append(out, synth(tPunct, "||"))
			}
			out = append(out, synth(tPunct, "("))
			out = append(out, a...)
			out = append(out, synth(tPunct, ")"))
		}
		return append(out, synth(tPunct, ")")), nil
	case "greatest", "least":
		// Trino returns NULL when any argument is NULL; DuckDB ignores NULLs.
		out := []token{synth(tIdent, "CASE"), synth(tIdent, "WHEN")}
		for k, a := range args {
			if k > 0 {
				out = append(out, synth(tIdent, "OR"))
			}
			out = append(out, synth(tPunct, "("))
			out = append(out, a...)
			out = append(out, synth(tPunct, ")"), synth(tIdent, "IS"), synth(tIdent, "NULL"))
		}
		out = append(out, synth(tIdent, "THEN"), synth(tIdent, "NULL"), synth(tIdent, "ELSE"))
		out = append(out, call(name, args)...)
		return append(out, synth(tIdent, "END")), nil
	}
	if fn, ok := renamedFunctions[name]; ok {
		return call(fn, args), nil
	}
	if sameFunctions[name] || name == "json_extract" {
		return call(t.text, args), nil
	}
	return nil, userError(ErrFunctionNotFnd, "line %s: Function '%s' not registered", lineCol(src, t.pos), name)
}

// matchParen returns the index of the ")" closing the "(" at toks[open].
func matchParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].isPunct("(") || toks[i].isPunct("["):
			depth++
		case toks[i].isPunct(")") || toks[i].isPunct("]"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitArgs splits tokens at top-level commas.
func splitArgs(toks []token) [][]token {
	if len(toks) == 0 {
		return nil
	}
	var args [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.isPunct("(") || t.isPunct("["):
			depth++
		case t.isPunct(")") || t.isPunct("]"):
			depth--
		case t.isPunct(",") && depth == 0:
			args = append(args, toks[start:i])
			start = i + 1
		}
	}
	return append(args, toks[start:])
}

// mysqlToStrftime converts Trino's date_format/date_parse specifiers (MySQL
// style) to DuckDB's strftime/strptime ones.
func mysqlToStrftime(f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(f) {
			b.WriteString("%%")
			break
		}
		i++
		spec := f[i]
		var rep string
		switch spec {
		case 'a', 'b', 'd', 'H', 'I', 'j', 'm', 'p', 'S', 'y', 'Y', 'f':
			rep = "%" + string(spec)
		case 'c':
			rep = "%-m"
		case 'D':
			return "", errSpec(spec)
		case 'e':
			rep = "%-d"
		case 'h':
			rep = "%I"
		case 'i':
			rep = "%M"
		case 'k':
			rep = "%-H"
		case 'l':
			rep = "%-I"
		case 'M':
			rep = "%B"
		case 'r':
			rep = "%I:%M:%S %p"
		case 's':
			rep = "%S"
		case 'T':
			rep = "%H:%M:%S"
		case 'v':
			rep = "%V"
		case 'W':
			rep = "%A"
		case 'x':
			rep = "%G"
		case '%':
			rep = "%%"
		default:
			return "", errSpec(spec)
		}
		b.WriteString(rep)
	}
	return b.String(), nil
}

type specError byte

func (e specError) Error() string { return "format specifier %" + string(e) + " is not supported" }

func errSpec(c byte) error { return specError(c) }
