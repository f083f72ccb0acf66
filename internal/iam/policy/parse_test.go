package policy

import (
	"errors"
	"strings"
	"testing"
)

const allowS3 = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`

const trustFirehose = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	"Principal":{"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func TestParseMalformed(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
		doc  string
		want string
	}{
		{"not JSON", IdentityPolicy, `{"Version":`, "Syntax errors in policy."},
		{"trailing data", IdentityPolicy, stmts(allowS3) + `{}`, "Syntax errors in policy."},
		{"not an object", IdentityPolicy, `["Statement"]`, "Syntax errors in policy."},
		{"duplicate key", IdentityPolicy, `{"Version":"2012-10-17","Version":"2012-10-17","Statement":` + allowS3 + `}`, "Syntax errors in policy."},
		{"version not a string", IdentityPolicy, `{"Version":2012,"Statement":` + allowS3 + `}`, "Syntax errors in policy."},
		{"unknown version", IdentityPolicy, `{"Version":"2012-10-18","Statement":` + allowS3 + `}`, "The policy must contain a valid version string"},
		{"legacy parser rejects resource", IdentityPolicy, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}`, "The policy failed legacy parsing"},
		{"unknown top-level field", IdentityPolicy, `{"Version":"2012-10-17","Statements":[` + allowS3 + `]}`, "Unknown field Statements"},
		{"empty version", IdentityPolicy, `{"Version":"","Statement":` + allowS3 + `}`, "The policy must contain a valid version string"},
		{"NaN number", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"NaN"}}}`),
			`Invalid Condition value for NumericEquals: "NaN"`},
		{"no statement", IdentityPolicy, `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"empty statement list", IdentityPolicy, `{"Version":"2012-10-17","Statement":[]}`, "Syntax errors in policy."},
		{"statement not an object", IdentityPolicy, stmts(`"Allow"`), "Syntax errors in policy."},
		{"unknown statement field", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Actions":"x"}`), "Unknown field Actions"},
		{"missing effect", IdentityPolicy, stmts(`{"Action":"s3:*","Resource":"*"}`), "Missing required field Effect"},
		{"bad effect", IdentityPolicy, stmts(`{"Effect":"allow","Action":"s3:*","Resource":"*"}`), "Invalid effect: allow"},
		{"no action", IdentityPolicy, stmts(`{"Effect":"Allow","Resource":"*"}`), "Policy statement must contain actions."},
		{"empty action list", IdentityPolicy, stmts(`{"Effect":"Allow","Action":[],"Resource":"*"}`), "Policy statement must contain actions."},
		{"action without vendor", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), errVendor},
		{"action with wildcard vendor", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s*:GetObject","Resource":"*"}`), errVendor},
		{"action not a string", IdentityPolicy, stmts(`{"Effect":"Allow","Action":[1],"Resource":"*"}`), "Syntax errors in policy."},
		{"Action and NotAction", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}`), "Syntax errors in policy."},
		{"no resource", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*"}`), "Policy statement must contain resources."},
		{"empty resource list", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":[]}`), "Policy statement must contain resources."},
		{"resource not an ARN", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"my-bucket"}`), `Resource my-bucket must be in ARN format or "*".`},
		{"resource short ARN", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:iam:123456789012:user/x"}`), `Resource arn:aws:iam:123456789012:user/x must be in ARN format or "*".`},
		{"principal in identity policy", IdentityPolicy, stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), "Policy document should not specify a principal."},
		{"NotPrincipal in identity policy", IdentityPolicy, stmts(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), "Policy document should not specify a principal."},
		{"sid not alphanumeric", IdentityPolicy, stmts(`{"Sid":"read-only","Effect":"Allow","Action":"s3:*","Resource":"*"}`),
			"Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"duplicate sid", IdentityPolicy, stmts(`{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}`),
			"Statement IDs (SID) in a single policy must be unique."},
		{"unknown condition operator", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}`),
			"Invalid Condition type : StringEqualz"},
		{"Null with IfExists", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}`),
			"Invalid Condition type : NullIfExists"},
		{"condition key without vendor", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}`), errVendor},
		{"condition not an object", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":["x"]}`), "Syntax errors in policy."},
		{"condition value object", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":1}}}}`), "Syntax errors in policy."},
		{"condition no values", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":[]}}}`), "Syntax errors in policy."},
		{"bad number", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}`),
			`Invalid Condition value for NumericLessThan: "ten"`},
		{"bad date", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}`),
			`Invalid Condition value for DateLessThan: "tomorrow"`},
		{"bad cidr", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}`),
			`Invalid Condition value for IpAddress: "10.0.0.0/33"`},
		{"bad bool", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}`),
			`Invalid Condition value for Bool: "yes"`},
		{"trust without principal", TrustPolicy, stmts(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), "Missing required field Principal"},
		{"trust with resource", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}`), "Has prohibited field Resource"},
		{"trust with non-sts action", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"s3:GetObject"}`),
			"AssumeRole policy may only specify STS AssumeRole actions."},
		{"invalid AWS principal", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws::iam::123456789012:root"},"Action":"sts:AssumeRole"}`),
			`Invalid principal in policy: "AWS":"arn:aws::iam::123456789012:root"`},
		{"wildcard in AWS principal", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"sts:AssumeRole"}`),
			`Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"`},
		{"short account id", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"sts:AssumeRole"}`), `Invalid principal in policy: "AWS":"12345"`},
		{"invalid service principal", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"Service":"firehose"},"Action":"sts:AssumeRole"}`), `Invalid principal in policy: "SERVICE":"firehose"`},
		{"unknown principal type", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"User":"bob"},"Action":"sts:AssumeRole"}`), `Invalid principal in policy: "USER":"bob"`},
		{"principal string other than star", TrustPolicy, stmts(`{"Effect":"Allow","Principal":"bob","Action":"sts:AssumeRole"}`), `Invalid principal in policy: "bob"`},
		{"resource policy without principal", ResourcePolicy, stmts(allowS3), "Missing required field Principal"},
		{"resource policy without resource", ResourcePolicy, stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}`), "Policy statement must contain resources."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAs(tc.kind, tc.doc)
			var me *MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("ParseAs = %v, want MalformedError %q", err, tc.want)
			}
			if me.Message != tc.want {
				t.Fatalf("message = %q\nwant      %q", me.Message, tc.want)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
		doc  string
	}{
		{"single statement object", IdentityPolicy, `{"Version":"2012-10-17","Statement":` + allowS3 + `}`},
		{"no version", IdentityPolicy, `{"Statement":[` + allowS3 + `]}`},
		{"legacy version", IdentityPolicy, `{"Version":"2008-10-17","Id":"x","Statement":[` + allowS3 + `]}`},
		{"whitespace and arrays", IdentityPolicy, "\n{ \"Version\" : \"2012-10-17\",\n \"Statement\": [ { \"Sid\": \"S1\", \"Effect\": \"Deny\", \"NotAction\": [\"iam:*\"], \"NotResource\": [\"arn:aws:s3:::b\", \"arn:aws:s3:::b/*\"] } ] }\n"},
		{"variables in resource", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
		{"trust service principal", TrustPolicy, trustFirehose},
		{"trust account and role", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/path/r","arn:aws:iam::123456789012:root"]},"Action":["sts:AssumeRole","sts:TagSession"],
			"Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}`)},
		{"trust federated", TrustPolicy, stmts(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`)},
		{"trust principal star", TrustPolicy, stmts(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`)},
		{"resource policy", ResourcePolicy, stmts(`{"Sid":"Public Read","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)},
		{"every operator family", IdentityPolicy, stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
			"StringLikeIfExists":{"s3:prefix":"a/*"},"NumericLessThanEquals":{"s3:max-keys":100},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
			"Bool":{"aws:SecureTransport":true},"BinaryEquals":{"s3:x":"eA=="},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},
			"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"},"Null":{"aws:TokenIssueTime":"true"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseAs(tc.kind, tc.doc)
			if err != nil {
				t.Fatalf("ParseAs: %v", err)
			}
			checkRoundTrip(t, d)
		})
	}
}

// checkRoundTrip: the canonical form parses to a document with the same
// canonical form.
func checkRoundTrip(t *testing.T, d *Document) {
	t.Helper()
	s := d.String()
	d2, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(String()) = %v\n%s", err, s)
	}
	if s2 := d2.String(); s2 != s {
		t.Fatalf("round trip changed the document:\n%s\n%s", s, s2)
	}
}

func TestCanonicalForm(t *testing.T) {
	d, err := Parse(`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"Bool":{"aws:SecureTransport":true},"StringEquals":{"aws:username":["a","b"],"aws:userid":"x"}}},"Version":"2012-10-17"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"],` +
		`"Condition":{"Bool":{"aws:SecureTransport":["true"]},"StringEquals":{"aws:username":["a","b"],"aws:userid":["x"]}}}]}`
	if got := d.String(); got != want {
		t.Fatalf("String() = %s\nwant       %s", got, want)
	}
}

func TestNonWhitespaceLen(t *testing.T) {
	if got := NonWhitespaceLen(" {\n\t\"a\" : \"b c\" }\r\n"); got != 10 {
		t.Fatalf("NonWhitespaceLen = %d, want 10", got)
	}
	if got := NonWhitespaceLen(strings.Repeat(" ", 5) + "ä"); got != 1 {
		t.Fatalf("NonWhitespaceLen counts characters, got %d", got)
	}
}
