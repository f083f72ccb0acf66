package policy

import "testing"

func fuzzSeeds(f *testing.F) {
	for _, p := range ManagedPolicies() {
		f.Add(p.Document)
	}
	f.Add(trustFirehose)
	f.Add(stmts(`{"Sid":"A","Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::b/${aws:username}/*",
		"Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","${*}"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
		"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"Null":{"aws:TokenIssueTime":true}}}`))
	f.Add(`{"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012"],"Service":"glue.amazonaws.com"},"Action":"sts:*"}}`)
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:x, 'd''q'}"}]}`)
	f.Add(`{"Version":`)
	f.Add(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`)
}

// FuzzParse: Parse never panics, and an accepted document survives the
// canonical round trip and validation of every kind.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(doc)
		if err != nil {
			return
		}
		checkRoundTrip(t, d)
		for _, k := range []Kind{IdentityPolicy, ResourcePolicy, TrustPolicy} {
			_ = d.Validate(k)
		}
	})
}

// FuzzEvaluate: evaluation never panics, whatever the policy and request.
func FuzzEvaluate(f *testing.F) {
	f.Add(stmts(allowS3), "s3:GetObject", "arn:aws:s3:::b/k", "aws:username", "alice")
	f.Add(trustFirehose, "sts:AssumeRole", "*", "aws:SourceIp", "10.1.2.3")
	f.Add(stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}*?x","Condition":{"ArnLike":{"aws:SourceArn":"arn:*:s3:::${aws:username}"}}}`),
		"S3:getobject", "arn:aws:s3:::b/alice", "aws:SourceArn", "arn:aws:s3:::alice")
	f.Fuzz(func(t *testing.T, doc, action, resource, key, value string) {
		d, err := Parse(doc)
		if err != nil {
			return
		}
		ctx := Context{key: {value}, "aws:username": {value}, "aws:TagKeys": {value, key}}
		for _, principal := range []string{value, "arn:aws:iam::123456789012:user/" + value, "arn:aws:sts::123456789012:assumed-role/" + value} {
			req := &Request{Principal: principal, Action: action, Resource: resource, Context: ctx}
			dec := Evaluate(req, []Named{{Name: "p", Document: d}})
			if dec.Allowed != (dec.Reason == Allow) {
				t.Fatalf("inconsistent decision %+v", dec)
			}
			_ = dec.Message(req)
			_ = AllowsPrincipal(d, req)
		}
	})
}
