package query

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates of partition projection are written with Java DateTimeFormatter
// patterns ("yyyy/MM/dd/HH"). javaFormat is the subset that names
// calendar fields with digits: y/u (year), M (month, MMM for its short
// name), d, H, m, s, S (fraction), quoted literals, and any other
// non-letter character as itself.

type dateField struct {
	letter  byte   // 0 for a literal
	width   int    // number of pattern letters
	literal string // the text of a literal
}

type javaFormat struct {
	pattern string
	fields  []dateField
	// unit is the finest field present (HOURS for yyyy/MM/dd/HH).
	unit string
	// ordered formats (fixed-width fields, coarsest first) sort as text in
	// date order, so range predicates on the text can narrow the range.
	ordered bool
}

var unitOfLetter = map[byte]string{'y': "YEARS", 'u': "YEARS", 'M': "MONTHS", 'd': "DAYS", 'H': "HOURS", 'm': "MINUTES", 's': "SECONDS", 'S': "MILLISECONDS"}

var unitRank = map[string]int{"YEARS": 0, "MONTHS": 1, "WEEKS": 2, "DAYS": 3, "HOURS": 4, "MINUTES": 5, "SECONDS": 6, "MILLISECONDS": 7}

// compileJavaFormat parses a DateTimeFormatter pattern.
func compileJavaFormat(pattern string) (*javaFormat, error) {
	f := &javaFormat{pattern: pattern, ordered: true}
	rank := -1
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\'':
			end := strings.IndexByte(pattern[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in date format %q", pattern)
			}
			lit := pattern[i+1 : i+1+end]
			if lit == "" {
				lit = "'"
			}
			f.fields = append(f.fields, dateField{literal: lit})
			i += end + 2
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(pattern) && pattern[j] == c {
				j++
			}
			unit, ok := unitOfLetter[c]
			if !ok {
				return nil, fmt.Errorf("date format %q: pattern letter '%c' is not supported", pattern, c)
			}
			w := j - i
			f.fields = append(f.fields, dateField{letter: c, width: w})
			if unitRank[unit] <= rank || w < 2 || (c == 'y' || c == 'u') && w != 4 || c == 'M' && w > 2 {
				f.ordered = false
			}
			rank = max(rank, unitRank[unit])
			if f.unit == "" || unitRank[unit] > unitRank[f.unit] {
				f.unit = unit
			}
			i = j
		default:
			f.fields = append(f.fields, dateField{literal: string(c)})
			i++
		}
	}
	if f.unit == "" {
		return nil, fmt.Errorf("date format %q has no date fields", pattern)
	}
	return f, nil
}

// format renders t (UTC).
func (f *javaFormat) format(t time.Time) string {
	var b strings.Builder
	for _, fl := range f.fields {
		if fl.letter == 0 {
			b.WriteString(fl.literal)
			continue
		}
		var v int
		switch fl.letter {
		case 'y', 'u':
			v = t.Year()
			if fl.width == 2 {
				v %= 100
			}
		case 'M':
			if fl.width >= 3 {
				b.WriteString(t.Month().String()[:3])
				continue
			}
			v = int(t.Month())
		case 'd':
			v = t.Day()
		case 'H':
			v = t.Hour()
		case 'm':
			v = t.Minute()
		case 's':
			v = t.Second()
		case 'S':
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			b.WriteString(frac[:min(fl.width, 9)])
			continue
		}
		fmt.Fprintf(&b, "%0*d", fl.width, v)
	}
	return b.String()
}

// parse reads a date written in the format; fields it lacks take their
// smallest value.
func (f *javaFormat) parse(s string) (time.Time, error) {
	vals := map[byte]int{'M': 1, 'd': 1}
	year, nanos := 1970, 0
	pos := 0
	for _, fl := range f.fields {
		if fl.letter == 0 {
			if !strings.HasPrefix(s[pos:], fl.literal) {
				return time.Time{}, fmt.Errorf("%q does not match date format %q", s, f.pattern)
			}
			pos += len(fl.literal)
			continue
		}
		if fl.letter == 'M' && fl.width >= 3 {
			m, ok := monthByName(s[pos:])
			if !ok {
				return time.Time{}, fmt.Errorf("%q does not match date format %q", s, f.pattern)
			}
			vals['M'], pos = m, pos+3
			continue
		}
		n := digitsAt(s, pos, fl.width)
		if n == 0 {
			return time.Time{}, fmt.Errorf("%q does not match date format %q", s, f.pattern)
		}
		v, _ := strconv.Atoi(s[pos : pos+n])
		switch fl.letter {
		case 'y', 'u':
			year = v
			if fl.width == 2 {
				year = 2000 + v
			}
		case 'S':
			nanos = v
			for k := n; k < 9; k++ {
				nanos *= 10
			}
		default:
			vals[fl.letter] = v
		}
		pos += n
	}
	if pos != len(s) {
		return time.Time{}, fmt.Errorf("%q does not match date format %q", s, f.pattern)
	}
	t := time.Date(year, time.Month(vals['M']), vals['d'], vals['H'], vals['m'], vals['s'], nanos, time.UTC)
	if t.Month() != time.Month(vals['M']) || t.Day() != vals['d'] || vals['H'] > 23 || vals['m'] > 59 || vals['s'] > 59 {
		return time.Time{}, fmt.Errorf("%q is not a valid date for format %q", s, f.pattern)
	}
	return t, nil
}

// digitsAt counts the digits of a field at pos: exactly width when the
// pattern repeats its letter (yyyy, MM), else one or two (M, d, H).
func digitsAt(s string, pos, width int) int {
	n := 0
	limit := width
	if width == 1 {
		limit = 2
	}
	for pos+n < len(s) && n < limit && s[pos+n] >= '0' && s[pos+n] <= '9' {
		n++
	}
	if width > 1 && n != width {
		return 0
	}
	return n
}

func monthByName(s string) (int, bool) {
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		if strings.EqualFold(s[:3], m.String()[:3]) {
			return int(m), true
		}
	}
	return 0, false
}

// nowExpr is Athena's relative date: NOW, NOW-3YEARS, NOW + 1 MONTH.
var nowExpr = regexp.MustCompile(`^\s*NOW\s*(?:([+-])\s*([0-9]+)\s*(YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?)\s*)?$`)

// parseDateBound reads one end of a date projection's range.
func (f *javaFormat) parseDateBound(s string, now time.Time) (time.Time, error) {
	m := nowExpr.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return f.parse(s)
	}
	t := now.UTC()
	if m[1] != "" {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "-" {
			n = -n
		}
		unit := m[3]
		if !strings.HasSuffix(unit, "S") {
			unit += "S"
		}
		t = addUnits(t, n, unit)
	}
	// The bound counts at the format's precision: NOW in an hourly
	// format is the current hour.
	return f.parse(f.format(t))
}

// addUnits adds n ChronoUnits to t.
func addUnits(t time.Time, n int, unit string) time.Time {
	switch unit {
	case "YEARS":
		return t.AddDate(n, 0, 0)
	case "MONTHS":
		return t.AddDate(0, n, 0)
	case "WEEKS":
		return t.AddDate(0, 0, 7*n)
	case "DAYS":
		return t.AddDate(0, 0, n)
	case "HOURS":
		return t.Add(time.Duration(n) * time.Hour)
	case "MINUTES":
		return t.Add(time.Duration(n) * time.Minute)
	case "SECONDS":
		return t.Add(time.Duration(n) * time.Second)
	}
	return t.Add(time.Duration(n) * time.Millisecond)
}

// stepsBetween estimates how many steps of n units lie in [lo, hi].
func stepsBetween(lo, hi time.Time, n int, unit string) int64 {
	if hi.Before(lo) {
		return 0
	}
	var units int64
	switch unit {
	case "YEARS":
		units = int64(hi.Year() - lo.Year())
	case "MONTHS":
		units = int64(hi.Year()-lo.Year())*12 + int64(hi.Month()-lo.Month())
	default:
		d := map[string]time.Duration{"WEEKS": 7 * 24 * time.Hour, "DAYS": 24 * time.Hour, "HOURS": time.Hour,
			"MINUTES": time.Minute, "SECONDS": time.Second, "MILLISECONDS": time.Millisecond}[unit]
		units = int64(hi.Sub(lo) / d)
	}
	return units/int64(n) + 1
}
