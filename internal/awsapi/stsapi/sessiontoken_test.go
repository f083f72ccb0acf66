package stsapi_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func wantError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || message != "" && ae.ErrorMessage() != message {
		t.Fatalf("got %v, want %s: %s", err, code, message)
	}
}

func TestGetSessionToken(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	userCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	userCfg.Credentials = setup(t, env.Server.IAM()).Credentials
	user := sts.NewFromConfig(userCfg)

	out, err := user.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if left := time.Until(aws.ToTime(c.Expiration)); left < 43100*time.Second || left > 43201*time.Second {
		t.Fatalf("default duration: expires in %v", left)
	}
	cfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	cfg.Credentials = staticCreds(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	session := sts.NewFromConfig(cfg)

	// The credentials are the user's, with the user's permissions.
	who, err := session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:iam::000000000000:user/writer" {
		t.Fatalf("caller identity %+v %v", who, err)
	}
	_, err = kinesis.NewFromConfig(cfg).ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantError(t, err, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/writer is not authorized to perform: "+
		"kinesis:ListStreams on resource: * because no identity-based policy allows the kinesis:ListStreams action")
	if _, err := session.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN("pipeline"), RoleSessionName: aws.String("from-token")}); err != nil {
		t.Fatalf("AssumeRole with session-token credentials: %v", err)
	}
	// No IAM, and no STS but AssumeRole and GetCallerIdentity.
	_, err = iamsdk.NewFromConfig(cfg).ListUsers(ctx, &iamsdk.ListUsersInput{})
	wantError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid")
	_, err = session.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")

	// Role sessions may not call it either.
	assumed, err := user.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN("pipeline"), RoleSessionName: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	ac := assumed.Credentials
	roleCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	roleCfg.Credentials = staticCreds(aws.ToString(ac.AccessKeyId), aws.ToString(ac.SecretAccessKey), aws.ToString(ac.SessionToken))
	_, err = sts.NewFromConfig(roleCfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")

	// Parameters.
	_, err = user.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
	wantError(t, err, "ValidationError", "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: "+
		"Member must have value less than or equal to 129600")
	_, err = user.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::000000000000:mfa/writer"), TokenCode: aws.String("123456")})
	wantError(t, err, "AccessDenied", "")
	long, err := user.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129600)})
	if err != nil || time.Until(aws.ToTime(long.Credentials.Expiration)) < 129500*time.Second {
		t.Fatalf("36 hours: %+v %v", long, err)
	}
	// The root user gets at most an hour.
	rootOut, err := sts.NewFromConfig(env.AWSConfig()).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil || time.Until(aws.ToTime(rootOut.Credentials.Expiration)) > 3601*time.Second {
		t.Fatalf("root session: %+v %v", rootOut, err)
	}
	rc := rootOut.Credentials
	rootCfg := testenv.AWSConfig(env.Server.Endpoint(), "", "")
	rootCfg.Credentials = staticCreds(aws.ToString(rc.AccessKeyId), aws.ToString(rc.SecretAccessKey), aws.ToString(rc.SessionToken))
	if who, err := sts.NewFromConfig(rootCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil ||
		aws.ToString(who.Arn) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("root session identity %+v %v", who, err)
	}
}
