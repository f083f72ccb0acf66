package iam

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Session tags and source identity (AssumeRole's Tags, TransitiveTagKeys
// and SourceIdentity). A session's tags are its aws:PrincipalTag/* keys,
// overriding the role's tags with the same key; transitive tags and the
// source identity pass on to sessions it assumes (role chaining) and
// cannot be changed there. Setting either needs sts:TagSession or
// sts:SetSourceIdentity besides sts:AssumeRole.

const (
	maxSessionTags = 50
	// packedTagSpace stands in for STS's packed-size budget for session
	// tags, which AWS does not publish: the plain text of keys and values.
	packedTagSpace = 4096
	principalTag   = "aws:PrincipalTag/"
)

// sessionTag is one session tag as stored with the session.
type sessionTag struct {
	Key        string `json:"key"`
	Value      string `json:"value"`
	Transitive bool   `json:"transitive,omitempty"`
}

// sessionAttrs are a session's tags (passed and inherited) and source
// identity.
type sessionAttrs struct {
	Tags           []sessionTag
	SourceIdentity string
}

func (a *sessionAttrs) empty() bool {
	return a == nil || (len(a.Tags) == 0 && a.SourceIdentity == "")
}

// sessionInfo is what a role session carries beyond its role, ready for
// authorization.
type sessionInfo struct {
	policies []policy.Named // nil: no session policies
	attrs    sessionAttrs
	// keys are the condition keys the session sets (aws:PrincipalTag/*,
	// aws:SourceIdentity); tagKeys its lower-cased tag keys, which
	// replace the role's tags with the same key.
	keys    policy.Context
	tagKeys map[string]bool
}

func newSessionInfo(policies []policy.Named, attrs *sessionAttrs) *sessionInfo {
	if policies == nil && attrs.empty() {
		return nil
	}
	info := &sessionInfo{policies: policies}
	if attrs.empty() {
		return info
	}
	info.attrs = *attrs
	info.keys, info.tagKeys = policy.Context{}, map[string]bool{}
	for _, t := range attrs.Tags {
		info.keys[principalTag+t.Key] = []string{t.Value}
		info.tagKeys[strings.ToLower(t.Key)] = true
	}
	if attrs.SourceIdentity != "" {
		info.keys["aws:SourceIdentity"] = []string{attrs.SourceIdentity}
	}
	return info
}

func (i *sessionInfo) sessionPolicies() []policy.Named {
	if i == nil {
		return nil
	}
	return i.policies
}

// addKeys sets the session's condition keys in ctx, after the role's.
func (i *sessionInfo) addKeys(ctx policy.Context) {
	if i == nil || i.keys == nil {
		return
	}
	for k := range ctx {
		if len(k) > len(principalTag) && strings.EqualFold(k[:len(principalTag)], principalTag) &&
			i.tagKeys[strings.ToLower(k[len(principalTag):])] {
			delete(ctx, k)
		}
	}
	maps.Copy(ctx, i.keys)
}

// inherited is what a session assumed from this one starts with: its
// transitive tags and its source identity.
func (i *sessionInfo) inherited() (tags []sessionTag, sourceIdentity string) {
	if i == nil {
		return nil, ""
	}
	for _, t := range i.attrs.Tags {
		if t.Transitive {
			tags = append(tags, t)
		}
	}
	return tags, i.attrs.SourceIdentity
}

func invalidParameter(format string, args ...any) error {
	return awsapi.Errorf(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

// checkSessionTags validates Tags and TransitiveTagKeys as STS does.
func checkSessionTags(tags []Tag, transitive []string) error {
	if len(tags) > maxSessionTags {
		return constraint("[...]", "tags", "Member must have length less than or equal to 50")
	}
	if len(transitive) > maxSessionTags {
		return constraint("[...]", "transitiveTagKeys", "Member must have length less than or equal to 50")
	}
	seen := map[string]bool{}
	size := 0
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return constraint(t.Key, "tags.member.key", boundLenRule(len(t.Key), 1, 128))
		}
		if !tagPattern.MatchString(t.Key) {
			return constraint(t.Key, "tags.member.key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		}
		if len(t.Value) > 256 {
			return constraint(t.Value, "tags.member.value", boundLenRule(len(t.Value), 0, 256))
		}
		if !tagValuePattern.MatchString(t.Value) {
			return constraint(t.Value, "tags.member.value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		}
		if seen[strings.ToLower(t.Key)] {
			return invalidParameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
		size += len(t.Key) + len(t.Value)
	}
	for _, k := range transitive {
		if !seen[strings.ToLower(k)] {
			return invalidParameter("The specified transitive tag key must be included in the requested tags.")
		}
	}
	if size > packedTagSpace {
		return awsapi.Errorf(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of session tags consumes %d%% of allotted space.", size*100/packedTagSpace)
	}
	return nil
}

// checkSourceIdentity validates SourceIdentity: 2..64 characters of
// [\w+=,.@-], not starting with the reserved "aws:".
func checkSourceIdentity(v *string) error {
	if v == nil {
		return nil
	}
	switch {
	case len(*v) < 2 || len(*v) > 64:
		return constraint(*v, "sourceIdentity", boundLenRule(len(*v), 2, 64))
	case len(*v) >= 4 && strings.EqualFold((*v)[:4], "aws:"):
		return invalidParameter("The source identity cannot begin with the prefix aws:, which is reserved for AWS use.")
	case !namePattern.MatchString(*v):
		return constraint(*v, "sourceIdentity", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	return nil
}

// newSessionAttrs combines AssumeRole's tags and source identity with what
// the calling session passes on (from is nil unless the caller is a role
// session with tags or a source identity).
func newSessionAttrs(in *AssumeRoleInput, from *sessionInfo) (*sessionAttrs, error) {
	inherited, prevSource := from.inherited()
	taken := map[string]bool{}
	for _, t := range inherited {
		taken[strings.ToLower(t.Key)] = true
	}
	transitive := map[string]bool{}
	for _, k := range in.TransitiveTagKeys {
		transitive[strings.ToLower(k)] = true
	}
	a := &sessionAttrs{}
	for _, t := range in.Tags {
		k := strings.ToLower(t.Key)
		if taken[k] {
			return nil, invalidParameter("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
		}
		a.Tags = append(a.Tags, sessionTag{Key: t.Key, Value: t.Value, Transitive: transitive[k]})
	}
	a.Tags = append(a.Tags, inherited...)
	a.SourceIdentity = prevSource
	if in.SourceIdentity != nil {
		if prevSource != "" && *in.SourceIdentity != prevSource {
			return nil, accessDenied("The source identity %s of the calling session cannot be changed to %s: "+
				"a source identity persists through role chaining.", prevSource, *in.SourceIdentity)
		}
		a.SourceIdentity = *in.SourceIdentity
	}
	return a, nil
}

// actions are the STS actions assuming a role with a needs: sts:AssumeRole,
// and sts:TagSession / sts:SetSourceIdentity when it sets tags or a
// source identity (inherited ones too).
func (a *sessionAttrs) actions() []string {
	out := []string{"sts:AssumeRole"}
	if len(a.Tags) > 0 {
		out = append(out, "sts:TagSession")
	}
	if a.SourceIdentity != "" {
		out = append(out, "sts:SetSourceIdentity")
	}
	return out
}

// requestKeys are the condition keys of the AssumeRole request that trust
// and identity policies can constrain it with; nil without tags or source
// identity.
func (a *sessionAttrs) requestKeys(transitiveKeys []string) policy.Context {
	if a.empty() {
		return nil
	}
	ctx := policy.Context{}
	if len(a.Tags) > 0 {
		keys := make([]string, 0, len(a.Tags))
		for _, t := range a.Tags {
			ctx["aws:RequestTag/"+t.Key] = []string{t.Value}
			keys = append(keys, t.Key)
		}
		ctx["aws:TagKeys"] = keys
	}
	if len(transitiveKeys) > 0 {
		ctx["sts:TransitiveTagKeys"] = transitiveKeys
	}
	if a.SourceIdentity != "" {
		ctx["sts:SourceIdentity"] = []string{a.SourceIdentity}
	}
	return ctx
}

func storeSessionAttrs(ctx context.Context, tx *meta.Tx, keyID string, a *sessionAttrs) error {
	if a.empty() {
		return nil
	}
	tags := a.Tags
	if tags == nil {
		tags = []sessionTag{}
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return fmt.Errorf("encode session tags: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO iam_session_attributes (access_key_id, tags, source_identity) VALUES (?, ?, ?)`,
		keyID, string(b), a.SourceIdentity)
	return err
}

// loadSessionAttrs reads a session's tags and source identity; nil when it
// has none.
func loadSessionAttrs(ctx context.Context, tx *meta.Tx, keyID string) (*sessionAttrs, error) {
	var raw, source string
	err := tx.QueryRow(ctx, `SELECT tags, source_identity FROM iam_session_attributes WHERE access_key_id = ?`, keyID).Scan(&raw, &source)
	if meta.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a := &sessionAttrs{SourceIdentity: source}
	if err := json.Unmarshal([]byte(raw), &a.Tags); err != nil {
		return nil, fmt.Errorf("iam: decode session tags: %w", err)
	}
	return a, nil
}
