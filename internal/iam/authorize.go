package iam

// Authorization entry points for the rest of Shoal:
//
//	func (s *Service) Authorize(ctx context.Context, id awsapi.Identity, req awsapi.AuthzRequest) error
//	func (s *Service) AuthorizeRole(ctx context.Context, roleARN, servicePrincipal string, req awsapi.AuthzRequest) error
//
// Authorize implements awsapi.Authorizer (the Router calls it for every
// API request). AuthorizeRole is for a service that acts as a role on its
// own (a delivery stream as its RoleARN, a crawler as its Role): it checks
// the role exists, that its trust policy lets servicePrincipal (e.g.
// "firehose.amazonaws.com") call sts:AssumeRole, and that the role's
// policies allow req. Both apply the principal's permissions boundary
// (and a role session's session policies) on top of its identity-based
// policies. Both return nil when allowed; a denial is an
// *awsapi.AccessDenied (errors.As), whose Message is AWS's text. When the
// role cannot be assumed at all the error is also an *AssumeRoleError, so
// a caller can word it as its service does (Firehose: "Firehose is unable
// to assume role ..."). Any other error is an internal failure.

import (
	"context"
	"strings"
	"sync"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
)

var _ awsapi.Authorizer = (*Service)(nil)

// AssumeRoleError says a service principal cannot act as a role: the role
// does not exist, or its trust policy does not allow the service.
type AssumeRoleError struct {
	RoleARN          string
	ServicePrincipal string
	// Missing is true when the role does not exist.
	Missing bool
}

func (e *AssumeRoleError) Error() string { return e.denial().Message() }

// Unwrap makes the error an *awsapi.AccessDenied for errors.As.
func (e *AssumeRoleError) Unwrap() error { return e.denial() }

// denial is STS's AccessDenied wording for a principal that may not assume
// the role (a missing role reads the same, as STS does not reveal which).
func (e *AssumeRoleError) denial() *awsapi.AccessDenied {
	return &awsapi.AccessDenied{Principal: "Service: " + e.ServicePrincipal, Action: "sts:AssumeRole", Resource: e.RoleARN}
}

// Authorize decides an API request made with id's credentials against the
// caller's identity-based policies. The root identity may do everything.
func (s *Service) Authorize(ctx context.Context, id awsapi.Identity, req awsapi.AuthzRequest) error {
	if id.Root {
		return nil
	}
	var key principalKey
	switch id.PrincipalType {
	case "user":
		key = principalKey{kind: kindUser, arn: id.ARN}
	case "assumed-role":
		key = principalKey{kind: kindRole, arn: id.RoleARN}
	default:
		return denyImplicit(id.ARN, id.AccountID, req)
	}
	p, err := s.principal(ctx, key)
	if err != nil {
		return err
	}
	if p == nil { // deleted since its credentials were resolved
		return denyImplicit(id.ARN, id.AccountID, req)
	}
	c := caller{arn: id.ARN, userID: id.UserID}
	switch req.Action {
	case "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity":
		c.grant, _ = ctx.Value(trustGrantKey{}).(policy.Grant)
	}
	if key.kind == kindRole {
		if c.session, err = s.sessionInfo(ctx, id.AccessKeyID); err != nil {
			return err
		}
	}
	return s.decide(p, c, req)
}

type trustGrantKey struct{}

// WithTrustGrant marks ctx for the sts:AssumeRole (or sts:TagSession,
// sts:SetSourceIdentity) authorization of a caller whose target role's
// trust policy allowed it with grant (see TrustGrant): within one
// account, a trust policy that names the caller itself allows the call
// without the caller's own policies (an explicit deny still wins), one
// that names only the account does not.
func WithTrustGrant(ctx context.Context, grant policy.Grant) context.Context {
	return context.WithValue(ctx, trustGrantKey{}, grant)
}

// AuthorizeRole decides req for servicePrincipal acting as the role
// roleARN; see the file comment.
func (s *Service) AuthorizeRole(ctx context.Context, roleARN, servicePrincipal string, req awsapi.AuthzRequest) error {
	p, err := s.principal(ctx, principalKey{kind: kindRole, arn: roleARN})
	if err != nil {
		return err
	}
	if p == nil {
		return &AssumeRoleError{RoleARN: roleARN, ServicePrincipal: servicePrincipal, Missing: true}
	}
	trustReq := policy.Request{Principal: servicePrincipal, Action: "sts:AssumeRole", Resource: roleARN}
	if !policy.AllowsPrincipal(p.trust, &trustReq).Allowed {
		return &AssumeRoleError{RoleARN: roleARN, ServicePrincipal: servicePrincipal}
	}
	session := serviceSessionName(servicePrincipal)
	arn := "arn:aws:sts::" + s.opts.AccountID + ":assumed-role/" + p.name + "/" + session
	return s.decide(p, caller{arn: arn, userID: p.id + ":" + session}, req)
}

// serviceSessionName is the session name a service's assumed-role ARN
// carries: the service's name, e.g. "firehose" for firehose.amazonaws.com.
func serviceSessionName(servicePrincipal string) string {
	name, _, _ := strings.Cut(servicePrincipal, ".")
	return name
}

// caller is who a request is decided for, beyond its loaded principal.
type caller struct {
	arn    string // the caller's ARN (a role session's, for roles)
	userID string
	// grant is how a trust policy named the caller (AssumeRole's actions only).
	grant policy.Grant
	// session is what a role session carries beyond its role (session
	// policies, tags, source identity); nil without any.
	session *sessionInfo
}

// decide evaluates req for a loaded principal: its identity-based
// policies must allow, and so must its permissions boundary and the
// session's policies where there are any; an explicit deny in any of them
// denies. A trust policy grant can stand in for them; see policy.Grant.
func (s *Service) decide(p *principal, c caller, req awsapi.AuthzRequest) error {
	preq := policy.Request{Principal: c.arn, Account: s.opts.AccountID, Action: req.Action, Resource: req.Resource,
		Context: policy.Context(req.Context)}
	sessionPolicies := c.session.sessionPolicies()
	if p.needsContext || sessionPolicies != nil {
		// Only policies with conditions or policy variables read the
		// context: the others skip building it on the hot path.
		ctxMap := s.contexts.Get().(policy.Context)
		defer func() { clear(ctxMap); s.contexts.Put(ctxMap) }()
		for k, v := range req.Context {
			ctxMap[k] = v
		}
		p.addKeys(ctxMap, c.userID)
		c.session.addKeys(ctxMap)
		if req.ResourceTags != nil {
			for k, v := range req.ResourceTags() {
				ctxMap["aws:ResourceTag/"+k] = []string{v}
			}
		}
		preq.Context = ctxMap
	}
	d := policy.Evaluate(&preq, p.policies)
	if d.Reason == policy.ExplicitDeny {
		return denial(d, &preq)
	}
	if p.boundary == nil && sessionPolicies == nil { // the common case
		if d.Allowed || c.grant >= policy.GrantRole {
			return nil
		}
		return denial(d, &preq)
	}
	limit, err := limits(&preq, p.boundary, sessionPolicies)
	switch {
	case err != nil:
		return err
	case c.grant == policy.GrantPrincipal:
		return nil
	case !d.Allowed && c.grant != policy.GrantRole:
		return denial(d, &preq)
	case limit != nil:
		return limit
	}
	return nil
}

// limits evaluates the permissions boundary and the session policies
// (each nil when absent). It returns an error for an explicit deny in
// either, and the first implicit deny as limit.
func limits(req *policy.Request, boundary, session []policy.Named) (limit, err error) {
	for _, l := range []struct {
		policies []policy.Named
		kind     policy.PolicyType
	}{{boundary, policy.PermissionsBoundary}, {session, policy.SessionPolicy}} {
		if l.policies == nil {
			continue
		}
		d := policy.Evaluate(req, l.policies)
		d.Type = l.kind
		if d.Reason == policy.ExplicitDeny {
			return nil, denial(d, req)
		}
		if !d.Allowed && limit == nil {
			limit = denial(d, req)
		}
	}
	return limit, nil
}

// denial is the AccessDenied for a decision that did not allow req.
func denial(d policy.Decision, req *policy.Request) *awsapi.AccessDenied {
	return &awsapi.AccessDenied{Principal: "User: " + req.Principal, Action: req.Action, Resource: req.Resource, Reason: d.Because(req)}
}

// denyImplicit is the denial of a caller without policies.
func denyImplicit(arn, account string, req awsapi.AuthzRequest) *awsapi.AccessDenied {
	preq := policy.Request{Principal: arn, Account: account, Action: req.Action, Resource: req.Resource}
	return denial(policy.Decision{}, &preq)
}

// newContextPool recycles the per-request condition maps of principals
// whose policies read the context.
func newContextPool() *sync.Pool {
	return &sync.Pool{New: func() any { return make(policy.Context, 16) }}
}
