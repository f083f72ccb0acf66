package policy

import "testing"

// A typical pipeline user: put records to two streams, read one prefix
// (with a TLS condition), and an explicit deny on deleting streams.
const typicalUserPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Produce", "Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStream*"],
     "Resource": ["arn:aws:kinesis:us-east-1:123456789012:stream/CadabraOrders", "arn:aws:kinesis:us-east-1:123456789012:stream/inventory-*"]},
    {"Sid": "ReadLake", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lake/store-data/*",
     "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "kinesis:Delete*", "Resource": "*"}
  ]
}`

func benchRequest() (*Request, []Named) {
	d, err := ParseAs(IdentityPolicy, typicalUserPolicy)
	if err != nil {
		panic(err)
	}
	req := &Request{
		Principal: "arn:aws:iam::123456789012:user/producer",
		Account:   "123456789012",
		Action:    "kinesis:PutRecords",
		Resource:  "arn:aws:kinesis:us-east-1:123456789012:stream/inventory-stock",
		Context: Context{
			"aws:username":        {"producer"},
			"aws:SourceIp":        {"127.0.0.1"},
			"aws:SecureTransport": {"false"},
			"aws:CurrentTime":     {"2025-06-01T12:00:00Z"},
		},
	}
	return req, []Named{{Name: "producer-policy", Document: d}}
}

// BenchmarkEvaluate is the PutRecords hot path: one allow, every
// statement examined (the deny must be ruled out).
func BenchmarkEvaluate(b *testing.B) {
	req, policies := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(req, policies).Allowed {
			b.Fatal("denied")
		}
	}
}

// BenchmarkEvaluateCondition goes through the statement with a condition.
func BenchmarkEvaluateCondition(b *testing.B) {
	req, policies := benchRequest()
	req.Action, req.Resource = "s3:GetObject", "arn:aws:s3:::lake/store-data/store_id=STORE_3/x.parquet"
	req.Context["aws:SecureTransport"] = []string{"true"}
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(req, policies).Allowed {
			b.Fatal("denied")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(typicalUserPolicy)))
	for b.Loop() {
		if _, err := Parse(typicalUserPolicy); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	req, policies := benchRequest()
	req.Context["aws:SecureTransport"] = []string{"true"}
	for _, r := range []struct{ action, resource string }{
		{"kinesis:PutRecords", "arn:aws:kinesis:us-east-1:123456789012:stream/inventory-stock"},
		{"s3:GetObject", "arn:aws:s3:::lake/store-data/x"},
		{"kinesis:DeleteStream", "arn:aws:kinesis:us-east-1:123456789012:stream/x"},
		{"glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/db/t"},
	} {
		req.Action, req.Resource = r.action, r.resource
		if n := testing.AllocsPerRun(100, func() { Evaluate(req, policies) }); n != 0 {
			t.Errorf("Evaluate(%s) allocates %.0f times", r.action, n)
		}
	}
}
