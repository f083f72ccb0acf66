package warehouse

import (
	"strings"
)

// versionString is what SELECT version() returns: Redshift's own format
// (it reports a PostgreSQL 8.0.2 base), with Shoal as the build, so tools
// that sniff for "Redshift" take their Redshift code paths.
const versionString = "PostgreSQL 8.0.2 on x86_64-pc-linux-gnu, compiled by gcc, Redshift 1.0.0 (Shoal)"

// compatMacros give DuckDB the Postgres catalog functions psql and BI
// tools call that it lacks; they are temporary, per connection. Every
// object is owned by the signed-in user, the only one there is.
func compatMacros(user string, superuser bool) []string {
	return append([]string{
		`CREATE OR REPLACE TEMP MACRO version() AS ` + quoteString(versionString),
		`CREATE OR REPLACE TEMP MACRO pg_get_userbyid(id) AS ` + quoteString(user),
		// Postgres's user keywords: macros rather than literals, so that a
		// result column is labelled current_user (not 'name') as there.
		`CREATE OR REPLACE TEMP MACRO current_user() AS ` + quoteString(user),
		`CREATE OR REPLACE TEMP MACRO session_user() AS ` + quoteString(user),
		`CREATE OR REPLACE TEMP MACRO "user"() AS ` + quoteString(user),
		`CREATE OR REPLACE TEMP MACRO current_role() AS ` + quoteString(user),
		`CREATE OR REPLACE TEMP MACRO pg_encoding_to_char(enc) AS 'UTF8'`,
		`CREATE OR REPLACE TEMP MACRO shobj_description(oid, cat) AS CAST(NULL AS VARCHAR)`,
		`CREATE OR REPLACE TEMP MACRO pg_get_statisticsobjdef_columns(oid) AS CAST(NULL AS VARCHAR)`,
		`CREATE OR REPLACE TEMP MACRO pg_relation_is_publishable(rel) AS false`,
		`CREATE OR REPLACE TEMP MACRO array_upper(arr, dim) AS len(arr)`,
		// Postgres's three-argument form (pretty-print flag).
		`CREATE OR REPLACE TEMP MACRO pg_get_expr(expr, rel) AS CAST(expr AS VARCHAR), (expr, rel, pretty) AS CAST(expr AS VARCHAR)`,
	}, append(biMacros(), privilegeMacros(user, superuser)...)...)
}

// pgEdits translate Postgres idioms DuckDB does not parse or reads
// differently:
//   - pg_catalog.f( → f(, so the compatibility macros are found;
//   - OPERATOR(pg_catalog.~) → ~ and COLLATE pg_catalog.default → nothing
//     (psql's \d pattern matching);
//   - x ~ 'pattern': Postgres matches anywhere, DuckDB's ~ matches the
//     whole string, so a literal pattern is wrapped in (?s).*(?:...).*;
//   - ::pg_catalog.type → ::type.
func pgEdits(toks []token) []edit {
	var edits []edit
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("pg_catalog") && i+3 < len(toks) && toks[i+1].isPunct(".") && toks[i+2].isName() && toks[i+3].isPunct("(") && (i == 0 || !toks[i-1].is("operator")):
			edits = append(edits, edit{start: t.pos, end: toks[i+1].end()})
		case t.is("pg_catalog") && i > 0 && toks[i-1].isPunct("::") && i+1 < len(toks) && toks[i+1].isPunct("."):
			edits = append(edits, edit{start: t.pos, end: toks[i+1].end()})
		case t.is("operator") && i+5 < len(toks) && toks[i+1].isPunct("(") && toks[i+5].isPunct(")"):
			op := toks[i+4]
			edits = append(edits, edit{start: t.pos, end: toks[i+5].end(), text: op.text})
			i += 5
			if i+1 < len(toks) && toks[i+1].kind == tString && strings.Contains(op.text, "~") {
				e, _ := regexEdit(op, toks[i+1])
				edits = append(edits, e)
			}
		case t.is("collate") && i+1 < len(toks) && (toks[i+1].is("pg_catalog") || toks[i+1].name() == "default"):
			end := i + 1
			if toks[i+1].is("pg_catalog") && i+3 < len(toks) {
				end = i + 3
			}
			edits = append(edits, edit{start: t.pos, end: toks[end].end()})
			i = end
		case t.isPunct("::") && i+1 < len(toks) && regTypes[toks[i+1].name()]:
			// Object identifier types are spelt as text; an OID cast to
			// one prints the number rather than the object's name.
			edits = append(edits, edit{start: toks[i+1].pos, end: toks[i+1].end(), text: "VARCHAR"})
		case t.isPunct("::") && i+3 < len(toks) && toks[i+1].is("pg_catalog") && toks[i+2].isPunct(".") && regTypes[toks[i+3].name()]:
			edits = append(edits, edit{start: toks[i+1].pos, end: toks[i+3].end(), text: "VARCHAR"})
			i += 3
		case t.kind == tPunct && (t.text == "~" || t.text == "!~" || t.text == "~*" || t.text == "!~*") && i+1 < len(toks) && toks[i+1].kind == tString:
			if e, ok := regexEdit(t, toks[i+1]); ok {
				edits = append(edits, e)
			}
		}
	}
	return edits
}

// regexEdit rewrites the literal pattern after a regex operator op so
// DuckDB's full-match ~ behaves like Postgres's search.
func regexEdit(op, lit token) (edit, bool) {
	flags := "(?s)"
	if strings.HasSuffix(op.text, "*") {
		flags = "(?is)"
	}
	return edit{start: lit.pos, end: lit.end(), text: quoteString(flags + ".*(?:" + lit.str() + ").*")}, true
}

// regTypes are Postgres's object identifier types.
var regTypes = words(`regtype regclass regproc regprocedure regnamespace regoper regrole`)

// pgEditsOf lexes sql and returns its pgEdits (nil if it does not lex).
func pgEditsOf(sql string) []edit {
	toks, err := lex(sql)
	if err != nil {
		return nil
	}
	return pgEdits(toks)
}
