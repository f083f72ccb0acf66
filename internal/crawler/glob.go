package crawler

import (
	"fmt"
	"regexp"
	"strings"
)

// compileGlob translates a Glue exclude pattern to a regular expression:
// "*" matches within one path segment, "**" across segments, "?" one
// character, "[...]" a class ("[!...]" negated) and "{a,b}" alternatives.
func compileGlob(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	depth := 0 // inside {...}
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*' && strings.HasPrefix(pattern[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			end := strings.IndexByte(pattern[i+1:], ']')
			if end < 0 {
				return nil, fmt.Errorf("exclude pattern %q: unclosed [", pattern)
			}
			class := pattern[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += end + 1
		case c == '{':
			depth++
			b.WriteString("(?:")
		case c == '}' && depth > 0:
			depth--
			b.WriteString(")")
		case c == ',' && depth > 0:
			b.WriteString("|")
		case c == '\\' && i+1 < len(pattern):
			i++
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("exclude pattern %q: unclosed {", pattern)
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("exclude pattern %q: %w", pattern, err)
	}
	return re, nil
}

// excluder reports whether a key relative to the include path is excluded.
// A pattern that matches a folder ("logs/**" or "logs") excludes what is
// under it, as Glue's folder exclusions do.
type excluder []*regexp.Regexp

func newExcluder(patterns []string) (excluder, error) {
	ex := make(excluder, 0, len(patterns))
	for _, p := range patterns {
		re, err := compileGlob(p)
		if err != nil {
			return nil, err
		}
		ex = append(ex, re)
	}
	return ex, nil
}

func (ex excluder) excluded(rel string) bool {
	for _, re := range ex {
		if re.MatchString(rel) {
			return true
		}
		for i := range len(rel) {
			if rel[i] == '/' && re.MatchString(rel[:i]) {
				return true
			}
		}
	}
	return false
}
