package catalog

import (
	"strings"
	"unicode"
)

// Lexer of Glue's partition expression language (GetPartitions' Expression):
// identifiers (optionally `quoted`), 'string' literals with '' as an
// escaped quote, numbers, comparison operators, parentheses and commas.

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp // = <> != < <= > >=
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	text string // identifiers keep their spelling; keywords are matched case-insensitively
	pos  int
}

func (t token) keyword(kw string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func lex(src string) ([]token, error) {
	var toks []token
	rs := []rune(src)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{tokLParen, "(", i})
			i++
		case r == ')':
			toks = append(toks, token{tokRParen, ")", i})
			i++
		case r == ',':
			toks = append(toks, token{tokComma, ",", i})
			i++
		case r == '=':
			toks = append(toks, token{tokOp, "=", i})
			i++
		case r == '<' || r == '>' || r == '!':
			op := string(r)
			if i+1 < len(rs) && (rs[i+1] == '=' || (r == '<' && rs[i+1] == '>')) {
				op += string(rs[i+1])
			}
			if op == "!" {
				return nil, exprError(src, i, "unexpected '!'")
			}
			toks = append(toks, token{tokOp, op, i})
			i += len(op)
		case r == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(rs) {
					return nil, exprError(src, i, "unterminated string literal")
				}
				if rs[j] == '\'' {
					if j+1 < len(rs) && rs[j+1] == '\'' {
						b.WriteRune('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteRune(rs[j])
				j++
			}
			toks = append(toks, token{tokString, b.String(), i})
			i = j + 1
		case r == '`':
			j := i + 1
			for j < len(rs) && rs[j] != '`' {
				j++
			}
			if j >= len(rs) || j == i+1 {
				return nil, exprError(src, i, "unterminated or empty quoted identifier")
			}
			toks = append(toks, token{tokIdent, string(rs[i+1 : j]), i})
			i = j + 1
		case unicode.IsDigit(r) || ((r == '-' || r == '+' || r == '.') && i+1 < len(rs) && (unicode.IsDigit(rs[i+1]) || rs[i+1] == '.')):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E' ||
				((rs[j] == '-' || rs[j] == '+') && (rs[j-1] == 'e' || rs[j-1] == 'E'))) {
				j++
			}
			toks = append(toks, token{tokNumber, string(rs[i:j]), i})
			i = j
		case r == '_' || unicode.IsLetter(r):
			j := i + 1
			for j < len(rs) && (rs[j] == '_' || unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			toks = append(toks, token{tokIdent, string(rs[i:j]), i})
			i = j
		default:
			return nil, exprError(src, i, "unexpected character %q", r)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(rs)}), nil
}
