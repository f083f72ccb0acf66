package iam

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Session policies: AssumeRole's Policy and PolicyArns. A session may do
// only what both the role's policies and its session policies allow.
// Managed session policies are read when the session is issued: later
// versions of them do not change it.

const (
	maxSessionPolicySize = 2048
	maxSessionPolicyARNs = 10
)

// storedSessionPolicy is one session policy as kept with the session.
type storedSessionPolicy struct {
	Name     string `json:"name"`
	Document string `json:"document"`
}

// sessionPolicyDocs checks AssumeRole's session policies and returns them
// as stored; nil when there are none.
func (s *Service) sessionPolicyDocs(ctx context.Context, tx *meta.Tx, inline *string, arns []string) ([]storedSessionPolicy, error) {
	var out []storedSessionPolicy
	if inline != nil {
		tooLong := func() error {
			return constraint("...", "policy", boundLenRule(maxSessionPolicySize+1, 1, maxSessionPolicySize))
		}
		if err := checkPolicyDocument(*inline, "policy", policy.IdentityPolicy, maxSessionPolicySize, tooLong); err != nil {
			return nil, err
		}
		out = append(out, storedSessionPolicy{Name: "session policy", Document: *inline})
	}
	if len(arns) > maxSessionPolicyARNs {
		return nil, constraint("[...]", "policyArns", "Member must have length less than or equal to 10")
	}
	for _, arn := range arns {
		if err := checkPolicyARN(arn); err != nil {
			return nil, err
		}
		if _, err := s.loadPolicy(ctx, tx, arn); err != nil {
			if isNoSuchEntity(err) {
				return nil, validationError("Policy %s does not exist or is not attachable.", arn)
			}
			return nil, err
		}
		doc, err := s.defaultDocument(ctx, tx, arn)
		if err != nil {
			return nil, err
		}
		out = append(out, storedSessionPolicy{Name: arn, Document: doc})
	}
	return out, nil
}

func storeSessionPolicies(ctx context.Context, tx *meta.Tx, keyID string, docs []storedSessionPolicy) error {
	if len(docs) == 0 {
		return nil
	}
	b, err := json.Marshal(docs)
	if err != nil {
		return fmt.Errorf("encode session policies: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO iam_session_policies (access_key_id, documents) VALUES (?, ?)`, keyID, string(b))
	return err
}

// pruneSessionPolicies drops the session policies, tags and source
// identities of sessions that are gone (expired and pruned, or their role
// deleted).
func pruneSessionPolicies(ctx context.Context, tx *meta.Tx) error {
	for _, q := range []string{
		`DELETE FROM iam_session_policies WHERE access_key_id NOT IN (SELECT access_key_id FROM iam_sessions)`,
		`DELETE FROM iam_session_attributes WHERE access_key_id NOT IN (SELECT access_key_id FROM iam_sessions)`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// sessionInfo returns what a role session carries beyond its role: session
// policies, session tags and source identity; nil when it has none (the
// common case, which then takes the plain role path). It never changes,
// so it is cached for good.
func (s *Service) sessionInfo(ctx context.Context, keyID string) (*sessionInfo, error) {
	if v, ok := s.sessions.get(keyID); ok {
		return v, nil
	}
	var raw string
	var attrs *sessionAttrs
	err := s.view(ctx, func(tx *meta.Tx) error {
		err := tx.QueryRow(ctx, `SELECT documents FROM iam_session_policies WHERE access_key_id = ?`, keyID).Scan(&raw)
		if err != nil && !meta.IsNoRows(err) {
			return err
		}
		attrs, err = loadSessionAttrs(ctx, tx, keyID)
		return err
	})
	if err != nil {
		return nil, dbErr("load session", err)
	}
	policies, err := parseSessionPolicies(raw)
	if err != nil {
		return nil, err
	}
	info := newSessionInfo(policies, attrs)
	s.sessions.put(keyID, info)
	return info, nil
}

// parseSessionPolicies parses stored session policies: nil when there are
// none, non-nil (maybe empty) when the session has some.
func parseSessionPolicies(raw string) ([]policy.Named, error) {
	if raw == "" {
		return nil, nil
	}
	var docs []storedSessionPolicy
	if err := json.Unmarshal([]byte(raw), &docs); err != nil {
		return nil, fmt.Errorf("iam: decode session policies: %w", err)
	}
	out := []policy.Named{}
	for _, d := range docs {
		if pd, err := policy.Parse(d.Document); err == nil {
			out = append(out, policy.Named{Name: d.Name, Document: pd})
		}
	}
	return out, nil
}

// sessionCache maps a role session's access key id to its sessionInfo
// (nil: nothing beyond the role).
type sessionCache struct {
	mu sync.RWMutex
	m  map[string]*sessionInfo
}

func newSessionCache() *sessionCache {
	return &sessionCache{m: map[string]*sessionInfo{}}
}

func (c *sessionCache) get(id string) (*sessionInfo, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *sessionCache) put(id string, v *sessionInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedCredentials {
		clear(c.m)
	}
	c.m[id] = v
}
