package stsapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// TestTrustSemanticsWithinAccount checks IAM's rule for role trust
// policies within one account: naming the caller's own ARN (user, or role
// session) is enough on its own; naming the account delegates to the
// caller's identity policies; an explicit deny in them always wins; a
// trust policy naming the role (not the session) is still limited by the
// role's permissions boundary.
func TestTrustSemanticsWithinAccount(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	svc := env.Server.IAM()
	const acct = "arn:aws:iam::000000000000:"
	mustDo := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "nopolicy"})
	mustDo(err)
	key, err := svc.CreateAccessKey(ctx, "nopolicy")
	mustDo(err)
	user := sts.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
	for _, r := range []iam.CreateRoleInput{
		{Name: "names-user", TrustPolicy: trustPolicy(acct+"user/nopolicy", "")},
		{Name: "names-account", TrustPolicy: trustPolicy(acct+"root", "")},
		{Name: "hop", TrustPolicy: trustPolicy(acct+"user/nopolicy", "")},
		{Name: "names-role", TrustPolicy: trustPolicy(acct+"role/hop", "")},
		{Name: "names-session", TrustPolicy: trustPolicy("arn:aws:sts::000000000000:assumed-role/hop/s1", "")},
	} {
		_, err := svc.CreateRole(ctx, r)
		mustDo(err)
	}
	assume := func(c *sts.Client, role string) (*sts.AssumeRoleOutput, error) {
		return c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN(role), RoleSessionName: aws.String("s1")})
	}
	wantDenied := func(err error, message string) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != message {
			t.Fatalf("got %v, want AccessDenied: %s", err, message)
		}
	}

	// A user without any policy: the trust policy naming it is enough.
	if _, err := assume(user, "names-user"); err != nil {
		t.Fatalf("trust names the user: %v", err)
	}
	_, err = assume(user, "names-account")
	wantDenied(err, "User: "+acct+"user/nopolicy is not authorized to perform: sts:AssumeRole on resource: "+acct+
		"role/names-account because no identity-based policy allows the sts:AssumeRole action")

	// Role sessions: the role's ARN and the session's ARN both name it.
	out, err := assume(user, "hop")
	mustDo(err)
	c := out.Credentials
	hopCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	hopCfg.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	hop := sts.NewFromConfig(hopCfg)
	for _, role := range []string{"names-role", "names-session"} {
		if _, err := assume(hop, role); err != nil {
			t.Fatalf("session of hop assuming %s: %v", role, err)
		}
	}

	// A boundary of the role limits a grant to the role's ARN, not one to
	// the session's own ARN.
	_, err = svc.CreatePolicy(ctx, iam.CreatePolicyInput{Name: "kinesis-only", Document: allowPolicy("kinesis:*", "*")})
	mustDo(err)
	mustDo(svc.PutPermissionsBoundary(ctx, "role", "hop", acct+"policy/kinesis-only"))
	const hopSession = "User: arn:aws:sts::000000000000:assumed-role/hop/s1 is not authorized to perform: sts:AssumeRole on resource: "
	_, err = assume(hop, "names-role")
	wantDenied(err, hopSession+acct+"role/names-role because no permissions boundary allows the sts:AssumeRole action")
	if _, err := assume(hop, "names-session"); err != nil {
		t.Fatalf("trust names the session: %v", err)
	}
	// A user's boundary does not limit a grant to the user's ARN.
	mustDo(svc.PutPermissionsBoundary(ctx, "user", "nopolicy", acct+"policy/kinesis-only"))
	if _, err := assume(user, "names-user"); err != nil {
		t.Fatalf("bounded user named by the trust policy: %v", err)
	}

	// An explicit deny in the caller's policies always wins.
	mustDo(svc.PutInlinePolicy(ctx, "user", "nopolicy", "deny", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}`))
	_, err = assume(user, "names-user")
	wantDenied(err, "User: "+acct+"user/nopolicy is not authorized to perform: sts:AssumeRole on resource: "+acct+
		"role/names-user with an explicit deny in an identity-based policy")
}
