package stsapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/awsapi/iamapi"
	"github.com/shoal-dev/shoal/internal/awsapi/stsapi"
	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/meta"
	"github.com/shoal-dev/shoal/internal/testenv"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

func trustPolicy(principal string, extra string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"` + extra + `}]}`
}

// setup creates user "writer" with a key and roles in the IAM service.
func setup(t *testing.T, svc *iam.Service) aws.Config {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "writer"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "writer")
	if err != nil {
		t.Fatal(err)
	}
	// AssumeRole needs the caller's permission as well as the role's trust.
	if err := svc.PutInlinePolicy(ctx, "user", "writer", "assume", allowPolicy("sts:AssumeRole", "arn:aws:iam::000000000000:role/*")); err != nil {
		t.Fatal(err)
	}
	max := 7200
	roles := []iam.CreateRoleInput{
		{Name: "pipeline", TrustPolicy: trustPolicy("arn:aws:iam::000000000000:user/writer", ""), MaxSessionDuration: &max},
		{Name: "by-account", TrustPolicy: trustPolicy("000000000000", "")},
		{Name: "someone-else", TrustPolicy: trustPolicy("arn:aws:iam::000000000000:user/other", "")},
		{Name: "external", TrustPolicy: trustPolicy("*", `,"Condition":{"StringEquals":{"sts:ExternalId":"ext-123"}}`)},
	}
	for _, r := range roles {
		if _, err := svc.CreateRole(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.PutInlinePolicy(ctx, "role", "pipeline", "list", allowPolicy("kinesis:ListStreams", "*")); err != nil {
		t.Fatal(err)
	}
	return aws.Config{Credentials: aws.NewCredentialsCache(staticCreds(key.AccessKeyID, key.Secret, ""))}
}

func allowPolicy(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func staticCreds(id, secret, token string) aws.CredentialsProviderFunc {
	return func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}, nil
	}
}

func roleARN(name string) *string { return aws.String("arn:aws:iam::000000000000:role/" + name) }

func TestAssumeRoleCredentialsWorkEverywhere(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	userCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	userCfg.Credentials = setup(t, env.Server.IAM()).Credentials
	stsc := sts.NewFromConfig(userCfg)

	out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN("pipeline"), RoleSessionName: aws.String("delivery-1"), DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || aws.ToString(c.SessionToken) == "" ||
		time.Until(aws.ToTime(c.Expiration)) < 7100*time.Second || time.Until(aws.ToTime(c.Expiration)) > 7201*time.Second {
		t.Fatalf("credentials %+v", c)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::000000000000:assumed-role/pipeline/delivery-1" {
		t.Fatalf("assumed role ARN %s", got)
	}

	tempCfg := testenv.AWSConfig(env.Server.Endpoint(), aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey))
	tempCfg.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	who, err := sts.NewFromConfig(tempCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::000000000000:assumed-role/pipeline/delivery-1" ||
		aws.ToString(who.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Fatalf("caller identity %+v", who)
	}
	if _, err := kinesis.NewFromConfig(tempCfg).ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("kinesis with temporary credentials: %v", err)
	}
	noToken := testenv.AWSConfig(env.Server.Endpoint(), aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey))
	if _, err := kinesis.NewFromConfig(noToken).ListStreams(ctx, &kinesis.ListStreamsInput{}); apiCode(err) != "UnrecognizedClientException" {
		t.Fatalf("kinesis without the session token: %v", err)
	}

	// Deleting the role ends its sessions.
	if err := env.Server.IAM().DeleteInlinePolicy(ctx, "role", "pipeline", "list"); err != nil {
		t.Fatal(err)
	}
	if err := env.Server.IAM().DeleteRole(ctx, "pipeline"); err != nil {
		t.Fatal(err)
	}
	if _, err := sts.NewFromConfig(tempCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("session of a deleted role: %v", err)
	}
}

func TestAssumeRoleChecks(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	userCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	userCfg.Credentials = setup(t, env.Server.IAM()).Credentials
	user := sts.NewFromConfig(userCfg)
	root := sts.NewFromConfig(env.AWSConfig())
	cases := []struct {
		name   string
		client *sts.Client
		in     sts.AssumeRoleInput
		code   string
	}{
		{"session name too short", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s")}, "ValidationError"},
		{"validated before the trust policy", user, sts.AssumeRoleInput{RoleArn: roleARN("ghost"), RoleSessionName: aws.String("s")}, "ValidationError"},
		{"trusted by account", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("ok-session")}, ""},
		{"not trusted", user, sts.AssumeRoleInput{RoleArn: roleARN("someone-else"), RoleSessionName: aws.String("s1")}, "AccessDenied"},
		{"no such role", user, sts.AssumeRoleInput{RoleArn: roleARN("ghost"), RoleSessionName: aws.String("s1")}, "AccessDenied"},
		{"external id required", user, sts.AssumeRoleInput{RoleArn: roleARN("external"), RoleSessionName: aws.String("s1")}, "AccessDenied"},
		{"wrong external id", user, sts.AssumeRoleInput{RoleArn: roleARN("external"), RoleSessionName: aws.String("s1"), ExternalId: aws.String("ext-999")}, "AccessDenied"},
		{"right external id", user, sts.AssumeRoleInput{RoleArn: roleARN("external"), RoleSessionName: aws.String("s1"), ExternalId: aws.String("ext-123")}, ""},
		{"over the role's maximum", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)}, "ValidationError"},
		{"under 15 minutes", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(600)}, "ValidationError"},
		{"malformed session policy", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s1"), Policy: aws.String("{}")}, "MalformedPolicyDocument"},
		{"session tags without sts:TagSession", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s1"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}, "AccessDenied"},
		{"unknown session policy ARN", user, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s1"), PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::000000000000:policy/ghost")}}}, "ValidationError"},
		{"root may not assume roles", root, sts.AssumeRoleInput{RoleArn: roleARN("by-account"), RoleSessionName: aws.String("s1")}, "AccessDenied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.AssumeRole(ctx, &tc.in)
			if tc.code == "" && err != nil || tc.code != "" && apiCode(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
		})
	}
}

// The IAM service runs here on its own clock an hour behind, so the
// credentials it issues are already expired for the verifier.
func TestExpiredSessionCredentials(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := meta.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	svc, err := iam.Open(ctx, iam.Options{Store: store, KeyFile: filepath.Join(dir, "key"), AccountID: "000000000000",
		RootAccessKeyID: testenv.AccessKeyID, RootSecretAccessKey: testenv.SecretAccessKey,
		Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	rt := awsapi.NewRouter(&awsapi.Verifier{Credentials: svc}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	iamapi.Register(rt, svc)
	stsapi.Register(rt, svc)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)

	userCfg := testenv.AWSConfig(srv.URL, "", "")
	userCfg.Credentials = setup(t, svc).Credentials
	out, err := sts.NewFromConfig(userCfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN("pipeline"), RoleSessionName: aws.String("late"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	tempCfg := testenv.AWSConfig(srv.URL, "", "")
	tempCfg.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	_, err = sts.NewFromConfig(tempCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if apiCode(err) != "ExpiredToken" {
		t.Fatalf("expired credentials: %v", err)
	}
	if !strings.Contains(err.Error(), "The security token included in the request is expired") {
		t.Fatalf("message: %v", err)
	}
}

// TestAssumeRoleNeedsPermission checks that the role's trust is not enough:
// the caller's own policies must allow sts:AssumeRole on the role (an
// explicit Deny wins over an Allow), while GetCallerIdentity needs nothing.
func TestAssumeRoleNeedsPermission(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	svc := env.Server.IAM()
	setup(t, svc)
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "stranger"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "stranger")
	if err != nil {
		t.Fatal(err)
	}
	stranger := sts.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
	const who = "User: arn:aws:iam::000000000000:user/stranger is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/"
	cases := []struct {
		name, policy, role, message string
	}{
		{"no statement", "", "by-account", who + "by-account because no identity-based policy allows the sts:AssumeRole action"},
		{"allowed", allowPolicy("sts:AssumeRole", "arn:aws:iam::000000000000:role/by-*"), "by-account", ""},
		{"explicit deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"},
 {"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::000000000000:role/by-account"}]}`,
			"by-account", who + "by-account with an explicit deny in an identity-based policy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.policy != "" {
				if err := svc.PutInlinePolicy(ctx, "user", "stranger", "p", tc.policy); err != nil {
					t.Fatal(err)
				}
			}
			_, err := stranger.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN(tc.role), RoleSessionName: aws.String("s1")})
			var ae smithy.APIError
			switch {
			case tc.message == "" && err != nil:
				t.Fatal(err)
			case tc.message != "" && (!errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != tc.message):
				t.Fatalf("got %v\nwant AccessDenied: %s", err, tc.message)
			}
		})
	}
	if _, err := stranger.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity needs no permission: %v", err)
	}
}
