package warehouse

import (
	"sort"
	"strings"
)

// The SQL layer works on tokens, not a grammar: Redshift SQL and DuckDB
// SQL are both Postgres dialects, so statements reach DuckDB as written
// except for the few spans that are rewritten (table references, type
// names, Postgres-only operators). Tokens keep their byte offsets so the
// rewrites can be spliced into the original text.

type tokKind int

const (
	tIdent  tokKind = iota // bare identifier or keyword
	tQuoted                // "quoted identifier"
	tString                // 'literal', E'literal' or $$literal$$
	tNumber
	tParam // $n
	tPunct
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func (t token) end() int { return t.pos + len(t.text) }

// is reports whether t is the bare keyword kw.
func (t token) is(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

func (t token) isPunct(p string) bool { return t.kind == tPunct && t.text == p }

func (t token) isName() bool { return t.kind == tIdent || t.kind == tQuoted }

// name is the identifier's value: bare names fold to lower case.
func (t token) name() string {
	switch t.kind {
	case tIdent:
		return strings.ToLower(t.text)
	case tQuoted:
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return ""
}

// str is a string literal's value.
func (t token) str() string {
	if t.kind != tString {
		return ""
	}
	s := t.text
	if strings.HasPrefix(s, "$$") {
		return s[2 : len(s)-2]
	}
	if s[0] == 'E' || s[0] == 'e' {
		s = s[1:]
	}
	return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
}

// operators are matched longest first.
var operators = []string{"!~*", "::", "<=", ">=", "<>", "!=", "||", "!~", "~*", "->>", "->"}

// lex splits sql into code tokens, dropping whitespace and comments.
func lex(sql string) ([]token, error) {
	var toks []token
	for i := 0; i < len(sql); {
		start, c := i, sql[i]
		kind := tPunct
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
			continue
		case strings.HasPrefix(sql[i:], "/*"):
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return nil, syntaxError("unterminated /* comment")
			}
			i += end + 4
			continue
		case c == '\'' || (c == 'E' || c == 'e') && i+1 < len(sql) && sql[i+1] == '\'':
			if c != '\'' {
				i++
			}
			j, ok := scanQuoted(sql, i, '\'')
			if !ok {
				return nil, syntaxError("unterminated quoted string")
			}
			i, kind = j, tString
		case strings.HasPrefix(sql[i:], "$$"):
			end := strings.Index(sql[i+2:], "$$")
			if end < 0 {
				return nil, syntaxError("unterminated dollar-quoted string")
			}
			i, kind = i+end+4, tString
		case c == '"':
			j, ok := scanQuoted(sql, i, '"')
			if !ok {
				return nil, syntaxError("unterminated quoted identifier")
			}
			i, kind = j, tQuoted
		case c == '$' && i+1 < len(sql) && isDigit(sql[i+1]):
			i++
			for i < len(sql) && isDigit(sql[i]) {
				i++
			}
			kind = tParam
		case isIdentStart(c):
			for i < len(sql) && (isIdentStart(sql[i]) || isDigit(sql[i]) || sql[i] == '$') {
				i++
			}
			kind = tIdent
		case isDigit(c) || c == '.' && i+1 < len(sql) && isDigit(sql[i+1]):
			i = scanNumber(sql, i)
			kind = tNumber
		default:
			i++
			for _, op := range operators {
				if strings.HasPrefix(sql[start:], op) {
					i = start + len(op)
					break
				}
			}
		}
		toks = append(toks, token{kind: kind, text: sql[start:i], pos: start})
	}
	return toks, nil
}

func scanQuoted(s string, i int, q byte) (int, bool) {
	for i++; i < len(s); i++ {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1, true
		}
	}
	return i, false
}

func scanNumber(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for i = j; i < len(s) && isDigit(s[i]); i++ {
			}
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// quoteIdent quotes an identifier for DuckDB.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// edit replaces sql[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// applyEdits splices non-overlapping edits, given in any order, into sql.
func applyEdits(sql string, edits []edit) string {
	if len(edits) == 0 {
		return sql
	}
	sortEdits(edits)
	var b strings.Builder
	prev := 0
	for _, e := range edits {
		if e.start < prev {
			continue // overlaps an earlier edit: keep the first
		}
		b.WriteString(sql[prev:e.start])
		b.WriteString(e.text)
		prev = e.end
	}
	b.WriteString(sql[prev:])
	return b.String()
}

func sortEdits(edits []edit) {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
}

// words parses a space-separated keyword set.
func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
