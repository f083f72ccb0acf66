package policy

import (
	"strings"
	"unicode/utf8"
)

// A pattern is a compiled policy string: an action ("s3:Get*"), one segment
// of a resource ARN, or a condition value. It is a list of tokens (literal
// text, '*', '?', and policy variables such as ${aws:username}) matched
// against a request string without building intermediate strings, so
// matching does not allocate. Common shapes skip the general matcher.

type tokenKind uint8

const (
	tokText tokenKind = iota
	tokStar           // '*': any run of characters, also empty
	tokOne            // '?': exactly one character
	tokVar            // ${key} or ${key, 'default'}
)

type token struct {
	kind   tokenKind
	text   string // tokText: literal; tokVar: the default value
	key    string // tokVar: context key
	hasDef bool   // tokVar: a default value was given
	bad    bool   // tokVar: unparseable, never resolves
	vi     int    // tokVar: index of its resolved value during a match
}

type patternShape uint8

const (
	shapeGeneral patternShape = iota
	shapeAny                  // "*"
	shapeExact                // no wildcards, no variables
	shapePrefix               // literal text then one trailing '*'
)

type pattern struct {
	toks  []token
	shape patternShape
	text  string // shapeExact / shapePrefix literal
	fold  bool   // ASCII case-insensitive (actions, ...IgnoreCase, Bool)
	nvars int
}

// patternOpts says how to read a policy string.
type patternOpts struct {
	wild bool // '*' and '?' are wildcards (else literal, as in StringEquals)
	vars bool // ${...} are policy variables (Version 2012-10-17 only)
	fold bool
}

func compilePattern(s string, o patternOpts) pattern {
	p := pattern{fold: o.fold}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokText, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case o.wild && c == '*':
			flush()
			if n := len(p.toks); n == 0 || p.toks[n-1].kind != tokStar {
				p.toks = append(p.toks, token{kind: tokStar})
			}
		case o.wild && c == '?':
			flush()
			p.toks = append(p.toks, token{kind: tokOne})
		case o.vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				lit.WriteByte(c) // unterminated: plain text
				continue
			}
			inner := s[i+2 : i+2+end]
			i += 2 + end
			if special(inner) {
				lit.WriteString(inner) // ${*} ${?} ${$} are the literal characters
				continue
			}
			flush()
			t := parseVariable(inner)
			t.vi = p.nvars
			p.nvars++
			p.toks = append(p.toks, t)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	p.classify()
	return p
}

func special(inner string) bool { return inner == "*" || inner == "?" || inner == "$" }

// parseVariable reads the inside of ${...}: a context key, optionally
// followed by a comma and a default in single quotes, where two single
// quotes stand for one.
func parseVariable(inner string) token {
	t := token{kind: tokVar}
	key, def, hasDef := strings.Cut(inner, ",")
	t.key = strings.TrimSpace(key)
	if t.key == "" || strings.ContainsAny(t.key, " \t") {
		t.bad = true
	}
	if !hasDef {
		return t
	}
	def = strings.TrimSpace(def)
	if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
		t.bad = true
		return t
	}
	body := def[1 : len(def)-1]
	if strings.Contains(strings.ReplaceAll(body, "''", ""), "'") { // a lone quote
		t.bad = true
		return t
	}
	t.text, t.hasDef = strings.ReplaceAll(body, "''", "'"), true
	return t
}

func (p *pattern) classify() {
	switch {
	case p.nvars > 0:
		p.shape = shapeGeneral
	case len(p.toks) == 0:
		p.shape, p.text = shapeExact, ""
	case len(p.toks) == 1 && p.toks[0].kind == tokStar:
		p.shape = shapeAny
	case len(p.toks) == 1 && p.toks[0].kind == tokText:
		p.shape, p.text = shapeExact, p.toks[0].text
	case len(p.toks) == 2 && p.toks[0].kind == tokText && p.toks[1].kind == tokStar:
		p.shape, p.text = shapePrefix, p.toks[0].text
	default:
		p.shape = shapeGeneral
	}
}

// match reports whether s matches the pattern, resolving variables from ctx.
// An unresolvable variable without a default matches nothing.
func (p *pattern) match(s string, ctx Context) bool {
	switch p.shape {
	case shapeAny:
		return true
	case shapeExact:
		return equal(p.text, s, p.fold)
	case shapePrefix:
		return len(s) >= len(p.text) && equal(p.text, s[:len(p.text)], p.fold)
	}
	var buf [4]string
	vals := buf[:0]
	if p.nvars > len(buf) {
		vals = make([]string, 0, p.nvars)
	}
	for i := range p.toks {
		if t := &p.toks[i]; t.kind == tokVar {
			v, ok := t.resolve(ctx)
			if !ok {
				return false
			}
			vals = append(vals, v)
		}
	}
	return globMatch(p.toks, vals, s, p.fold)
}

func (t *token) resolve(ctx Context) (string, bool) {
	if t.bad {
		return "", false
	}
	// Only single-valued keys can be variables.
	if v, ok := ctx.lookup(t.key); ok && len(v) == 1 {
		return v[0], true
	}
	return t.text, t.hasDef
}

// globMatch is the classic linear-time wildcard match with one backtrack
// point (the last '*'), walking the tokens' text in place.
func globMatch(toks []token, vals []string, s string, fold bool) bool {
	ti, off, si := 0, 0, 0
	starTi, starSi := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			if t.kind == tokStar {
				starTi, starSi = ti+1, si
				ti, off = ti+1, 0
				continue
			}
			text := t.text
			if t.kind == tokVar {
				text = vals[t.vi]
			}
			if t.kind != tokOne && off == len(text) { // empty variable value
				ti, off = ti+1, 0
				continue
			}
			if si < len(s) {
				if t.kind == tokOne {
					_, w := utf8.DecodeRuneInString(s[si:])
					si, ti = si+w, ti+1
					continue
				}
				if sameByte(text[off], s[si], fold) {
					si, off = si+1, off+1
					if off == len(text) {
						ti, off = ti+1, 0
					}
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		starSi++
		si, ti, off = starSi, starTi, 0
	}
}

func equal(a, b string, fold bool) bool {
	if a == b {
		return true
	}
	if !fold || len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if !sameByte(a[i], b[i], true) {
			return false
		}
	}
	return true
}

func sameByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	return fold && lower(a) == lower(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lookup finds a context key, ignoring case as IAM does.
func (c Context) lookup(key string) ([]string, bool) {
	if v, ok := c[key]; ok {
		return v, true
	}
	for k, v := range c {
		if equal(k, key, true) {
			return v, true
		}
	}
	return nil, false
}
