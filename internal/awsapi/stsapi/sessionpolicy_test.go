package stsapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// TestSessionPolicies checks that a session may do only what both the
// role's policies and its session policies (inline or managed) allow.
func TestSessionPolicies(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	userCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	userCfg.Credentials = setup(t, env.Server.IAM()).Credentials
	user := sts.NewFromConfig(userCfg)
	// The role "pipeline" may call kinesis:ListStreams only.
	if _, err := env.Server.IAM().CreatePolicy(ctx, iam.CreatePolicyInput{Name: "kinesis-all", Document: allowPolicy("kinesis:*", "*")}); err != nil {
		t.Fatal(err)
	}
	listStreams := func(in *sts.AssumeRoleInput) error {
		t.Helper()
		in.RoleArn, in.RoleSessionName = roleARN("pipeline"), aws.String("scoped")
		out, err := user.AssumeRole(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		cfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
		cfg.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		_, err = kinesis.NewFromConfig(cfg).ListStreams(ctx, &kinesis.ListStreamsInput{})
		return err
	}
	const who = "User: arn:aws:sts::000000000000:assumed-role/pipeline/scoped is not authorized to perform: kinesis:ListStreams on resource: * "
	err := listStreams(&sts.AssumeRoleInput{Policy: aws.String(allowPolicy("kinesis:DescribeStream", "*"))})
	wantError(t, err, "AccessDeniedException", who+"because no session policy allows the kinesis:ListStreams action")
	if err := listStreams(&sts.AssumeRoleInput{Policy: aws.String(allowPolicy("kinesis:*", "*"))}); err != nil {
		t.Fatalf("inline session policy allowing it: %v", err)
	}
	managed := []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::000000000000:policy/kinesis-all")}}
	if err := listStreams(&sts.AssumeRoleInput{PolicyArns: managed}); err != nil {
		t.Fatalf("managed session policy allowing it: %v", err)
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kinesis:List*","Resource":"*"}]}`
	err = listStreams(&sts.AssumeRoleInput{Policy: aws.String(deny)})
	wantError(t, err, "AccessDeniedException", who+"with an explicit deny in a session policy")
	// A session policy grants nothing the role's policies do not.
	if err := env.Server.IAM().DeleteInlinePolicy(ctx, "role", "pipeline", "list"); err != nil {
		t.Fatal(err)
	}
	err = listStreams(&sts.AssumeRoleInput{PolicyArns: managed})
	wantError(t, err, "AccessDeniedException", who+"because no identity-based policy allows the kinesis:ListStreams action")
}
