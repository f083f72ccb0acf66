package delivery

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A prefix is a template of literal text and !{namespace:value} expressions,
// expanded per object (see "Custom prefixes for Amazon S3 objects").
type segKind int

const (
	segLiteral segKind = iota
	segTimestamp
	segRandom
	segErrorType
	segPartitionKey
)

type segment struct {
	kind    segKind
	literal string     // segLiteral
	key     string     // segPartitionKey
	layout  []dtfToken // segTimestamp
}

type template struct {
	segs    []segment
	hasExpr bool
}

// defaultTimePrefix is what Firehose appends to a prefix without expressions.
var defaultTimePrefix = mustLayout("yyyy/MM/dd/HH/")

func mustLayout(p string) []dtfToken {
	l, err := parseDateTimePattern(p)
	if err != nil {
		panic(err)
	}
	return l
}

// parseTemplate parses a prefix; field names the member in error messages.
func parseTemplate(s, field string) (*template, error) {
	t := &template{}
	for {
		i := strings.Index(s, "!{")
		if i < 0 {
			break
		}
		if i > 0 {
			t.segs = append(t.segs, segment{kind: segLiteral, literal: s[:i]})
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, invalidArg("%s contains an unterminated expression: %q.", field, s[i:])
		}
		expr := s[i+2 : i+end]
		s = s[i+end+1:]
		ns, val, ok := strings.Cut(expr, ":")
		if !ok {
			return nil, invalidArg("%s contains an invalid expression !{%s}: expected !{namespace:value}.", field, expr)
		}
		t.hasExpr = true
		switch ns {
		case "timestamp":
			layout, err := parseDateTimePattern(val)
			if err != nil {
				return nil, invalidArg("%s contains an invalid timestamp expression !{%s}: %v", field, expr, err)
			}
			t.segs = append(t.segs, segment{kind: segTimestamp, layout: layout})
		case "firehose":
			switch val {
			case "random-string":
				t.segs = append(t.segs, segment{kind: segRandom})
			case "error-output-type":
				t.segs = append(t.segs, segment{kind: segErrorType})
			default:
				return nil, invalidArg("%s contains an unsupported firehose expression !{%s}: expected random-string or error-output-type.", field, expr)
			}
		case "partitionKeyFromQuery":
			if val == "" {
				return nil, invalidArg("%s contains an empty partition key name in !{%s}.", field, expr)
			}
			t.segs = append(t.segs, segment{kind: segPartitionKey, key: val})
		case "partitionKeyFromLambda":
			return nil, invalidArg("%s uses !{%s}: Lambda processing is not supported by Shoal; use partitionKeyFromQuery with a MetadataExtraction processor.", field, expr)
		default:
			return nil, invalidArg("%s contains an unknown expression namespace %q in !{%s}.", field, ns, expr)
		}
	}
	if s != "" {
		t.segs = append(t.segs, segment{kind: segLiteral, literal: s})
	}
	return t, nil
}

func (t *template) uses(k segKind) bool {
	for _, s := range t.segs {
		if s.kind == k {
			return true
		}
	}
	return false
}

func (t *template) keys() []string {
	var out []string
	for _, s := range t.segs {
		if s.kind == segPartitionKey {
			out = append(out, s.key)
		}
	}
	return out
}

// expandArgs are the values an expansion draws on.
type expandArgs struct {
	at      time.Time // arrival of the oldest record, in the configured zone
	keys    map[string]string
	random  string
	errType string
}

// expand appends the expanded template; without expressions Firehose appends
// the default time layout (and, for errors, the error type before it).
func (t *template) expand(dst []byte, a *expandArgs, isError bool) []byte {
	for _, s := range t.segs {
		switch s.kind {
		case segLiteral:
			dst = append(dst, s.literal...)
		case segTimestamp:
			dst = appendDateTime(dst, a.at, s.layout)
		case segRandom:
			dst = append(dst, a.random...)
		case segErrorType:
			dst = append(dst, a.errType...)
		case segPartitionKey:
			dst = append(dst, a.keys[s.key]...)
		}
	}
	if !t.hasExpr {
		if isError {
			dst = append(dst, a.errType...)
			dst = append(dst, '/')
		}
		dst = appendDateTime(dst, a.at, defaultTimePrefix)
	}
	return dst
}

// dtfToken is one element of a Java DateTimeFormatter pattern: a field with
// its width or a literal.
type dtfToken struct {
	field   byte // 0 for a literal
	width   int
	literal string
}

// parseDateTimePattern accepts the pattern letters prefixes use in practice
// (y/u year, M month, d day, H hour, m minute, s second, S fraction), quoted
// literals and punctuation, and names anything else rather than guess.
func parseDateTimePattern(p string) ([]dtfToken, error) {
	var out []dtfToken
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			end := strings.IndexByte(p[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quoted literal in pattern %q", p)
			}
			lit := p[i+1 : i+1+end]
			if lit == "" {
				lit = "'"
			}
			out = append(out, dtfToken{literal: lit})
			i += end + 2
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			w := j - i
			switch c {
			case 'y', 'u':
				if w == 3 {
					return nil, fmt.Errorf("pattern letter %c of width 3 is not supported (use yy or yyyy)", c)
				}
				c = 'y'
			case 'M', 'd', 'H', 'm', 's':
				if w > 2 {
					return nil, fmt.Errorf("pattern %q: letter %c takes at most 2 characters", p, c)
				}
			case 'S':
				if w > 9 {
					return nil, fmt.Errorf("pattern %q: fraction takes at most 9 characters", p)
				}
			default:
				return nil, fmt.Errorf("pattern letter %q is not supported (supported: yyyy, yy, MM, dd, HH, mm, ss, SSS and quoted literals)", string(c))
			}
			out = append(out, dtfToken{field: c, width: w})
			i = j
		case c == '[' || c == ']' || c == '#' || c == '{' || c == '}':
			return nil, fmt.Errorf("pattern character %q is reserved", string(c))
		default:
			out = append(out, dtfToken{literal: string(c)})
			i++
		}
	}
	return out, nil
}

func appendDateTime(dst []byte, t time.Time, layout []dtfToken) []byte {
	for _, tok := range layout {
		if tok.field == 0 {
			dst = append(dst, tok.literal...)
			continue
		}
		var v, w int
		switch tok.field {
		case 'y':
			v, w = t.Year(), tok.width
			if w == 2 {
				v %= 100
			}
		case 'M':
			v, w = int(t.Month()), tok.width
		case 'd':
			v, w = t.Day(), tok.width
		case 'H':
			v, w = t.Hour(), tok.width
		case 'm':
			v, w = t.Minute(), tok.width
		case 's':
			v, w = t.Second(), tok.width
		case 'S':
			ns := t.Nanosecond()
			for i := tok.width; i < 9; i++ {
				ns /= 10
			}
			v, w = ns, tok.width
		}
		dst = appendPadded(dst, v, w)
	}
	return dst
}

func appendPadded(dst []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
