package query

import (
	"fmt"
	"strings"
)

// The dialect layer works on tokens rather than a full SQL grammar: Athena
// SQL and DuckDB SQL share almost all syntax, so translation only needs to
// find table references, function calls, placeholders and a few clauses, and
// splice replacements into the original text. Everything it does not touch
// reaches DuckDB byte for byte.

type tokKind int

const (
	tSpace  tokKind = iota // whitespace and comments
	tIdent                 // bare identifier or keyword
	tQuoted                // "quoted identifier"
	tString                // 'string literal'
	tNumber                // numeric literal
	tPunct                 // operators and punctuation, one token per symbol
	tParam                 // ? placeholder
)

type token struct {
	kind tokKind
	text string // exactly as written
	pos  int    // byte offset in the source
	pre  string // whitespace and comments before it (code tokens only)
}

// name is the identifier's value: unquoted and lower-cased for bare
// identifiers (SQL folds them), unescaped for quoted ones.
func (t token) name() string {
	switch t.kind {
	case tIdent:
		return strings.ToLower(t.text)
	case tQuoted:
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return ""
}

// is reports whether t is the keyword kw (lower case).
func (t token) is(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

func (t token) isPunct(p string) bool { return t.kind == tPunct && t.text == p }

func (t token) isName() bool { return t.kind == tIdent || t.kind == tQuoted }

// stringValue unescapes a string literal.
func (t token) stringValue() string {
	if t.kind != tString {
		return ""
	}
	return strings.ReplaceAll(t.text[1:len(t.text)-1], "''", "'")
}

// lexSQL splits src into tokens; the concatenation of their texts is src.
func lexSQL(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		start := i
		c := src[i]
		var kind tokKind
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			for i < len(src) && strings.IndexByte(" \t\n\r\f", src[i]) >= 0 {
				i++
			}
			kind = tSpace
		case strings.HasPrefix(src[i:], "--"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			kind = tSpace
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, syntaxError(src, start, "unterminated comment")
			}
			i += end + 4
			kind = tSpace
		case c == '\'':
			j, ok := scanQuoted(src, i, '\'')
			if !ok {
				return nil, syntaxError(src, start, "unterminated string literal")
			}
			i, kind = j, tString
		case c == '"' || c == '`':
			j, ok := scanQuoted(src, i, c)
			if !ok {
				return nil, syntaxError(src, start, "unterminated quoted identifier")
			}
			i, kind = j, tQuoted
		case isIdentStart(c):
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			kind = tIdent
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			i = scanNumber(src, i)
			kind = tNumber
		case c == '?':
			i++
			kind = tParam
		default:
			i++
			for _, op := range []string{"||", "<=", ">=", "<>", "!=", "::", "->", "=>"} {
				if strings.HasPrefix(src[start:], op) {
					i = start + len(op)
					break
				}
			}
			kind = tPunct
		}
		text := src[start:i]
		if kind == tQuoted && text[0] == '`' {
			// Hive/Athena DDL quotes with backticks; normalise to SQL quotes.
			text = `"` + strings.ReplaceAll(strings.ReplaceAll(text[1:len(text)-1], "``", "`"), `"`, `""`) + `"`
		}
		toks = append(toks, token{kind: kind, text: text, pos: start})
	}
	return toks, nil
}

func scanQuoted(src string, i int, q byte) (int, bool) {
	i++
	for i < len(src) {
		if src[i] == q {
			if i+1 < len(src) && src[i+1] == q {
				i += 2
				continue
			}
			return i + 1, true
		}
		i++
	}
	return i, false
}

func scanNumber(src string, i int) int {
	for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.') {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && src[j] >= '0' && src[j] <= '9' {
			i = j
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
		}
	}
	return i
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// lineCol converts a byte offset into Athena's 1-based "line:column".
func lineCol(src string, pos int) string {
	pos = max(0, min(pos, len(src)))
	line := 1 + strings.Count(src[:pos], "\n")
	col := pos - strings.LastIndex(src[:pos], "\n")
	return fmt.Sprintf("%d:%d", line, col)
}

func syntaxError(src string, pos int, format string, args ...any) error {
	return userError(ErrSyntax, "line %s: %s", lineCol(src, pos), fmt.Sprintf(format, args...))
}

// code returns the non-space tokens, each carrying the space before it, the
// view the translator works on; render turns them back into the text.
func code(toks []token) []token {
	out := make([]token, 0, len(toks))
	pre := ""
	for _, t := range toks {
		if t.kind == tSpace {
			pre += t.text
			continue
		}
		t.pre = pre
		pre = ""
		out = append(out, t)
	}
	return out
}

// render turns code tokens back into text, keeping the original spacing;
// comments become a single space.
func render(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if t.pre != "" {
			if strings.Contains(t.pre, "--") || strings.Contains(t.pre, "/*") {
				b.WriteByte(' ')
			} else {
				b.WriteString(t.pre)
			}
		} else if i > 0 && needsSpace(toks[i-1], t) {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// needsSpace keeps synthesized tokens from gluing into one.
func needsSpace(a, b token) bool {
	word := func(t token) bool {
		return t.kind == tIdent || t.kind == tNumber || t.kind == tQuoted || t.kind == tString
	}
	return word(a) && word(b)
}

// lexCode lexes src into code tokens.
func lexCode(src string) ([]token, error) {
	toks, err := lexSQL(src)
	if err != nil {
		return nil, err
	}
	return code(toks), nil
}

func synth(kind tokKind, text string) token { return token{kind: kind, text: text, pos: -1} }

// quoteIdent quotes a DuckDB identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes a SQL string literal.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
