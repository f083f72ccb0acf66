package iam

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// principal is what authorization needs about one user or role, with its
// policies parsed: loaded once and kept until IAM changes.
type principal struct {
	gen  uint64 // the change generation it was loaded at
	kind string // kindUser or kindRole
	name string
	id   string // AIDA... or AROA...
	arn  string // the user's or the role's ARN (aws:PrincipalArn)
	// policies are every identity-based policy that applies: inline and
	// attached, the user's groups' too.
	policies []policy.Named
	// boundary is the permissions boundary's policy; nil without one. A
	// boundary whose policy is gone is empty and allows nothing.
	boundary []policy.Named
	// needsContext is set when a policy has a condition or a policy
	// variable, i.e. reads the request context.
	needsContext bool
	// keys are the condition keys IAM derives from the principal (for a
	// role, all but aws:userid, which names the session).
	keys  policy.Context
	trust *policy.Document // roles only
}

// addKeys adds the principal's condition keys to a request context.
func (p *principal) addKeys(ctx policy.Context, userID string) {
	for k, v := range p.keys {
		ctx[k] = v
	}
	if p.kind == kindRole { // a session's id names the session
		ctx["aws:userid"] = []string{userID}
	}
}

// principalKey names a cached principal by kind and user or role ARN.
type principalKey struct{ kind, arn string }

// principalCache holds loaded principals. Entries older than the service's
// change generation are stale and reloaded on use.
type principalCache struct {
	gen atomic.Uint64
	mu  sync.RWMutex
	m   map[principalKey]*principal
}

const maxCachedPrincipals = 4096

func newPrincipalCache() *principalCache {
	return &principalCache{m: map[principalKey]*principal{}}
}

// changed invalidates every entry; the IAM service calls it after each
// write to its tables.
func (c *principalCache) changed() { c.gen.Add(1) }

func (c *principalCache) get(k principalKey) (*principal, bool) {
	c.mu.RLock()
	p, ok := c.m[k]
	c.mu.RUnlock()
	return p, ok && p.gen == c.gen.Load()
}

func (c *principalCache) put(k principalKey, p *principal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedPrincipals {
		clear(c.m)
	}
	c.m[k] = p
}

// principal returns the user or role k names with its policies, or nil if
// it does not exist (any more).
func (s *Service) principal(ctx context.Context, k principalKey) (*principal, error) {
	if p, ok := s.principals.get(k); ok {
		return p, nil
	}
	// Read the generation first: a change committed while loading makes
	// the entry stale at once rather than hiding the change.
	gen := s.principals.gen.Load()
	var p *principal
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		p, err = s.loadPrincipal(ctx, tx, k)
		return err
	})
	if err != nil {
		return nil, dbErr("load principal", err)
	}
	if p != nil {
		p.gen = gen
		s.principals.put(k, p)
	}
	return p, nil
}

func (s *Service) loadPrincipal(ctx context.Context, tx *meta.Tx, k principalKey) (*principal, error) {
	if k.kind == kindRole {
		return s.loadRolePrincipal(ctx, tx, k.arn)
	}
	name := k.arn[strings.LastIndexByte(k.arn, '/')+1:]
	u, err := s.loadUser(ctx, tx, name)
	if isNoSuchEntity(err) || (err == nil && u.ARN != k.arn) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &principal{kind: kindUser, name: u.Name, id: u.ID, arn: u.ARN}
	key := nameKey(u.Name)
	if err := s.loadEntityPolicies(ctx, tx, p, kindUser, key); err != nil {
		return nil, err
	}
	groups, err := queryStrings(ctx, tx, `SELECT group_key FROM iam_group_members WHERE user_key = ? ORDER BY group_key`, key)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if err := s.loadEntityPolicies(ctx, tx, p, kindGroup, g); err != nil {
			return nil, err
		}
	}
	if err := s.loadBoundary(ctx, tx, p, kindUser, key); err != nil {
		return nil, err
	}
	return p, s.principalKeys(ctx, tx, p, key)
}

func (s *Service) loadRolePrincipal(ctx context.Context, tx *meta.Tx, arn string) (*principal, error) {
	r, err := s.roleByARN(ctx, tx, arn)
	if isNoSuchEntity(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &principal{kind: kindRole, name: r.Name, id: r.ID, arn: r.ARN}
	if p.trust, err = policy.Parse(r.TrustPolicy); err != nil {
		s.opts.Logger.Warn("iam: stored trust policy does not parse; it allows nothing", "role", r.Name, "err", err)
	}
	key := nameKey(r.Name)
	if err := s.loadEntityPolicies(ctx, tx, p, kindRole, key); err != nil {
		return nil, err
	}
	if err := s.loadBoundary(ctx, tx, p, kindRole, key); err != nil {
		return nil, err
	}
	return p, s.principalKeys(ctx, tx, p, key)
}

// loadEntityPolicies appends the inline and attached policies of one user,
// role or group to p.
func (s *Service) loadEntityPolicies(ctx context.Context, tx *meta.Tx, p *principal, kind, key string) error {
	rows, err := tx.Query(ctx, `SELECT policy_name, document FROM iam_inline_policies
		WHERE entity_kind = ? AND entity_key = ? ORDER BY policy_name`, kind, key)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, doc string
		if err := rows.Scan(&name, &doc); err != nil {
			return err
		}
		s.addPolicy(p, name, doc)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	arns, err := queryStrings(ctx, tx, `SELECT policy_arn FROM iam_attachments WHERE entity_kind = ? AND entity_key = ? ORDER BY policy_arn`, kind, key)
	if err != nil {
		return err
	}
	for _, arn := range arns {
		doc, err := s.defaultDocument(ctx, tx, arn)
		if err != nil {
			return err
		}
		s.addPolicy(p, arn, doc)
	}
	return nil
}

// loadBoundary sets p's permissions boundary, if the user or role has one.
func (s *Service) loadBoundary(ctx context.Context, tx *meta.Tx, p *principal, kind, key string) error {
	arn, err := boundaryARN(ctx, tx, kind, key)
	if err != nil || arn == "" {
		return err
	}
	doc, err := s.defaultDocument(ctx, tx, arn)
	if err != nil {
		return err
	}
	p.boundary = []policy.Named{}
	if d := s.parseStored(p, arn, doc); d != nil {
		p.boundary = append(p.boundary, policy.Named{Name: arn, Document: d})
	}
	return nil
}

// defaultDocument is the default version's document of a managed policy.
func (s *Service) defaultDocument(ctx context.Context, tx *meta.Tx, arn string) (string, error) {
	if doc, ok := managedPolicyDocument(arn); ok {
		return doc, nil
	}
	var doc string
	err := tx.QueryRow(ctx, `SELECT v.document FROM iam_policies p JOIN iam_policy_versions v
		ON v.policy_arn = p.arn AND v.version_id = p.default_version WHERE p.arn = ?`, arn).Scan(&doc)
	if meta.IsNoRows(err) {
		return "", nil // deleted: grants nothing
	}
	return doc, err
}

// addPolicy parses a stored document into p. Documents were validated when
// stored; one that no longer parses (stored by an older, laxer Shoal)
// grants nothing and is logged.
func (s *Service) addPolicy(p *principal, name, doc string) {
	if d := s.parseStored(p, name, doc); d != nil {
		p.policies = append(p.policies, policy.Named{Name: name, Document: d})
	}
}

// parseStored parses one of p's stored documents (nil if empty or bad)
// and notes whether it reads the request context.
func (s *Service) parseStored(p *principal, name, doc string) *policy.Document {
	if doc == "" {
		return nil
	}
	d, err := policy.Parse(doc)
	if err != nil {
		s.opts.Logger.Warn("iam: stored policy does not parse; it grants nothing", "principal", p.arn, "policy", name, "err", err)
		return nil
	}
	p.needsContext = p.needsContext || readsContext(d)
	return d
}

// readsContext reports whether evaluating d can read the request context.
func readsContext(d *policy.Document) bool {
	for _, st := range d.Statements {
		if len(st.Condition) > 0 {
			return true
		}
		for _, r := range st.Resource {
			if strings.Contains(r, "${") {
				return true
			}
		}
	}
	return false
}

// principalKeys sets the condition keys IAM derives from the principal:
// aws:username (users), aws:PrincipalArn (for a role session, the role's
// ARN), aws:PrincipalAccount, aws:PrincipalType and aws:PrincipalTag/*.
func (s *Service) principalKeys(ctx context.Context, tx *meta.Tx, p *principal, key string) error {
	p.keys = policy.Context{
		"aws:PrincipalArn":     {p.arn},
		"aws:PrincipalAccount": {s.opts.AccountID},
	}
	if p.kind == kindUser {
		p.keys["aws:PrincipalType"] = []string{"User"}
		p.keys["aws:username"] = []string{p.name}
		p.keys["aws:userid"] = []string{p.id}
	} else {
		p.keys["aws:PrincipalType"] = []string{"AssumedRole"}
	}
	tags, err := loadTags(ctx, tx, p.kind, key)
	for _, t := range tags {
		p.keys["aws:PrincipalTag/"+t.Key] = []string{t.Value}
	}
	return err
}
