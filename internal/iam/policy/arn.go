package policy

import "strings"

// ARN matching follows IAM: an ARN has six colon-separated segments
// (arn:partition:service:region:account:resource) and each policy segment is
// matched against the same request segment, with wildcards confined to it.
// The last segment of the pattern is matched against the rest of the
// request ARN, so "arn:aws:s3:::bucket/*" covers keys containing colons and
// a trailing '*' in a short pattern ("arn:aws:logs:*") spans colons, as the
// IAM User Guide describes.

const arnSegments = 6

type arnPattern struct {
	any  bool // "*"
	segs []pattern
}

func compileARN(s string, o patternOpts) arnPattern {
	if s == "*" {
		return arnPattern{any: true}
	}
	parts := splitPatternARN(s, o.vars)
	a := arnPattern{segs: make([]pattern, len(parts))}
	for i, part := range parts {
		a.segs[i] = compilePattern(part, o)
	}
	return a
}

// splitPatternARN cuts a policy ARN at its first five colons, ignoring
// colons inside policy variables such as ${aws:username}.
func splitPatternARN(s string, vars bool) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s) && len(parts) < arnSegments-1; i++ {
		if vars && s[i] == '$' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				i += end
				continue
			}
		}
		if s[i] == ':' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// arnParts is a request ARN split into segments without copying.
type arnParts struct {
	s     string
	n     int
	start [arnSegments]int
}

func splitARN(s string) arnParts {
	a := arnParts{s: s, n: 1}
	for i := 0; i < len(s) && a.n < arnSegments; i++ {
		if s[i] == ':' {
			a.start[a.n] = i + 1
			a.n++
		}
	}
	return a
}

// segment returns segment i alone.
func (a *arnParts) segment(i int) string {
	if i+1 < a.n {
		return a.s[a.start[i] : a.start[i+1]-1]
	}
	return a.s[a.start[i]:]
}

// rest returns segment i and everything after it.
func (a *arnParts) rest(i int) string { return a.s[a.start[i]:] }

func (p *arnPattern) match(r *arnParts, ctx Context) bool {
	if p.any {
		return true
	}
	last := len(p.segs) - 1
	if r.n < len(p.segs) {
		return false
	}
	for i := 0; i < last; i++ {
		if !p.segs[i].match(r.segment(i), ctx) {
			return false
		}
	}
	return p.segs[last].match(r.rest(last), ctx)
}

// validResourceARN is IAM's check that a Resource is "*" or an ARN: six
// segments, or fewer when the last one ends in a '*' that spans the rest.
func validResourceARN(s string, vars bool) bool {
	if s == "*" {
		return true
	}
	if !strings.HasPrefix(s, "arn:") {
		return false
	}
	parts := splitPatternARN(s, vars)
	if len(parts) == arnSegments {
		return parts[1] != "" && parts[2] != ""
	}
	return len(parts) >= 3 && strings.HasSuffix(s, "*")
}
