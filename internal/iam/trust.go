package iam

import (
	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
)

// trustDecision decides whether a role's trust policy lets caller assume
// it (sts:AssumeRole), with the policy engine's full grammar: principals
// (a role ARN also covers its sessions), NotPrincipal, conditions on the
// caller's keys and on sts:ExternalId. A nil document allows nothing. An
// allowing decision's Grant says how the caller was named.
func trustDecision(d *policy.Document, caller awsapi.Identity, roleARN string, externalID *string) policy.Decision {
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
	req := policy.Request{Principal: caller.ARN, Account: caller.AccountID, Action: "sts:AssumeRole",
		Resource: roleARN, Context: ctx}
	return policy.AllowsPrincipal(d, &req)
}

// trustAllows is trustDecision for a stored document.
func trustAllows(doc string, caller awsapi.Identity, roleARN string, externalID *string) bool {
	d, err := policy.Parse(doc)
	return err == nil && trustDecision(d, caller, roleARN, externalID).Allowed
}

// principalARN is aws:PrincipalArn: for a role session, the role's ARN.
func principalARN(id awsapi.Identity) string {
	if id.RoleARN != "" {
		return id.RoleARN
	}
	return id.ARN
}
