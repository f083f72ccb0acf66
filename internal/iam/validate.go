package iam

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
)

// Patterns and limits from the IAM API reference.
var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

const (
	namePatternText = `[\w+=,.@-]+`
	pathPatternText = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
)

// constraint formats IAM's one-field validation message.
func constraint(value any, field, rule string) error {
	return validationError("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, rule)
}

// checkName validates an entity name (user, role, group, policy, inline
// policy, session) against IAM's pattern and length limits.
func checkName(value, field string, maxLen int) error {
	switch {
	case len(value) < 1:
		return constraint(value, field, "Member must have length greater than or equal to 1")
	case len(value) > maxLen:
		return constraint(value, field, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	case !namePattern.MatchString(value):
		return constraint(value, field, "Member must satisfy regular expression pattern: "+namePatternText)
	}
	return nil
}

// checkPath validates an IAM path, defaulting an empty one to "/".
func checkPath(path *string) (string, error) {
	if path == nil {
		return "/", nil
	}
	switch {
	case len(*path) > 512:
		return "", constraint(*path, "path", "Member must have length less than or equal to 512")
	case !pathPattern.MatchString(*path):
		return "", constraint(*path, "path", "Member must satisfy regular expression pattern: "+pathPatternText)
	}
	return *path, nil
}

// checkPathPrefix validates ListX's PathPrefix (default "/").
func checkPathPrefix(prefix *string) (string, error) {
	if prefix == nil {
		return "/", nil
	}
	if !strings.HasPrefix(*prefix, "/") || len(*prefix) > 512 {
		return "", constraint(*prefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	return *prefix, nil
}

func checkDescription(d *string) (string, error) {
	if d == nil {
		return "", nil
	}
	if len(*d) > 1000 {
		return "", constraint(*d, "description", "Member must have length less than or equal to 1000")
	}
	return *d, nil
}

// checkPolicyDocument validates a policy document with the policy
// engine's grammar and kind rules (identity or trust policy) and its size.
// maxSize is the quota in characters excluding whitespace, as IAM counts.
func checkPolicyDocument(doc, field string, kind policy.Kind, maxSize int, sizeErr func() error) error {
	if doc == "" {
		return constraint(doc, field, "Member must have length greater than or equal to 1")
	}
	if policy.NonWhitespaceLen(doc) > maxSize {
		return sizeErr()
	}
	if _, err := policy.ParseAs(kind, doc); err != nil {
		var bad *policy.MalformedError
		if errors.As(err, &bad) {
			return malformedPolicy("%s", bad.Message)
		}
		return fmt.Errorf("iam: check policy: %w", err)
	}
	return nil
}

// Tag is a key-value pair on a user, role or policy.
type Tag struct{ Key, Value string }

// checkTags validates tags as IAM does: at most 50, keys 1..128 and values
// 0..256 characters of letters, digits, spaces and _.:/=+-@, no duplicates.
func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return limitExceeded("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 || !tagPattern.MatchString(t.Key) {
			return constraint(t.Key, "tags.member.key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		}
		if len(t.Value) > 256 || !tagValuePattern.MatchString(t.Value) {
			return constraint(t.Value, "tags.member.value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		}
		if seen[strings.ToLower(t.Key)] {
			return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
	}
	return nil
}

var (
	tagPattern      = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// Page selects one page of a list: Marker from the previous page's answer
// and MaxItems (default 100, 1..1000).
type Page struct {
	Marker   *string
	MaxItems *int
}

// paginate returns the page of items (sorted by key) that starts at the
// page's marker, and the marker of the next page ("" on the last page).
func paginate[T any](items []T, key func(T) string, p Page) ([]T, string, error) {
	limit := 100
	if p.MaxItems != nil {
		if *p.MaxItems < 1 || *p.MaxItems > 1000 {
			return nil, "", constraint(*p.MaxItems, "maxItems", boundRule(*p.MaxItems, 1, 1000))
		}
		limit = *p.MaxItems
	}
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := 0
	if p.Marker != nil {
		from, err := base64.RawURLEncoding.DecodeString(*p.Marker)
		if err != nil || *p.Marker == "" {
			return nil, "", awsapi.Errorf(http.StatusBadRequest, "ValidationError", "Invalid Marker.")
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) >= string(from) })
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(items[end])))
	}
	return items[start:end], next, nil
}

func boundRule(v, lo, hi int) string {
	if v < lo {
		return fmt.Sprintf("Member must have value greater than or equal to %d", lo)
	}
	return fmt.Sprintf("Member must have value less than or equal to %d", hi)
}
