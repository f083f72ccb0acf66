package catalog

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode/utf8"
)

// NormalizeName folds a database, table or column name as Glue does "for
// Hive compatibility": to lower case, both when storing and when looking up.
func NormalizeName(name string) string { return strings.ToLower(name) }

// NameProblem returns the Glue constraint a database, table or column name
// breaks ("" when it is valid): 1 to 255 characters of Glue's single-line
// string pattern.
func NameProblem(name string) string {
	if n := utf8.RuneCountInString(name); n < 1 {
		return "Member must have length greater than or equal to 1"
	} else if n > 255 {
		return "Member must have length less than or equal to 255"
	}
	if !SingleLine(name) {
		return `Member must satisfy regular expression pattern: [\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*`
	}
	return ""
}

// SingleLine reports whether s matches Glue's single-line string pattern:
// no control characters other than tab, no U+FFFE/U+FFFF, valid UTF-8.
func SingleLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}

func checkName(kind, name string) error {
	if p := NameProblem(name); p != "" {
		return invalidInput("%s name %q is not valid: %s", kind, name, p)
	}
	return nil
}

// compileNamePattern turns GetTables' Expression into a matcher. Glue treats
// it like Hive's metastore patterns: a regular expression where a bare * is
// a wildcard (so "sales*" and "*_raw" work as users expect), matched against
// the whole name, case-insensitively.
func compileNamePattern(expr string) (*regexp.Regexp, error) {
	var b strings.Builder
	prev := rune(0)
	for _, r := range expr {
		if r == '*' && prev != '.' && prev != '\\' {
			b.WriteString(".*")
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	re, err := regexp.Compile("(?i)^(?:" + b.String() + ")$")
	if err != nil {
		return nil, invalidInput("Expression %q is not a valid pattern: %v", expr, err)
	}
	return re, nil
}

// Page tokens are opaque to clients: the last key returned, base64-encoded,
// so the next page resumes after it whatever was added or deleted since.
const tokenPrefix = "shoal1:"

func encodeToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + lastKey))
}

func decodeToken(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(raw), tokenPrefix) {
		return "", invalidInput("Invalid NextToken.")
	}
	return strings.TrimPrefix(string(raw), tokenPrefix), nil
}

// pageSize applies an operation's default and maximum page size.
func pageSize(p Page, def, max int) int {
	if p.Max <= 0 {
		return def
	}
	if p.Max > max {
		return max
	}
	return p.Max
}
