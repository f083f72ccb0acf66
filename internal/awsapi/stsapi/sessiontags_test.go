package stsapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const acctARN = "arn:aws:iam::000000000000:"

// trustActions is a trust policy letting principal perform actions
// (a JSON array), with an optional condition.
func trustActions(principal, actions, condition string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":` + actions + condition + `}]}`
}

// abacPolicy allows kinesis:ListStreams to team "data" and iam:ListUsers
// to source identity "alice", and iam:ListRoles while a project tag is set.
const abacPolicy = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":"kinesis:ListStreams","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}},
	{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:SourceIdentity":"alice"}}},
	{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"Null":{"aws:PrincipalTag/project":"false"}}}]}`

type session struct {
	out     *sts.AssumeRoleOutput
	sts     *sts.Client
	kinesis *kinesis.Client
	iam     *awsiam.Client
}

func clientsFor(endpoint string, out *sts.AssumeRoleOutput) *session {
	c := out.Credentials
	cfg := testenv.AWSConfig(endpoint, "", "")
	cfg.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return &session{out: out, sts: sts.NewFromConfig(cfg), kinesis: kinesis.NewFromConfig(cfg), iam: awsiam.NewFromConfig(cfg)}
}

// TestSessionTagsAndSourceIdentity checks AssumeRole's Tags,
// TransitiveTagKeys and SourceIdentity: the trust policy must allow
// sts:TagSession / sts:SetSourceIdentity; session tags are
// aws:PrincipalTag keys overriding the role's; transitive tags and the
// source identity carry through role chaining and cannot be changed there.
func TestSessionTagsAndSourceIdentity(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	svc := env.Server.IAM()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "caller"})
	must(err)
	key, err := svc.CreateAccessKey(ctx, "caller")
	must(err)
	user := sts.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
	all := `["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`
	for _, r := range []iam.CreateRoleInput{
		{Name: "plain", TrustPolicy: trustActions(acctARN+"user/caller", `"sts:AssumeRole"`, "")},
		{Name: "tagged", TrustPolicy: trustActions(acctARN+"user/caller", all, ""), Tags: []iam.Tag{{Key: "team", Value: "ops"}}},
		{Name: "chain", TrustPolicy: trustActions(acctARN+"role/tagged", all, "")},
		{Name: "chain-untagged", TrustPolicy: trustActions(acctARN+"role/tagged", `["sts:AssumeRole","sts:SetSourceIdentity"]`, "")},
		{Name: "data-only", TrustPolicy: trustActions(acctARN+"user/caller", `["sts:AssumeRole","sts:TagSession"]`,
			`,"Condition":{"StringEquals":{"aws:RequestTag/team":"data"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}`)},
	} {
		_, err := svc.CreateRole(ctx, r)
		must(err)
	}
	for _, role := range []string{"tagged", "chain", "data-only"} {
		must(svc.PutInlinePolicy(ctx, "role", role, "abac", abacPolicy))
	}
	assume := func(c *sts.Client, role string, in sts.AssumeRoleInput) (*session, error) {
		in.RoleArn, in.RoleSessionName = roleARN(role), aws.String("s1")
		out, err := c.AssumeRole(ctx, &in)
		if err != nil {
			return nil, err
		}
		return clientsFor(env.Server.Endpoint(), out), nil
	}
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	userARN := acctARN + "user/caller"

	// Without sts:TagSession / sts:SetSourceIdentity in the trust policy.
	_, err = assume(user, "plain", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "data")}})
	wantError(t, err, "AccessDenied", "User: "+userARN+" is not authorized to perform: sts:TagSession on resource: "+acctARN+"role/plain")
	_, err = assume(user, "plain", sts.AssumeRoleInput{SourceIdentity: aws.String("alice")})
	wantError(t, err, "AccessDenied", "User: "+userARN+" is not authorized to perform: sts:SetSourceIdentity on resource: "+acctARN+"role/plain")

	// The role's own tag (team=ops) denies; a session tag (any case of
	// the key) overrides it.
	s, err := assume(user, "tagged", sts.AssumeRoleInput{})
	must(err)
	_, err = s.kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantError(t, err, "AccessDeniedException", "")
	s, err = assume(user, "tagged", sts.AssumeRoleInput{Tags: []types.Tag{tag("Team", "data")}})
	must(err)
	if _, err := s.kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("session tag team=data: %v", err)
	}
	s, err = assume(user, "tagged", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "other")}})
	must(err)
	_, err = s.kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantError(t, err, "AccessDeniedException", "")

	// aws:RequestTag and aws:TagKeys in a trust policy.
	_, err = assume(user, "data-only", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "data")}})
	must(err)
	_, err = assume(user, "data-only", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "data"), tag("extra", "x")}})
	wantError(t, err, "AccessDenied", "")

	// Chaining: team is transitive, project is not; the source identity
	// is returned, visible as aws:SourceIdentity and carried on.
	first, err := assume(user, "tagged", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "data"), tag("project", "p1")},
		TransitiveTagKeys: []string{"team"}, SourceIdentity: aws.String("alice")})
	must(err)
	if got := aws.ToString(first.out.SourceIdentity); got != "alice" {
		t.Fatalf("SourceIdentity %q", got)
	}
	if _, err := first.iam.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("aws:SourceIdentity condition: %v", err)
	}
	if _, err := first.iam.ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("project tag: %v", err)
	}
	second, err := assume(first.sts, "chain", sts.AssumeRoleInput{})
	must(err)
	if got := aws.ToString(second.out.SourceIdentity); got != "alice" {
		t.Fatalf("chained SourceIdentity %q", got)
	}
	if _, err := second.kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("transitive tag after chaining: %v", err)
	}
	if _, err := second.iam.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("source identity after chaining: %v", err)
	}
	_, err = second.iam.ListRoles(ctx, &awsiam.ListRolesInput{})
	wantError(t, err, "AccessDenied", "")
	_, err = assume(first.sts, "chain", sts.AssumeRoleInput{Tags: []types.Tag{tag("TEAM", "ops")}})
	wantError(t, err, "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
	_, err = assume(first.sts, "chain", sts.AssumeRoleInput{SourceIdentity: aws.String("bob")})
	wantError(t, err, "AccessDenied", "")
	if _, err := assume(first.sts, "chain", sts.AssumeRoleInput{SourceIdentity: aws.String("alice")}); err != nil {
		t.Fatalf("same source identity again: %v", err)
	}
	// Inherited transitive tags need sts:TagSession on the next role too.
	_, err = assume(first.sts, "chain-untagged", sts.AssumeRoleInput{})
	wantError(t, err, "AccessDenied", "User: arn:aws:sts::000000000000:assumed-role/tagged/s1 is not authorized to perform: sts:TagSession on resource: "+
		acctARN+"role/chain-untagged")

	// Validation.
	_, err = assume(user, "tagged", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "data")}, TransitiveTagKeys: []string{"other"}})
	wantError(t, err, "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.")
	_, err = assume(user, "tagged", sts.AssumeRoleInput{Tags: []types.Tag{tag("team", "a"), tag("Team", "b")}})
	wantError(t, err, "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	_, err = assume(user, "tagged", sts.AssumeRoleInput{SourceIdentity: aws.String("a")})
	wantError(t, err, "ValidationError", "")
	_, err = assume(user, "tagged", sts.AssumeRoleInput{SourceIdentity: aws.String("aws:me")})
	wantError(t, err, "InvalidParameterValue", "")
}

// TestSessionTagsSurviveRestart checks that session tags and the source
// identity are stored with the session, not only cached.
func TestSessionTagsSurviveRestart(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	svc := env.Server.IAM()
	_, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "caller"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "caller")
	if err != nil {
		t.Fatal(err)
	}
	trust := trustActions(acctARN+"user/caller", `["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]`, "")
	if _, err := svc.CreateRole(ctx, iam.CreateRoleInput{Name: "tagged", TrustPolicy: trust}); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutInlinePolicy(ctx, "role", "tagged", "abac", abacPolicy); err != nil {
		t.Fatal(err)
	}
	user := sts.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
	out, err := user.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN("tagged"), RoleSessionName: aws.String("s1"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}, SourceIdentity: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Server.Close(ctx); err != nil {
		t.Fatal(err)
	}
	again := testenv.Start(t, func(c *server.Config) { c.DataDir = env.DataDir })
	s := clientsFor(again.Server.Endpoint(), out)
	if _, err := s.kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("session tag after restart: %v", err)
	}
	if _, err := s.iam.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("source identity after restart: %v", err)
	}
}
