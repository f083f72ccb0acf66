package warehouse

import (
	"strconv"
	"strings"
)

// Functions and idioms that BI tools' catalog queries use (pgjdbc, which
// DBeaver and Metabase run on; Grafana's PostgreSQL data source;
// Redshift's JDBC driver) and DuckDB lacks or reads differently.

// pgReserved are the keywords quote_ident quotes (Postgres's reserved,
// type/function-name and column-name keywords).
const pgReserved = `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean
both case cast char character check coalesce collate collation column concurrently constraint create cross
current_catalog current_date current_role current_schema current_time current_timestamp current_user dec decimal
default deferrable desc distinct do else end except exists extract false fetch float for foreign freeze from full
grant greatest group grouping having ilike in initially inner inout int integer intersect interval into is isnull
join lateral leading least left like limit localtime localtimestamp national natural nchar none normalize not
notnull null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary
real references returning right row select session_user setof similar smallint some substring symmetric table
tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic
verbose when where window with`

// biMacros are the session macros added for BI tools. Privilege checks
// answer true: the signed-in user owns every object.
func biMacros() []string {
	reserved := strings.Fields(pgReserved)
	for i, w := range reserved {
		reserved[i] = quoteString(w)
	}
	m := []string{
		`CREATE OR REPLACE TEMP MACRO quote_ident(s) AS CASE
			WHEN regexp_full_match(s, '[a-z_][a-z0-9_$]*') AND NOT list_contains([` + strings.Join(reserved, ", ") + `], s) THEN s
			ELSE '"' || replace(s, '"', '""') || '"' END`,
		`CREATE OR REPLACE TEMP MACRO quote_literal(s) AS '''' || replace(CAST(s AS VARCHAR), '''', '''''') || ''''`,
		`CREATE OR REPLACE TEMP MACRO quote_nullable(s) AS coalesce(quote_literal(s), 'NULL')`,
		// Postgres's format() with %s, %I and %L (no widths or positions).
		`CREATE OR REPLACE TEMP MACRO pg_format_list(f, args) AS string_split(f, '%')[1] || array_to_string(list_transform(
			range(1, len(string_split(f, '%'))), lambda i: CASE left(string_split(f, '%')[i + 1], 1)
				WHEN 's' THEN coalesce(args[i], '')
				WHEN 'I' THEN quote_ident(args[i])
				WHEN 'L' THEN quote_nullable(args[i])
				ELSE '%' || left(string_split(f, '%')[i + 1], 1) END || substr(string_split(f, '%')[i + 1], 2)), '')`,
		`CREATE OR REPLACE TEMP MACRO format(f) AS f, (f, a) AS pg_format_list(f, [CAST(a AS VARCHAR)]),
			(f, a, b) AS pg_format_list(f, [CAST(a AS VARCHAR), CAST(b AS VARCHAR)]),
			(f, a, b, c) AS pg_format_list(f, [CAST(a AS VARCHAR), CAST(b AS VARCHAR), CAST(c AS VARCHAR)])`,
		formatTypeMacro(),
		// A lookup in a map built by an uncorrelated subquery: the table may be
		// given by OID or by (quoted) name, as with ::regclass.
		`CREATE OR REPLACE TEMP MACRO col_description(rel, n) AS map_extract_value((SELECT map_from_entries(list({'key': k, 'value': comment}))
			FROM (SELECT DISTINCT ON (k) k, comment FROM (
				SELECT CAST(table_oid AS VARCHAR) AS k0, schema_name || '.' || table_name AS k1,
					quote_ident(schema_name) || '.' || quote_ident(table_name) AS k2, column_index, comment
				FROM duckdb_columns() WHERE database_name = current_database() AND comment IS NOT NULL)
				CROSS JOIN LATERAL (SELECT unnest([k0, k1, k2]) || ':' || column_index AS k))),
			CAST(rel AS VARCHAR) || ':' || CAST(n AS VARCHAR))`,
		`CREATE OR REPLACE TEMP MACRO obj_description(o) AS ` + objDescription + `, (o, cat) AS ` + objDescription,
		`CREATE OR REPLACE TEMP MACRO pg_get_viewdef(o) AS ` + viewDef + `, (o, pretty) AS ` + viewDef,
		`CREATE OR REPLACE TEMP MACRO pg_get_indexdef(o) AS CAST(NULL AS VARCHAR), (o, col, pretty) AS CAST(NULL AS VARCHAR)`,
		`CREATE OR REPLACE TEMP MACRO pg_is_in_recovery() AS false`,
		`CREATE OR REPLACE TEMP MACRO parse_ident(s) AS list_transform(string_split(s, '.'),
			lambda x: CASE WHEN x LIKE '"%"' THEN replace(x[2:-2], '""', '"') ELSE lower(x) END)`,
		`CREATE OR REPLACE TEMP MACRO array_lower(arr, dim) AS CASE WHEN len(arr) > 0 THEN 1 END`,
		// information_schema._pg_expandarray: the elements with their positions.
		`CREATE OR REPLACE TEMP MACRO _pg_expandarray(arr) AS unnest(list_transform(range(1, len(arr) + 1), lambda i: {'x': arr[i], 'n': i}))`,
		extOIDMacro,
		// CAST(name AS regclass): the OID of a local table or view by name.
		`CREATE OR REPLACE TEMP MACRO pg_regclass(r) AS coalesce(TRY_CAST(r AS BIGINT), map_extract_value((
			SELECT map_from_entries(list({'key': k, 'value': o})) FROM (SELECT DISTINCT ON (k) k, o FROM (
				SELECT table_oid AS o, schema_name AS s, table_name AS t FROM duckdb_tables() WHERE database_name = current_database()
				UNION ALL SELECT view_oid, schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal)
				CROSS JOIN LATERAL (SELECT unnest([s || '.' || t, quote_ident(s) || '.' || quote_ident(t), CASE WHEN s = 'public' THEN t END]) AS k)
				WHERE k IS NOT NULL)), CAST(r AS VARCHAR)))`,
	}
	for _, f := range []string{"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"} {
		// Sizes on disk are not tracked per table: unknown.
		m = append(m, `CREATE OR REPLACE TEMP MACRO `+f+`(rel) AS CAST(NULL AS BIGINT)`)
	}
	for _, f := range []string{"has_function_privilege", "has_type_privilege", "has_sequence_privilege", "pg_has_role"} {
		m = append(m, `CREATE OR REPLACE TEMP MACRO `+f+`(a, b) AS true, (a, b, c) AS true`)
	}
	return m
}

// objDescription is a comment by object OID (tables, views, schemas).
const objDescription = `(SELECT first(comment) FROM (SELECT comment FROM duckdb_tables() WHERE table_oid = o
	UNION ALL SELECT comment FROM duckdb_views() WHERE view_oid = o UNION ALL SELECT comment FROM duckdb_schemas() WHERE oid = o))`

// viewDef is a view's definition by OID.
const viewDef = `(SELECT first(sql) FROM duckdb_views() WHERE view_oid = o)`

// sessionEdits rewrite what depends on the session: the user name
// keywords, current_setting('name'), current_schemas(bool), catalog
// names cast to regclass, and functions in FROM used Postgres-style.
func (c *conn) sessionEdits(toks []token) ([]edit, error) {
	var edits []edit
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		prevDot := i > 0 && (toks[i-1].isPunct(".") || toks[i-1].isPunct("::"))
		next := func(k int) token {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return token{kind: tPunct}
		}
		switch {
		case t.is("current_schema") && !prevDot && !next(1).isPunct("("):
			edits = append(edits, edit{start: t.pos, end: t.end(), text: "current_schema()"})
		case t.is("current_setting") && next(1).isPunct("(") && next(2).kind == tString:
			e, err := c.currentSettingEdit(toks, i)
			if err != nil {
				return nil, err
			}
			if e != nil {
				edits = append(edits, *e)
			}
		case t.is("current_schemas") && next(1).isPunct("(") && next(2).kind == tIdent && next(3).isPunct(")"):
			edits = append(edits, edit{start: t.pos, end: next(3).end(), text: c.currentSchemas(next(2).is("true"))})
		case t.is("information_schema") && next(1).isPunct(".") && next(2).is("_pg_expandarray"):
			edits = append(edits, edit{start: t.pos, end: next(1).end()})
		case t.kind == tString && next(1).isPunct("::") && (next(2).is("regclass") || next(2).is("pg_catalog") && next(4).is("regclass")):
			if oid, ok := catalogOIDs[strings.TrimPrefix(t.str(), "pg_catalog.")]; ok {
				end := next(2)
				if end.is("pg_catalog") {
					end = next(4)
				}
				edits = append(edits, edit{start: t.pos, end: end.end(), text: strconv.Itoa(oid)})
			}
		}
	}
	edits = append(edits, castRegclassEdits(toks)...)
	return append(edits, fromFunctionEdits(toks)...), nil
}

// castRegclassEdits turn CAST(x AS regclass) into pg_regclass(x), so a
// following cast to oid gives the table's OID.
func castRegclassEdits(toks []token) []edit {
	var edits []edit
	for i := 0; i+1 < len(toks); i++ {
		if !toks[i].is("cast") || !toks[i+1].isPunct("(") {
			continue
		}
		end := matchParen(toks, i+1)
		if end < 3 || !toks[end-1].is("regclass") {
			continue
		}
		as := end - 2
		if toks[as].isPunct(".") && end >= 4 && toks[end-3].is("pg_catalog") {
			as = end - 4
		}
		if !toks[as].is("as") {
			continue
		}
		edits = append(edits, edit{start: toks[i].pos, end: toks[i].end(), text: "pg_regclass"},
			edit{start: toks[as].pos, end: toks[end-1].end()})
	}
	return edits
}

// currentSettingEdit replaces current_setting('name'[, missing_ok]) at
// toks[i] with the session's value.
func (c *conn) currentSettingEdit(toks []token, i int) (*edit, error) {
	end := matchParen(toks, i+1)
	if end < 0 {
		return nil, nil
	}
	name := strings.ToLower(toks[i+2].str())
	v, ok := c.setting(name)
	text := quoteString(v)
	if !ok {
		missingOK := end == i+5 && toks[i+4].is("true")
		if !missingOK {
			return nil, newPGError(codeUndefinedObject, "unrecognized configuration parameter \""+name+"\"")
		}
		text = "CAST(NULL AS VARCHAR)"
	}
	return &edit{start: toks[i].pos, end: toks[end].end(), text: text}, nil
}

// currentSchemas is current_schemas(implicit) as a list literal.
func (c *conn) currentSchemas(implicit bool) string {
	schemas := c.searchPath()
	if implicit {
		schemas = append([]string{"pg_catalog"}, schemas...)
	}
	quoted := make([]string, len(schemas))
	for i, s := range schemas {
		quoted[i] = quoteString(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// tableFunctions are DuckDB table functions Postgres also has in FROM.
var tableFunctions = words(`generate_series range unnest generate_subscripts`)

// fromFunctionEdits make Postgres's function calls in FROM work in DuckDB:
// "FROM generate_series(1, n) AS i" names the column i in Postgres (DuckDB
// names it generate_series), and "FROM string_to_array(x, ',') s" calls a
// scalar function, which DuckDB only allows in a subquery.
func fromFunctionEdits(toks []token) []edit {
	var edits []edit
	inFrom := map[int]bool{}
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.isPunct("("):
			depth++
			inFrom[depth] = false
		case t.isPunct(")"):
			depth--
		case t.is("from") || t.is("join"):
			inFrom[depth] = true
			if e, ok := fromFunctionEdit(toks, i+1); ok {
				edits = append(edits, e...)
			}
		case t.isPunct(",") && inFrom[depth]:
			if e, ok := fromFunctionEdit(toks, i+1); ok {
				edits = append(edits, e...)
			}
		case t.is("where") || t.is("group") || t.is("having") || t.is("order") || t.is("limit") || t.is("union") ||
			t.is("except") || t.is("intersect") || t.is("window") || t.is("qualify"):
			inFrom[depth] = false
		}
	}
	return edits
}

// fromFunctionEdit handles the FROM item at toks[i] if it is a function
// call with an alias and no column list.
func fromFunctionEdit(toks []token, i int) ([]edit, bool) {
	if i+1 >= len(toks) || toks[i].kind != tIdent || !toks[i+1].isPunct("(") {
		return nil, false
	}
	end := matchParen(toks, i+1)
	if end < 0 || end+1 >= len(toks) {
		return nil, false
	}
	a := end + 1
	if toks[a].is("as") {
		a++
	}
	if a >= len(toks) || toks[a].kind != tIdent || clauseWords[toks[a].name()] {
		return nil, false
	}
	if a+1 < len(toks) && toks[a+1].isPunct("(") {
		return nil, false // has a column list already
	}
	alias := toks[a].text
	if tableFunctions[toks[i].name()] {
		return []edit{{start: toks[a].end(), end: toks[a].end(), text: "(" + alias + ")"}}, true
	}
	// Two edits around the call, so edits inside it still apply.
	return []edit{{start: toks[i].pos, end: toks[i].pos, text: "(SELECT "},
		{start: toks[end].end(), end: toks[a].end(), text: " AS " + alias + ") AS " + alias}}, true
}

// clauseWords end a FROM item; they are never an alias.
var clauseWords = words(`where group having order limit offset union except intersect window qualify on using join
	left right inner outer full cross natural lateral`)
