package firehoseapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const (
	fhARN   = "arn:aws:firehose:us-east-1:000000000000:deliverystream/"
	fhUser  = "arn:aws:iam::000000000000:user/loader"
	fhTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// loaderPolicy: batch puts to SI-Firehose, create any stream (but no
// iam:PassRole), tag only with team=data, never delete.
const loaderPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"firehose:PutRecordBatch","Resource":"` + fhARN + `SI-Firehose"},
 {"Effect":"Allow","Action":["firehose:ListDeliveryStreams","firehose:CreateDeliveryStream","firehose:DeleteDeliveryStream"],"Resource":"*"},
 {"Effect":"Allow","Action":"firehose:TagDeliveryStream","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"data"}}},
 {"Effect":"Deny","Action":"firehose:Delete*","Resource":"*"}]}`

func fhDeny(action, resource string) string {
	return "User: " + fhUser + " is not authorized to perform: " + action + " on resource: " + resource +
		" because no identity-based policy allows the " + action + " action"
}

func loaderClient(t *testing.T, env *testenv.Env) *firehose.Client {
	t.Helper()
	ctx := context.Background()
	svc := env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "loader"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutInlinePolicy(ctx, "user", "loader", "loader", loaderPolicy); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "loader")
	if err != nil {
		t.Fatal(err)
	}
	return firehose.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
}

func TestFirehoseAuthorization(t *testing.T) {
	env, c := setup(t)
	ctx := context.Background()
	if _, err := env.Server.IAM().CreateRole(ctx, iam.CreateRoleInput{Name: "firehose", TrustPolicy: fhTrust}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lake-b1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("src"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose"),
		ExtendedS3DestinationConfiguration: s3dest("lake-b1")}); err != nil {
		t.Fatal(err)
	}
	user := loaderClient(t, env)
	recs := []fh.Record{{Data: []byte("{}\n")}}
	cases := []struct {
		name string
		call func() error
		deny string
	}{
		{"PutRecordBatch allowed", func() error {
			_, err := user.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("SI-Firehose"), Records: recs})
			return err
		}, ""},
		{"PutRecord not granted", func() error {
			_, err := user.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("SI-Firehose"), Record: &recs[0]})
			return err
		}, fhDeny("firehose:PutRecord", fhARN+"SI-Firehose")},
		{"ListDeliveryStreams on *", func() error {
			_, err := user.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{})
			return err
		}, ""},
		{"DescribeDeliveryStream not granted", func() error {
			_, err := user.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose")})
			return err
		}, fhDeny("firehose:DescribeDeliveryStream", fhARN+"SI-Firehose")},
		{"CreateDeliveryStream from Kinesis needs iam:PassRole", func() error {
			_, err := user.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("from-src"),
				DeliveryStreamType: fh.DeliveryStreamTypeKinesisStreamAsSource,
				KinesisStreamSourceConfiguration: &fh.KinesisStreamSourceConfiguration{
					KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/src"), RoleARN: aws.String(role)},
				ExtendedS3DestinationConfiguration: s3dest("lake-b1")})
			return err
		}, fhDeny("iam:PassRole", role)},
		{"explicit deny beats the Allow", func() error {
			_, err := user.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose")})
			return err
		}, "User: " + fhUser + " is not authorized to perform: firehose:DeleteDeliveryStream on resource: " + fhARN +
			"SI-Firehose with an explicit deny in an identity-based policy"},
		{"aws:RequestTag condition met", func() error {
			_, err := user.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose"),
				Tags: []fh.Tag{{Key: aws.String("team"), Value: aws.String("data")}}})
			return err
		}, ""},
		{"aws:RequestTag condition not met", func() error {
			_, err := user.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose"),
				Tags: []fh.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}})
			return err
		}, fhDeny("firehose:TagDeliveryStream", fhARN+"SI-Firehose")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.deny == "" {
				if err != nil {
					t.Fatalf("want allowed, got %v", err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || ae.ErrorMessage() != tc.deny {
				t.Fatalf("want AccessDeniedException %q, got %v", tc.deny, err)
			}
			var re *awshttp.ResponseError
			if errors.As(err, &re) && re.HTTPStatusCode() != 400 {
				t.Fatalf("HTTP status %d, want 400", re.HTTPStatusCode())
			}
		})
	}
}

// A delivery stream's tags are its aws:ResourceTag keys.
func TestFirehoseResourceTags(t *testing.T) {
	env, c := setup(t)
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lake-tags")}); err != nil {
		t.Fatal(err)
	}
	for name, team := range map[string]string{"clicks": "data", "payroll": "finance"} {
		if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name),
			ExtendedS3DestinationConfiguration: s3dest("lake-tags"), Tags: []fh.Tag{{Key: aws.String("team"), Value: aws.String(team)}}}); err != nil {
			t.Fatal(err)
		}
	}
	svc := env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: "loader"}); err != nil {
		t.Fatal(err)
	}
	const teamPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"firehose:PutRecord","Resource":"*",
	 "Condition":{"StringEquals":{"aws:ResourceTag/team":"data"}}}]}`
	if err := svc.PutInlinePolicy(ctx, "user", "loader", "team", teamPolicy); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "loader")
	if err != nil {
		t.Fatal(err)
	}
	user := firehose.NewFromConfig(testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret))
	put := func(name string) error {
		_, err := user.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String(name), Record: &fh.Record{Data: []byte("{}\n")}})
		return err
	}
	if err := put("clicks"); err != nil {
		t.Fatalf("put to a team=data stream: %v", err)
	}
	var ae smithy.APIError
	if err := put("payroll"); !errors.As(err, &ae) || ae.ErrorMessage() != fhDeny("firehose:PutRecord", fhARN+"payroll") {
		t.Fatalf("put to a team=finance stream: %v", err)
	}
}
