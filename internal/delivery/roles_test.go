package delivery_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gt "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/delivery"
	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const (
	s3FullAccess    = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
	glueServiceRole = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
)

func trustPolicy(service string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
}

// startEnforcing starts a server whose delivery streams act as their roles,
// retrying quickly.
func startEnforcing(t *testing.T) (*testenv.Env, clients) {
	t.Helper()
	env := testenv.Start(t, func(c *server.Config) {
		c.EnforceServiceRoles = true
		c.DeliveryRetryBackoff = 50 * time.Millisecond
	})
	cfg := env.AWSConfig()
	return env, clients{fh: firehose.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })}
}

// createRole makes a role trusting service with the managed policies.
func createRole(t *testing.T, svc *iam.Service, name, service string, policies ...string) string {
	t.Helper()
	ctx := context.Background()
	r, err := svc.CreateRole(ctx, iam.CreateRoleInput{Name: name, TrustPolicy: trustPolicy(service)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range policies {
		if err := svc.AttachPolicy(ctx, "role", name, p); err != nil {
			t.Fatal(err)
		}
	}
	return r.ARN
}

// createLineStream makes a bucket and a direct-put delivery stream writing
// one record per line, acting as roleARN.
func createLineStream(t *testing.T, c clients, name, roleARN string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name),
		ExtendedS3DestinationConfiguration: &fh.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::" + name), RoleARN: aws.String(roleARN), ErrorOutputPrefix: aws.String("error/"),
			BufferingHints:          &fh.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(1)},
			ProcessingConfiguration: &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeAppendDelimiterToRecord}}},
		}})
	if err != nil {
		t.Fatal(err) // AWS checks the role only when it delivers
	}
}

func putLines(t *testing.T, c clients, name string, from, n int) {
	t.Helper()
	var recs []fh.Record
	for i := from; i < from+n; i++ {
		recs = append(recs, fh.Record{Data: fmt.Appendf(nil, `{"n":%d}`, i)})
	}
	out, err := c.fh.PutRecordBatch(context.Background(), &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name), Records: recs})
	if err != nil || *out.FailedPutCount != 0 {
		t.Fatalf("put: %v", err)
	}
}

// linesUnder counts the lines of every object under prefix, by content.
func linesUnder(t *testing.T, c clients, bucket, prefix string) map[string]int {
	t.Helper()
	ctx := context.Background()
	seen := map[string]int{}
	out, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		obj, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			seen[sc.Text()]++
		}
	}
	return seen
}

func stats(t *testing.T, env *testenv.Env, name string) delivery.Stats {
	t.Helper()
	st, err := env.Server.DeliveryService().Stats(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitPaused waits until the delivery stream reports the S3 denial, and
// checks that nothing was written and the stream stays ACTIVE.
func waitPaused(t *testing.T, env *testenv.Env, c clients, name string) {
	t.Helper()
	testenv.Eventually(t, 10*time.Second, "the denial in Stats", func() bool {
		st := stats(t, env, name)
		return st.Failure != nil && st.ErrorCount > 0
	})
	st := stats(t, env, name)
	if st.Failure.Type != "S3.AccessDenied" || !strings.HasPrefix(st.Failure.Details, "Access was denied. Ensure that the trust policy") ||
		!strings.Contains(st.LastError, "S3.AccessDenied") || st.RecordsDelivered != 0 || st.BufferedRecords == 0 {
		t.Fatalf("stats while denied: %+v (failure %+v)", st, st.Failure)
	}
	cfg, err := env.Server.DeliveryService().Describe(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Status != delivery.StatusActive || cfg.Failure == nil || cfg.Failure.Type != "S3.AccessDenied" {
		t.Fatalf("describe while denied: status %s, failure %+v", cfg.Status, cfg.Failure)
	}
	if got := linesUnder(t, c, name, ""); len(got) != 0 {
		t.Fatalf("objects written while denied: %v", got)
	}
}

// TestDeliveryActsAsRole: a role lacking s3:PutObject (AWSGlueServiceRole
// only writes aws-glue-* buckets) or not trusting Firehose pauses
// delivery, which resumes once the role is fixed, every record once.
func TestDeliveryActsAsRole(t *testing.T) {
	env, c := startEnforcing(t)
	svc := env.Server.IAM()
	cases := []struct {
		name string
		role func() string
		fix  func(t *testing.T)
	}{
		{"no-put-object",
			func() string { return createRole(t, svc, "no-put", "firehose.amazonaws.com", glueServiceRole) },
			func(t *testing.T) {
				if err := svc.AttachPolicy(context.Background(), "role", "no-put", s3FullAccess); err != nil {
					t.Fatal(err)
				}
			}},
		{"wrong-trust",
			func() string { return createRole(t, svc, "glue-only", "glue.amazonaws.com", s3FullAccess) },
			func(t *testing.T) {
				if err := svc.UpdateAssumeRolePolicy(context.Background(), "glue-only", trustPolicy("firehose.amazonaws.com")); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			createLineStream(t, c, tc.name, tc.role())
			putLines(t, c, tc.name, 0, 300)
			waitPaused(t, env, c, tc.name)
			putLines(t, c, tc.name, 300, 200) // accepted while paused, kept too
			tc.fix(t)
			testenv.Eventually(t, 15*time.Second, "delivery after the fix", func() bool {
				return stats(t, env, tc.name).RecordsDelivered >= 500
			})
			got := linesUnder(t, c, tc.name, "")
			for i := range 500 {
				if n := got[fmt.Sprintf(`{"n":%d}`, i)]; n != 1 {
					t.Fatalf("record %d delivered %d times", i, n)
				}
			}
			if len(got) != 500 {
				t.Fatalf("%d distinct lines, want 500", len(got))
			}
			if st := stats(t, env, tc.name); st.Failure != nil || st.RecordsDelivered != 500 {
				t.Fatalf("after the fix: delivered %d, failure %+v", st.RecordsDelivered, st.Failure)
			}
		})
	}
}

// TestWorkshopRoleConverts: without AWSGlueServiceRole the role cannot
// read the Glue schema, so delivery pauses (records are not malformed, so
// nothing goes to the error output); as the workshop's role (trusting
// Firehose, AmazonS3FullAccess and AWSGlueServiceRole) it writes Parquet.
func TestWorkshopRoleConverts(t *testing.T) {
	env, c := startEnforcing(t)
	ctx := context.Background()
	roleARN := createRole(t, env.Server.IAM(), "firehose-workshop", "firehose.amazonaws.com", s3FullAccess)
	glu := glue.NewFromConfig(env.AWSConfig())
	if _, err := glu.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gt.DatabaseInput{Name: aws.String("conversion_db")}}); err != nil {
		t.Fatal(err)
	}
	cols := []gt.Column{{Name: aws.String("store_id"), Type: aws.String("string")}, {Name: aws.String("current_stock"), Type: aws.String("int")}}
	if _, err := glu.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: &gt.TableInput{
		Name: aws.String("conversion_table"), StorageDescriptor: &gt.StorageDescriptor{Columns: cols}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("inventory")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("SI-Firehose"),
		ExtendedS3DestinationConfiguration: &fh.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::inventory"), RoleARN: aws.String(roleARN), Prefix: aws.String("store-data/"), ErrorOutputPrefix: aws.String("error"),
			BufferingHints: &fh.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(1)},
			DataFormatConversionConfiguration: &fh.DataFormatConversionConfiguration{Enabled: aws.Bool(true),
				SchemaConfiguration:       &fh.SchemaConfiguration{DatabaseName: aws.String("conversion_db"), TableName: aws.String("conversion_table"), RoleARN: aws.String(roleARN)},
				InputFormatConfiguration:  &fh.InputFormatConfiguration{Deserializer: &fh.Deserializer{OpenXJsonSerDe: &fh.OpenXJsonSerDe{}}},
				OutputFormatConfiguration: &fh.OutputFormatConfiguration{Serializer: &fh.Serializer{ParquetSerDe: &fh.ParquetSerDe{}}},
			}}})
	if err != nil {
		t.Fatal(err)
	}
	var recs []fh.Record
	for i := range 100 {
		recs = append(recs, fh.Record{Data: fmt.Appendf(nil, `{"store_id":"STORE_%d","current_stock":%d}`, i%5, i)})
	}
	if _, err := c.fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("SI-Firehose"), Records: recs}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 10*time.Second, "the Glue denial", func() bool {
		f := stats(t, env, "SI-Firehose").Failure
		return f != nil && f.Type == "DataFormatConversion.AccessDenied"
	})
	if got := linesUnder(t, c, "inventory", ""); len(got) != 0 {
		t.Fatalf("objects written without Glue access: %v", got)
	}
	if err := env.Server.IAM().AttachPolicy(ctx, "role", "firehose-workshop", glueServiceRole); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 15*time.Second, "converted delivery", func() bool { return stats(t, env, "SI-Firehose").RecordsDelivered == 100 })
	out, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("inventory")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		if !strings.HasPrefix(*o.Key, "store-data/") || !strings.HasSuffix(*o.Key, ".parquet") {
			t.Fatalf("unexpected object %s", *o.Key)
		}
	}
	if st := stats(t, env, "SI-Firehose"); st.Failure != nil || st.RecordsDelivered != 100 {
		t.Fatalf("with the workshop role: %+v", st)
	}
}
