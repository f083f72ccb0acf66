package policy

import (
	"fmt"
	"strings"
)

// Evaluate decides a request against the identity-based policies attached
// to the caller (its own, its groups', inline and managed), with IAM's
// logic for a single account: an explicit Deny in any policy wins, else an
// Allow, else the request is implicitly denied. The first matching
// statement of the winning kind is reported.
func Evaluate(req *Request, policies []Named) Decision {
	res := splitARN(req.Resource)
	allow := Decision{Reason: ImplicitDeny}
	for _, p := range policies {
		if p.Document == nil {
			continue
		}
		for i := range p.Document.Statements {
			st := &p.Document.Statements[i]
			if !st.appliesTo(req, &res) {
				continue
			}
			if st.deny {
				return Decision{Reason: ExplicitDeny, Policy: p.Name, Sid: st.Sid, Statement: i}
			}
			if !allow.Allowed {
				allow = Decision{Allowed: true, Reason: Allow, Policy: p.Name, Sid: st.Sid, Statement: i}
			}
		}
	}
	return allow
}

// AllowsPrincipal decides whether a trust policy (or a resource policy)
// lets req.Principal perform req.Action, e.g. sts:AssumeRole by
// firehose.amazonaws.com. Statements without a Resource element apply to
// the resource the policy is attached to, so they ignore req.Resource. An
// allowing Decision's Grant is the most specific way any allowing
// statement named the caller.
func AllowsPrincipal(doc *Document, req *Request) Decision {
	allow := Decision{Reason: ImplicitDeny}
	if doc == nil {
		return allow
	}
	res := splitARN(req.Resource)
	for i := range doc.Statements {
		st := &doc.Statements[i]
		g := st.principalGrant(req)
		if g == GrantNone || !st.appliesTo(req, &res) {
			continue
		}
		if st.deny {
			return Decision{Reason: ExplicitDeny, Sid: st.Sid, Statement: i}
		}
		if !allow.Allowed {
			allow = Decision{Allowed: true, Reason: Allow, Sid: st.Sid, Statement: i}
		}
		allow.Grant = max(allow.Grant, g)
	}
	return allow
}

// principalGrant is how the statement's Principal (or NotPrincipal) names
// the caller; GrantNone when it does not apply to the caller.
func (st *Statement) principalGrant(req *Request) Grant {
	if st.Principal == nil {
		return GrantNone
	}
	g := st.Principal.grant(req)
	if st.NotPrincipal {
		if g != GrantNone {
			return GrantNone
		}
		return GrantAccount // everyone but the listed: never a direct grant
	}
	return g
}

// appliesTo checks action, resource and conditions, cheapest first.
func (st *Statement) appliesTo(req *Request, res *arnParts) bool {
	if st.matchesAction(req.Action) == st.NotAction {
		return false
	}
	if st.Resource != nil && st.matchesResource(res, req.Context) == st.NotResource {
		return false
	}
	for i := range st.conds {
		if !st.conds[i].holds(req.Context) {
			return false
		}
	}
	return true
}

func (st *Statement) matchesAction(action string) bool {
	for i := range st.actions {
		if st.actions[i].match(action, nil) {
			return true
		}
	}
	return false
}

func (st *Statement) matchesResource(res *arnParts, ctx Context) bool {
	for i := range st.resources {
		if st.resources[i].match(res, ctx) {
			return true
		}
	}
	return false
}

// Message is the AccessDenied text AWS returns for a denied request, e.g.
// "User: arn:aws:iam::123456789012:user/bob is not authorized to perform:
// kinesis:PutRecord on resource: arn:aws:kinesis:... because no
// identity-based policy allows the kinesis:PutRecord action". It is empty
// for an allowed request.
func (d Decision) Message(req *Request) string {
	if d.Reason == Allow {
		return ""
	}
	return fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", req.Principal, req.Action, req.Resource) + d.Because(req)
}

// Because is the end of Message that says why: " because no
// identity-based policy allows the kinesis:PutRecord action", or " with
// an explicit deny in ...".
func (d Decision) Because(req *Request) string {
	switch d.Reason {
	case Allow:
		return ""
	case ExplicitDeny:
		s := " with an explicit deny in a" + article(d.Type) + d.Type.text()
		if strings.HasPrefix(d.Policy, "arn:") {
			s += ": " + d.Policy
		}
		return s
	default:
		return fmt.Sprintf(" because no %s allows the %s action", d.Type.text(), req.Action)
	}
}

func article(t PolicyType) string {
	if t == IdentityBased {
		return "n "
	}
	return " "
}
