package iamapi

import (
	"context"
	"net/http"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

// authorized wraps every action of ops with its authorization: iam:<Action>
// on the resource iamResource names.
func (a *api) authorized(ops map[string]awsapi.QueryOp) {
	for name, op := range ops {
		ops[name] = func(ctx context.Context, call *awsapi.QueryCall) (any, error) {
			auth := awsapi.AuthFrom(ctx)
			if auth != nil && iam.IsSessionTokenCaller(auth.Identity) {
				// GetSessionToken credentials without MFA may not call IAM;
				// AWS answers as for an unknown token.
				return nil, awsapi.Errorf(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid")
			}
			// Root may do everything: skip the entity lookups.
			if auth != nil && !auth.Identity.Root {
				if err := a.authorize(ctx, call); err != nil {
					return nil, err
				}
			}
			return op(ctx, call)
		}
	}
}

// authorize checks iam:<Action> on the call's resource. The account
// password policy's AllowUsersToChangePassword lets users change their own
// password without that permission.
func (a *api) authorize(ctx context.Context, call *awsapi.QueryCall) error {
	if call.Action == "ChangePassword" {
		if ok, err := a.svc.UsersMayChangePassword(ctx); err != nil || ok {
			return err
		}
	}
	return awsapi.Authorize(ctx, "iam:"+call.Action, a.iamResource(ctx, call), a.boundaryKey(ctx, call))
}

// boundaryTarget is the kind of entity ("user" or "role") whose
// permissions boundary the action's iam:PermissionsBoundary condition key
// names, per IAM's service authorization reference; "" for the others.
func boundaryTarget(action string) string {
	switch action {
	case "CreateUser", "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary",
		"AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy":
		return "user"
	case "CreateRole", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
		"AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy", "DeleteRolePolicy":
		return "role"
	}
	return ""
}

// boundaryKey is the iam:PermissionsBoundary condition key: the boundary
// the call sets, else the target's current one (absent without one), so
// that an administrator can delegate user and role management only under
// a given boundary.
func (a *api) boundaryKey(ctx context.Context, call *awsapi.QueryCall) map[string][]string {
	kind := boundaryTarget(call.Action)
	if kind == "" {
		return nil
	}
	b := call.Params.Get("PermissionsBoundary")
	if b == "" && kind == "user" && call.Action != "CreateUser" {
		if u, err := a.svc.GetUser(ctx, call.Params.Get("UserName")); err == nil {
			b = u.PermissionsBoundary
		}
	}
	if b == "" && kind == "role" && call.Action != "CreateRole" {
		if r, err := a.svc.GetRole(ctx, call.Params.Get("RoleName")); err == nil {
			b = r.PermissionsBoundary
		}
	}
	if b == "" {
		return nil
	}
	return map[string][]string{"iam:PermissionsBoundary": {b}}
}

// iamResource is the resource an IAM action is authorized on, per IAM's
// "Actions, resources, and condition keys" page: the user, role or group
// the action works on (attaching a policy is an action on the entity, not
// the policy), the managed policy, or "*" for the account-wide listings.
// Entities are named by their stored ARN, which includes their path.
func (a *api) iamResource(ctx context.Context, call *awsapi.QueryCall) string {
	p := call.Params
	path := p.Get("Path")
	if path == "" {
		path = "/"
	}
	switch call.Action {
	case "ListPolicies", "GetAccountSummary", "UpdateAccountPasswordPolicy", "GetAccountPasswordPolicy", "DeleteAccountPasswordPolicy":
		return "*"
	case "ListUsers":
		return a.listedPath("user", p.Get("PathPrefix"))
	case "ListRoles":
		return a.listedPath("role", p.Get("PathPrefix"))
	case "ListGroups":
		return a.listedPath("group", p.Get("PathPrefix"))
	case "CreateUser":
		return a.arn("user" + path + p.Get("UserName"))
	case "CreateRole":
		return a.arn("role" + path + p.Get("RoleName"))
	case "CreateGroup":
		return a.arn("group" + path + p.Get("GroupName"))
	case "CreatePolicy":
		return a.arn("policy" + path + p.Get("PolicyName"))
	case "GetAccessKeyLastUsed":
		if owner, err := a.svc.KeyOwner(ctx, p.Get("AccessKeyId")); err == nil {
			return a.userARN(ctx, owner)
		}
		return a.arn("user/*") // unknown key: the action reports it
	}
	switch {
	case p.Has("GroupName"): // AddUserToGroup and RemoveUserFromGroup act on the group
		return a.groupARN(ctx, p.Get("GroupName"))
	case p.Has("RoleName"):
		return a.roleARN(ctx, p.Get("RoleName"))
	case p.Has("PolicyArn"):
		return p.Get("PolicyArn")
	}
	// The user actions; without UserName they act on the calling user.
	var name *string
	if p.Has("UserName") {
		v := p.Get("UserName")
		name = &v
	}
	user, err := callerUser(call.Auth, name)
	if err != nil {
		return "*" // not a user: the action rejects the call itself
	}
	return a.userARN(ctx, user)
}

// listedPath is what IAM authorizes a listing on: the listed path, e.g.
// "arn:aws:iam::ACCOUNT:user/" for all users, so that a policy on
// arn:aws:iam::ACCOUNT:user/* allows listing them.
func (a *api) listedPath(kind, prefix string) string {
	if prefix == "" {
		prefix = "/"
	}
	return a.arn(kind + prefix)
}

func (a *api) arn(resource string) string {
	return "arn:aws:iam::" + a.svc.AccountID() + ":" + resource
}

// userARN, roleARN and groupARN look up the entity's ARN (with its path);
// for one that does not exist they name it without a path, and the action
// reports it missing once it is allowed.
func (a *api) userARN(ctx context.Context, name string) string {
	if u, err := a.svc.GetUser(ctx, name); err == nil {
		return u.ARN
	}
	return a.arn("user/" + name)
}

func (a *api) roleARN(ctx context.Context, name string) string {
	if r, err := a.svc.GetRole(ctx, name); err == nil {
		return r.ARN
	}
	return a.arn("role/" + name)
}

func (a *api) groupARN(ctx context.Context, name string) string {
	one := 1 // the group, not its members, is wanted
	if g, _, _, err := a.svc.GetGroup(ctx, name, iam.Page{MaxItems: &one}); err == nil {
		return g.ARN
	}
	return a.arn("group/" + name)
}
