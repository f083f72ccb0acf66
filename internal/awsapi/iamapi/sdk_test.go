package iamapi_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// Tests with the real aws-sdk-go-v2 IAM client.

const account = "000000000000"

func policyARN(name string) *string { return aws.String("arn:aws:iam::" + account + ":policy/" + name) }

func allow(action string) *string {
	return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`)
}

// wantAPIError checks err's code and, if message is set, its message.
func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || message != "" && ae.ErrorMessage() != message {
		t.Fatalf("got %v, want %s: %s", err, code, message)
	}
}

// ok fails the test if a call whose result is not needed fails.
func ok(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func getUser(t *testing.T, c *iam.Client, name string) *types.User {
	t.Helper()
	out, err := c.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.User
}

func getRole(t *testing.T, c *iam.Client, name string) *types.Role {
	t.Helper()
	out, err := c.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Role
}

// userClients creates a user with an inline policy and returns IAM and
// Kinesis clients signed with a key of it.
func userClients(t *testing.T, env *testenv.Env, root *iam.Client, name, policy string) (*iam.Client, *kinesis.Client) {
	t.Helper()
	ctx := context.Background()
	ok(t)(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))
	ok(t)(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}))
	out, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	key := out.AccessKey
	cfg := testenv.AWSConfig(env.Server.Endpoint(), aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	return iam.NewFromConfig(cfg), kinesis.NewFromConfig(cfg)
}

func TestPermissionsBoundaries(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(env.AWSConfig())
	ok(t)(root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("kinesis-only"), PolicyDocument: allow("kinesis:*")}))
	ok(t)(root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("no-list-streams"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kinesis:ListStreams","Resource":"*"}]}`)}))

	userIAM, userKinesis := userClients(t, env, root, "bounded", *allow("*"))
	ok(t)(root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: policyARN("kinesis-only")}))
	u := getUser(t, root, "bounded")
	if b := u.PermissionsBoundary; b == nil || b.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy ||
		aws.ToString(b.PermissionsBoundaryArn) != *policyARN("kinesis-only") {
		t.Fatalf("GetUser boundary %+v", b)
	}
	if p, err := root.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: policyARN("kinesis-only")}); err != nil || aws.ToInt32(p.Policy.PermissionsBoundaryUsageCount) != 1 {
		t.Fatalf("GetPolicy: %+v %v", p, err)
	}

	// Identity policy allows everything; the boundary only Kinesis.
	ok(t)(userKinesis.ListStreams(ctx, &kinesis.ListStreamsInput{}))
	_, err := userIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:user/bounded is not authorized to perform: iam:ListUsers on resource: "+
		"arn:aws:iam::000000000000:user/ because no permissions boundary allows the iam:ListUsers action")

	// An explicit deny in the boundary wins over the identity policy's allow.
	ok(t)(root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: policyARN("no-list-streams")}))
	_, err = userKinesis.ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/bounded is not authorized to perform: kinesis:ListStreams on resource: "+
		"* with an explicit deny in a permissions boundary: arn:aws:iam::000000000000:policy/no-list-streams")
	ok(t)(userIAM.ListUsers(ctx, &iam.ListUsersInput{}))

	// Without a boundary the identity policy alone decides.
	ok(t)(root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bounded")}))
	ok(t)(userKinesis.ListStreams(ctx, &kinesis.ListStreamsInput{}))
	if u := getUser(t, root, "bounded"); u.PermissionsBoundary != nil {
		t.Fatalf("boundary after delete %+v", u.PermissionsBoundary)
	}

	// Roles: set at creation, shown by GetRole, replaced and removed.
	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}]}`)
	created, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("capped"), AssumeRolePolicyDocument: trust,
		PermissionsBoundary: policyARN("kinesis-only")})
	if err != nil || created.Role.PermissionsBoundary == nil || aws.ToString(created.Role.PermissionsBoundary.PermissionsBoundaryArn) != *policyARN("kinesis-only") {
		t.Fatalf("CreateRole: %+v %v", created, err)
	}
	ok(t)(root.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("capped"), PermissionsBoundary: policyARN("no-list-streams")}))
	if r := getRole(t, root, "capped"); r.PermissionsBoundary == nil || aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn) != *policyARN("no-list-streams") {
		t.Fatalf("GetRole boundary %+v", r.PermissionsBoundary)
	}
	ok(t)(root.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("capped")}))
	if r := getRole(t, root, "capped"); r.PermissionsBoundary != nil {
		t.Fatalf("role boundary after delete %+v", r.PermissionsBoundary)
	}

	ok(t)(root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: policyARN("kinesis-only")}))
	_, err = root.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: policyARN("kinesis-only")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.")

	_, err = root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bounded"), PermissionsBoundary: policyARN("ghost")})
	wantAPIError(t, err, "NoSuchEntity", "Scope ARN: arn:aws:iam::000000000000:policy/ghost does not exist or is not attachable.")

	// Delegation: an administrator who may create users only under a
	// given boundary (condition key iam:PermissionsBoundary).
	delegate, _ := userClients(t, env, root, "delegate", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["iam:CreateUser","iam:PutUserPolicy"],"Resource":"*",
		"Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::000000000000:policy/kinesis-only"}}}]}`)
	_, err = delegate.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("free")})
	wantAPIError(t, err, "AccessDenied", "")
	ok(t)(delegate.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("capped-by-delegate"), PermissionsBoundary: policyARN("kinesis-only")}))
	ok(t)(delegate.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("capped-by-delegate"), PolicyName: aws.String("p"), PolicyDocument: allow("*")}))
	// Not on a user without that boundary (here, itself).
	_, err = delegate.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("delegate"), PolicyName: aws.String("p"), PolicyDocument: allow("*")})
	wantAPIError(t, err, "AccessDenied", "")
}

func TestListEntitiesForPolicy(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(env.AWSConfig())
	arn := policyARN("shared")
	ok(t)(root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("shared"), PolicyDocument: allow("kinesis:*")}))
	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}]}`)
	for _, name := range []string{"ann", "bob"} {
		ok(t)(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name), Path: aws.String("/team/")}))
		ok(t)(root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(name), PolicyArn: arn}))
	}
	ok(t)(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("capped"), PermissionsBoundary: arn}))
	ok(t)(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))
	ok(t)(root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: arn}))
	ok(t)(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("worker"), AssumeRolePolicyDocument: trust}))
	ok(t)(root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("worker"), PolicyArn: arn}))

	names := func(in *iam.ListEntitiesForPolicyInput) (groups, users, roles []string) {
		p := iam.NewListEntitiesForPolicyPaginator(root, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range out.PolicyGroups {
				groups = append(groups, aws.ToString(g.GroupName))
			}
			for _, u := range out.PolicyUsers {
				users = append(users, aws.ToString(u.UserName))
			}
			for _, r := range out.PolicyRoles {
				roles = append(roles, aws.ToString(r.RoleName))
			}
		}
		return groups, users, roles
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
	}
	// One item per page exercises Marker across the three lists.
	g, u, r := names(&iam.ListEntitiesForPolicyInput{PolicyArn: arn, MaxItems: aws.Int32(1)})
	check("groups", g, []string{"devs"})
	check("users", u, []string{"ann", "bob", "capped"})
	check("roles", r, []string{"worker"})
	_, u, _ = names(&iam.ListEntitiesForPolicyInput{PolicyArn: arn, PolicyUsageFilter: types.PolicyUsageTypePermissionsBoundary})
	check("boundary users", u, []string{"capped"})
	g, u, r = names(&iam.ListEntitiesForPolicyInput{PolicyArn: arn, EntityFilter: types.EntityTypeUser, PolicyUsageFilter: types.PolicyUsageTypePermissionsPolicy})
	check("permission users", u, []string{"ann", "bob"})
	check("filtered groups", g, nil)
	check("filtered roles", r, nil)
	_, u, _ = names(&iam.ListEntitiesForPolicyInput{PolicyArn: arn, PathPrefix: aws.String("/team/")})
	check("path users", u, []string{"ann", "bob"})
}

func TestAccountPasswordPolicy(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := iam.NewFromConfig(env.AWSConfig())
	pat, _ := userClients(t, env, root, "pat", *allow("sts:GetCallerIdentity"))

	ok(t)(root.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(12),
		RequireSymbols: true, RequireNumbers: true, MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(2)}))
	got, err := root.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if p := got.PasswordPolicy; aws.ToInt32(p.MinimumPasswordLength) != 12 || !p.RequireSymbols || !p.RequireNumbers || p.RequireUppercaseCharacters ||
		!p.ExpirePasswords || aws.ToInt32(p.MaxPasswordAge) != 90 || aws.ToInt32(p.PasswordReusePrevention) != 2 {
		t.Fatalf("policy %+v", got.PasswordPolicy)
	}

	const violation = "Password does not conform to the account password policy."
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("pat"), Password: aws.String("short1!")})
	wantAPIError(t, err, "PasswordPolicyViolation", violation)
	_, err = root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("pat"), Password: aws.String("no digits at all!")})
	wantAPIError(t, err, "PasswordPolicyViolation", violation)
	// Lower case only is fine: the policy does not ask for upper case.
	ok(t)(root.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("pat"), Password: aws.String("first password 1!")}))
	ok(t)(root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("pat"), Password: aws.String("second password 2!")}))
	// The last two passwords may not be reused.
	_, err = root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("pat"), Password: aws.String("first password 1!")})
	wantAPIError(t, err, "PasswordPolicyViolation", violation)
	if _, err := env.Server.IAM().CheckPassword(ctx, "pat", "second password 2!"); err != nil {
		t.Fatalf("sign-in with the current password: %v", err)
	}

	// ChangePassword needs iam:ChangePassword, or AllowUsersToChangePassword.
	change := func(old, new string) error {
		_, err := pat.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String(old), NewPassword: aws.String(new)})
		return err
	}
	wantAPIError(t, change("second password 2!", "third password 3!"), "AccessDenied", "User: arn:aws:iam::000000000000:user/pat "+
		"is not authorized to perform: iam:ChangePassword on resource: arn:aws:iam::000000000000:user/pat because no identity-based policy allows the iam:ChangePassword action")
	ok(t)(root.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(12),
		RequireNumbers: true, AllowUsersToChangePassword: true, PasswordReusePrevention: aws.Int32(2)}))
	wantAPIError(t, change("wrong password 0!", "third password 3!"), "AccessDenied", "")
	wantAPIError(t, change("second password 2!", "first password 1!"), "PasswordPolicyViolation", violation)
	if err := change("second password 2!", "third password 3!"); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if _, err := env.Server.IAM().CheckPassword(ctx, "pat", "third password 3!"); err != nil {
		t.Fatalf("sign-in with the changed password: %v", err)
	}

	ok(t)(root.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{}))
	_, err = root.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	wantAPIError(t, err, "NoSuchEntity", "The Password Policy with domain name 000000000000 cannot be found.")
	// Back to IAM's default rules.
	_, err = root.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("pat"), Password: aws.String("alllowercase")})
	wantAPIError(t, err, "PasswordPolicyViolation", "")
}
