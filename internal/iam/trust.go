package iam

import (
	"maps"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
)

// trustDecision decides whether a role's trust policy lets caller assume
// it (sts:AssumeRole), with the policy engine's full grammar: principals
// (a role ARN also covers its sessions), NotPrincipal, conditions on the
// caller's keys, on sts:ExternalId and on the request's keys (session
// tags and source identity: see sessionAttrs.requestKeys). action is
// sts:AssumeRole, sts:TagSession or sts:SetSourceIdentity. A nil document
// allows nothing. An allowing decision's Grant says how the caller was
// named.
func trustDecision(d *policy.Document, caller awsapi.Identity, action, roleARN string, externalID *string, keys policy.Context) policy.Decision {
	ctx := policy.Context{
		"aws:PrincipalArn":     {principalARN(caller)},
		"aws:PrincipalAccount": {caller.AccountID},
		"aws:userid":           {caller.UserID},
	}
	if caller.PrincipalType == "user" {
		ctx["aws:username"] = []string{caller.Name}
	}
	if externalID != nil {
		ctx["sts:ExternalId"] = []string{*externalID}
	}
	maps.Copy(ctx, keys)
	req := policy.Request{Principal: caller.ARN, Account: caller.AccountID, Action: action,
		Resource: roleARN, Context: ctx}
	return policy.AllowsPrincipal(d, &req)
}

// trustAllows reports whether a stored trust document allows every action
// in actions.
func trustAllows(doc string, caller awsapi.Identity, actions []string, roleARN string, externalID *string, keys policy.Context) bool {
	d, err := policy.Parse(doc)
	if err != nil {
		return false
	}
	for _, a := range actions {
		if !trustDecision(d, caller, a, roleARN, externalID, keys).Allowed {
			return false
		}
	}
	return true
}

// principalARN is aws:PrincipalArn: for a role session, the role's ARN.
func principalARN(id awsapi.Identity) string {
	if id.RoleARN != "" {
		return id.RoleARN
	}
	return id.ARN
}
