package kinesisapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const (
	acct      = "000000000000"
	streamARN = "arn:aws:kinesis:us-east-1:" + acct + ":stream/"
	userARN   = "arn:aws:iam::" + acct + ":user/producer"
)

// producerPolicy allows producing to one stream, describing any, listing,
// and deleting from loopback addresses only; tagging only from an address
// the tests never use.
const producerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Produce","Effect":"Allow","Action":["kinesis:PutRecord","kinesis:PutRecords"],"Resource":"` + streamARN + `orders"},
 {"Sid":"Describe","Effect":"Allow","Action":["kinesis:Describe*","kinesis:ListShards"],"Resource":"` + streamARN + `*"},
 {"Sid":"List","Effect":"Allow","Action":"kinesis:ListStreams","Resource":"*"},
 {"Sid":"DeleteFromHere","Effect":"Allow","Action":"kinesis:DeleteStream","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
 {"Sid":"TagFromElsewhere","Effect":"Allow","Action":"kinesis:AddTagsToStream","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`

// guardPolicy is a customer-managed policy: its ARN appears in denials.
const guardPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Deny","Action":"kinesis:DeleteStream","Resource":"` + streamARN + `orders"}]}`

// policyUser creates a user with inline policy doc (and the managed
// policy guard when given) and returns a client using its keys.
func policyUser(t testing.TB, env *testenv.Env, name, doc, guard string) aws.Config {
	t.Helper()
	ctx := context.Background()
	svc := env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutInlinePolicy(ctx, "user", name, "inline", doc); err != nil {
		t.Fatal(err)
	}
	if guard != "" {
		p, err := svc.CreatePolicy(ctx, iam.CreatePolicyInput{Name: "guard", Document: guard})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.AttachPolicy(ctx, "user", name, p.ARN); err != nil {
			t.Fatal(err)
		}
	}
	key, err := svc.CreateAccessKey(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret)
}

func implicitDeny(action, stream string) string {
	return "User: " + userARN + " is not authorized to perform: " + action + " on resource: " + streamARN + stream +
		" because no identity-based policy allows the " + action + " action"
}

// checkDenied asserts err is AWS's AccessDeniedException (HTTP 400) with msg.
func checkDenied(t *testing.T, err error, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("want AccessDeniedException, got %v", err)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("message:\n got %s\nwant %s", ae.ErrorMessage(), msg)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 400 {
		t.Fatalf("HTTP status %d, want 400", re.HTTPStatusCode())
	}
}

func TestKinesisAuthorization(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := kinesis.NewFromConfig(env.AWSConfig())
	for _, s := range []string{"orders", "other", "scratch"} {
		if _, err := root.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(s), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	user := kinesis.NewFromConfig(policyUser(t, env, "producer", producerPolicy, guardPolicy))
	rec := []types.PutRecordsRequestEntry{{Data: []byte("x"), PartitionKey: aws.String("k")}}
	put := func(stream string) error {
		_, err := user.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: rec})
		return err
	}
	cases := []struct {
		name string
		call func() error
		deny string // "" when allowed
	}{
		{"PutRecords on the allowed stream", func() error { return put("orders") }, ""},
		{"PutRecord by stream ARN", func() error {
			_, err := user.PutRecord(ctx, &kinesis.PutRecordInput{StreamARN: aws.String(streamARN + "orders"), Data: []byte("x"), PartitionKey: aws.String("k")})
			return err
		}, ""},
		{"PutRecords on another stream", func() error { return put("other") }, implicitDeny("kinesis:PutRecords", "other")},
		{"PutRecords on a missing stream is denied, not not-found", func() error { return put("nope") }, implicitDeny("kinesis:PutRecords", "nope")},
		{"wildcard resource allows DescribeStreamSummary", func() error {
			_, err := user.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("other")})
			return err
		}, ""},
		{"ListStreams on *", func() error { _, err := user.ListStreams(ctx, &kinesis.ListStreamsInput{}); return err }, ""},
		{"CreateStream not granted", func() error {
			_, err := user.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("new"), ShardCount: aws.Int32(1)})
			return err
		}, implicitDeny("kinesis:CreateStream", "new")},
		{"GetShardIterator not granted", func() error {
			_, err := user.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"),
				ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
			return err
		}, implicitDeny("kinesis:GetShardIterator", "orders")},
		{"SourceIp condition not met", func() error {
			_, err := user.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("orders"), Tags: map[string]string{"a": "b"}})
			return err
		}, implicitDeny("kinesis:AddTagsToStream", "orders")},
		{"explicit deny in a managed policy beats the Allow", func() error {
			_, err := user.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("orders")})
			return err
		}, "User: " + userARN + " is not authorized to perform: kinesis:DeleteStream on resource: " + streamARN +
			"orders with an explicit deny in an identity-based policy: arn:aws:iam::" + acct + ":policy/guard"},
		{"SourceIp condition met", func() error {
			_, err := user.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("scratch")})
			return err
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if c.deny == "" {
				if err != nil {
					t.Fatalf("want allowed, got %v", err)
				}
				return
			}
			checkDenied(t, err, c.deny)
		})
	}
}

// A malformed request is rejected as such before authorization, as AWS
// validates first; GetRecords is authorized too.
func TestKinesisValidatesBeforeAuthorizing(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := kinesis.NewFromConfig(env.AWSConfig())
	if _, err := root.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	user := kinesis.NewFromConfig(policyUser(t, env, "producer", producerPolicy, ""))
	_, err := user.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("other"), Records: []types.PutRecordsRequestEntry{}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("empty Records: want ValidationException, got %v", err)
	}
	it, err := root.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"),
		ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	_, err = user.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	checkDenied(t, err, "")
}

// A stream's tags are its aws:ResourceTag keys: a policy can allow
// producing to every stream of a team (attribute-based access control),
// and retagging a stream changes who may use it.
func TestKinesisResourceTags(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := kinesis.NewFromConfig(env.AWSConfig())
	for s, team := range map[string]string{"clicks": "data", "payroll": "finance"} {
		if _, err := root.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(s), ShardCount: aws.Int32(1),
			Tags: map[string]string{"team": team}}); err != nil {
			t.Fatal(err)
		}
	}
	const teamPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:PutRecord*","Resource":"*",
	 "Condition":{"StringEquals":{"aws:ResourceTag/team":"data"}}}]}`
	user := kinesis.NewFromConfig(policyUser(t, env, "producer", teamPolicy, ""))
	put := func(stream string) error {
		_, err := user.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), Data: []byte("x"), PartitionKey: aws.String("k")})
		return err
	}
	if err := put("clicks"); err != nil {
		t.Fatalf("put to a team=data stream: %v", err)
	}
	checkDenied(t, put("payroll"), implicitDeny("kinesis:PutRecord", "payroll"))
	if _, err := root.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("payroll"), Tags: map[string]string{"team": "data"}}); err != nil {
		t.Fatal(err)
	}
	if err := put("payroll"); err != nil {
		t.Fatalf("put after retagging: %v", err)
	}
}
