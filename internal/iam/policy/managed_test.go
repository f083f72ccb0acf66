package policy

import "testing"

func TestManagedPoliciesParse(t *testing.T) {
	list := ManagedPolicies()
	if len(list) != 8 {
		t.Fatalf("ManagedPolicies() has %d entries, want 8", len(list))
	}
	for _, p := range list {
		if _, err := ParseAs(IdentityPolicy, p.Document); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if n := NonWhitespaceLen(p.Document); n > MaxManagedPolicySize {
			t.Errorf("%s: %d characters, over the managed policy quota", p.Name, n)
		}
		if doc, ok := Managed(p.ARN); !ok || doc != p.Document {
			t.Errorf("Managed(%s) does not return its document", p.ARN)
		}
		if want := "arn:aws:iam::aws:policy" + p.Path + p.Name; p.ARN != want {
			t.Errorf("ARN %s, want %s", p.ARN, want)
		}
	}
	if _, ok := Managed("arn:aws:iam::aws:policy/NoSuchPolicy"); ok {
		t.Error("Managed found a policy that does not exist")
	}
}

// Each managed policy grants what its name says, and no more than that.
func TestManagedPoliciesGrant(t *testing.T) {
	const (
		obj     = "arn:aws:s3:::lake/store-data/x.parquet"
		stream  = "arn:aws:kinesis:us-east-1:123456789012:stream/CadabraOrders"
		fh      = "arn:aws:firehose:us-east-1:123456789012:deliverystream/SI-Firehose"
		table   = "arn:aws:glue:us-east-1:123456789012:table/orderlogs/t"
		wg      = "arn:aws:athena:us-east-1:123456789012:workgroup/primary"
		results = "arn:aws:s3:::aws-athena-query-results-123/q.csv"
	)
	cases := []struct {
		policy, action, resource string
		allowed                  bool
	}{
		{"AdministratorAccess", "iam:CreateUser", "*", true},
		{"AdministratorAccess", "kinesis:PutRecords", stream, true},
		{"AmazonS3FullAccess", "s3:PutObject", obj, true},
		{"AmazonS3FullAccess", "s3:ListAllMyBuckets", "*", true},
		{"AmazonS3FullAccess", "kinesis:PutRecord", stream, false},
		{"AmazonS3ReadOnlyAccess", "s3:GetObject", obj, true},
		{"AmazonS3ReadOnlyAccess", "s3:ListBucket", "arn:aws:s3:::lake", true},
		{"AmazonS3ReadOnlyAccess", "s3:PutObject", obj, false},
		{"AmazonS3ReadOnlyAccess", "s3:DeleteObject", obj, false},
		{"AmazonKinesisFullAccess", "kinesis:CreateStream", stream, true},
		{"AmazonKinesisFullAccess", "firehose:PutRecordBatch", fh, false},
		{"AmazonKinesisReadOnlyAccess", "kinesis:GetRecords", stream, true},
		{"AmazonKinesisReadOnlyAccess", "kinesis:DescribeStreamSummary", stream, true},
		{"AmazonKinesisReadOnlyAccess", "kinesis:PutRecords", stream, false},
		{"AmazonKinesisFirehoseFullAccess", "firehose:PutRecordBatch", fh, true},
		{"AmazonKinesisFirehoseFullAccess", "s3:PutObject", obj, false},
		{"AWSGlueServiceRole", "glue:GetTable", table, true},
		{"AWSGlueServiceRole", "s3:ListBucket", "arn:aws:s3:::lake", true},
		{"AWSGlueServiceRole", "s3:GetObject", "arn:aws:s3:::aws-glue-scripts/x.py", true},
		{"AWSGlueServiceRole", "s3:GetObject", obj, false}, // crawled data needs its own grant
		{"AWSGlueServiceRole", "s3:PutObject", obj, false},
		{"AmazonAthenaFullAccess", "athena:StartQueryExecution", wg, true},
		{"AmazonAthenaFullAccess", "glue:GetTable", table, true},
		{"AmazonAthenaFullAccess", "glue:CreateCrawler", "*", false},
		{"AmazonAthenaFullAccess", "s3:PutObject", results, true},
		{"AmazonAthenaFullAccess", "s3:PutObject", obj, false},
	}
	for _, tc := range cases {
		var arn string
		for _, p := range ManagedPolicies() {
			if p.Name == tc.policy {
				arn = p.ARN
			}
		}
		doc, ok := Managed(arn)
		if !ok {
			t.Fatalf("no managed policy %s", tc.policy)
		}
		req := &Request{Principal: user("alice"), Action: tc.action, Resource: tc.resource}
		got := Evaluate(req, []Named{{Name: arn, Document: mustParse(t, doc)}})
		if got.Allowed != tc.allowed {
			t.Errorf("%s: %s on %s allowed=%v, want %v", tc.policy, tc.action, tc.resource, got.Allowed, tc.allowed)
		}
	}
}
