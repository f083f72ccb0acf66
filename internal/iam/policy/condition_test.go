package policy

import (
	"strings"
	"testing"
)

// condCase evaluates one condition block on an Allow statement. ctx nil
// values mean the key is absent from the request.
type condCase struct {
	cond string // the Condition element's JSON
	ctx  Context
	want bool
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		doc := stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + tc.cond + `}`)
		d := mustParse(t, doc)
		req := &Request{Principal: user("alice"), Action: "s3:GetObject", Resource: s3obj("b", "k"), Context: tc.ctx}
		if got := Evaluate(req, []Named{{Name: "p", Document: d}}).Allowed; got != tc.want {
			t.Errorf("%s with %v: allowed=%v, want %v", tc.cond, tc.ctx, got, tc.want)
		}
	}
}

func ctx1(key string, vals ...string) Context { return Context{key: vals} }

func TestStringOperators(t *testing.T) {
	u := func(v ...string) Context { return ctx1("aws:username", v...) }
	runCondCases(t, []condCase{
		{`{"StringEquals":{"aws:username":"alice"}}`, u("alice"), true},
		{`{"StringEquals":{"aws:username":"alice"}}`, u("Alice"), false},
		{`{"StringEquals":{"aws:username":"ali*"}}`, u("alice"), false}, // no wildcards in Equals
		{`{"StringEquals":{"aws:username":"ali*"}}`, u("ali*"), true},
		{`{"StringEquals":{"aws:username":["bob","alice"]}}`, u("alice"), true}, // values OR
		{`{"StringEquals":{"aws:username":"alice"}}`, nil, false},               // absent key
		{`{"StringEquals":{"AWS:UserName":"alice"}}`, u("alice"), true},         // key names ignore case
		{`{"StringNotEquals":{"aws:username":"alice"}}`, u("bob"), true},
		{`{"StringNotEquals":{"aws:username":["alice","bob"]}}`, u("bob"), false}, // NOR
		{`{"StringNotEquals":{"aws:username":"alice"}}`, nil, true},               // negated, absent
		{`{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}`, u("alice"), true},
		{`{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}`, u("alice"), false},
		{`{"StringLike":{"s3:prefix":["home/*"]}}`, ctx1("s3:prefix", "home/a/b"), true},
		{`{"StringLike":{"s3:prefix":["home/?"]}}`, ctx1("s3:prefix", "home/ab"), false},
		{`{"StringLike":{"s3:prefix":["*"]}}`, ctx1("s3:prefix", ""), true},
		{`{"StringLike":{"s3:prefix":["home/*"]}}`, nil, false},
		{`{"StringNotLike":{"s3:prefix":["home/*"]}}`, ctx1("s3:prefix", "tmp/x"), true},
		{`{"StringNotLike":{"s3:prefix":["home/*"]}}`, nil, true},
		{`{"StringLikeIfExists":{"s3:prefix":["home/*"]}}`, nil, true},
		{`{"StringLikeIfExists":{"s3:prefix":["home/*"]}}`, ctx1("s3:prefix", "tmp/"), false},
		{`{"StringEquals":{"s3:delimiter":"/"}}`, ctx1("s3:delimiter", "/"), true},
		{`{"StringEquals":{"kinesis:StreamName":"${aws:username}"}}`, Context{"kinesis:StreamName": {"alice"}, "aws:username": {"alice"}}, true},
		{`{"StringEquals":{"kinesis:StreamName":"${aws:username}"}}`, Context{"kinesis:StreamName": {"alice"}}, false},
		{`{"StringNotEquals":{"kinesis:StreamName":"${aws:username}"}}`, Context{"kinesis:StreamName": {"bob"}, "aws:username": {"alice"}}, true},
	})
}

func TestMultipleKeysAndOperators(t *testing.T) {
	both := Context{"aws:username": {"alice"}, "aws:RequestedRegion": {"us-east-1"}}
	runCondCases(t, []condCase{
		// Keys in one operator AND.
		{`{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"us-east-1"}}`, both, true},
		{`{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"eu-west-1"}}`, both, false},
		// Operators AND.
		{`{"StringEquals":{"aws:username":"alice"},"StringLike":{"aws:RequestedRegion":"us-*"}}`, both, true},
		{`{"StringEquals":{"aws:username":"alice"},"StringLike":{"aws:RequestedRegion":"eu-*"}}`, both, false},
		// An operator with an absent key fails the whole block.
		{`{"StringEquals":{"aws:username":"alice","aws:SourceVpc":"vpc-1"}}`, both, false},
	})
}

func TestNumericOperators(t *testing.T) {
	k := func(v string) Context { return ctx1("s3:max-keys", v) }
	runCondCases(t, []condCase{
		{`{"NumericEquals":{"s3:max-keys":"10"}}`, k("10"), true},
		{`{"NumericEquals":{"s3:max-keys":10}}`, k("10.0"), true}, // JSON number value
		{`{"NumericNotEquals":{"s3:max-keys":"10"}}`, k("11"), true},
		{`{"NumericLessThan":{"s3:max-keys":"10"}}`, k("9"), true},
		{`{"NumericLessThan":{"s3:max-keys":"10"}}`, k("10"), false},
		{`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, k("10"), true},
		{`{"NumericGreaterThan":{"s3:max-keys":"10"}}`, k("10.5"), true},
		{`{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, k("9"), false},
		{`{"NumericLessThan":{"s3:max-keys":"10"}}`, k("ten"), false},
		{`{"NumericLessThan":{"s3:max-keys":"10"}}`, nil, false},
		{`{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`, nil, true},
		{`{"NumericNotEquals":{"s3:max-keys":"10"}}`, nil, true},
	})
}

func TestDateOperators(t *testing.T) {
	now := ctx1("aws:CurrentTime", "2025-06-01T12:00:00Z")
	epoch := ctx1("aws:EpochTime", "1748779200") // 2025-06-01T12:00:00Z
	runCondCases(t, []condCase{
		{`{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, now, true},
		{`{"DateLessThan":{"aws:CurrentTime":"2025-01-01"}}`, now, false},
		{`{"DateGreaterThan":{"aws:CurrentTime":"2025-06-01T11:00:00-02:00"}}`, now, false}, // 13:00Z
		{`{"DateGreaterThanEquals":{"aws:CurrentTime":"2025-06-01T12:00:00Z"}}`, now, true},
		{`{"DateEquals":{"aws:CurrentTime":"2025-06-01T12:00:00.000Z"}}`, now, true},
		{`{"DateNotEquals":{"aws:CurrentTime":"2025-06-01T12:00:00Z"}}`, now, false},
		{`{"DateLessThanEquals":{"aws:CurrentTime":"1748779200"}}`, now, true}, // epoch policy value
		{`{"DateGreaterThan":{"aws:EpochTime":"2025-05-01T00:00:00Z"}}`, epoch, true},
		{`{"DateLessThan":{"aws:EpochTime":1748779201}}`, epoch, true},
		{`{"DateLessThan":{"aws:CurrentTime":"2026-01-01"}}`, ctx1("aws:CurrentTime", "garbage"), false},
		{`{"DateLessThan":{"aws:CurrentTime":"2026"}}`, now, true},
		{`{"DateLessThanIfExists":{"aws:TokenIssueTime":"2026-01-01"}}`, nil, true},
	})
}

func TestBoolBinaryNull(t *testing.T) {
	tls := func(v string) Context { return ctx1("aws:SecureTransport", v) }
	runCondCases(t, []condCase{
		{`{"Bool":{"aws:SecureTransport":"true"}}`, tls("true"), true},
		{`{"Bool":{"aws:SecureTransport":true}}`, tls("TRUE"), true},
		{`{"Bool":{"aws:SecureTransport":"true"}}`, tls("false"), false},
		{`{"Bool":{"aws:SecureTransport":"true"}}`, nil, false},
		{`{"BoolIfExists":{"aws:SecureTransport":"true"}}`, nil, true},
		{`{"BinaryEquals":{"s3:x-amz-meta-key":"QmluYXJ5VmFsdWU="}}`, ctx1("s3:x-amz-meta-key", "QmluYXJ5VmFsdWU="), true},
		{`{"BinaryEquals":{"s3:x-amz-meta-key":"QmluYXJ5VmFsdWU="}}`, ctx1("s3:x-amz-meta-key", "eA=="), false},
		{`{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{`{"Null":{"aws:TokenIssueTime":"true"}}`, ctx1("aws:TokenIssueTime", "2025-01-01T00:00:00Z"), false},
		{`{"Null":{"aws:TokenIssueTime":"false"}}`, ctx1("aws:TokenIssueTime", "2025-01-01T00:00:00Z"), true},
		{`{"Null":{"aws:TokenIssueTime":false}}`, nil, false},
	})
}

func TestIPAndARNOperators(t *testing.T) {
	ip := func(v string) Context { return ctx1("aws:SourceIp", v) }
	src := func(v string) Context { return ctx1("aws:SourceArn", v) }
	runCondCases(t, []condCase{
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("203.0.113.7"), true},
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("198.51.100.7"), false},
		{`{"IpAddress":{"aws:SourceIp":["198.51.100.0/24","203.0.113.5"]}}`, ip("203.0.113.5"), true},
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("::ffff:203.0.113.9"), true},
		{`{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ip("2001:db8:1::1"), true},
		{`{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ip("203.0.113.7"), false},
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("not-an-ip"), false},
		{`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip("198.51.100.7"), true},
		{`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, true},
		{`{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, true},
		{`{"ArnEquals":{"aws:SourceArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/SI-Firehose"}}`,
			src("arn:aws:firehose:us-east-1:123456789012:deliverystream/SI-Firehose"), true},
		{`{"ArnLike":{"aws:SourceArn":"arn:aws:firehose:*:123456789012:deliverystream/*"}}`,
			src("arn:aws:firehose:eu-west-1:123456789012:deliverystream/x"), true},
		{`{"ArnLike":{"aws:SourceArn":"arn:aws:firehose:*:123456789012:deliverystream/*"}}`,
			src("arn:aws:firehose:eu-west-1:999999999999:deliverystream/x"), false},
		{`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:username}"}}`,
			Context{"aws:PrincipalArn": {"arn:aws:iam::123456789012:role/alice"}, "aws:username": {"alice"}}, true},
		{`{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::logs-*"}}`, src("arn:aws:s3:::data"), true},
		{`{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::data"}}`, src("arn:aws:s3:::data"), false},
		{`{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::logs-*"}}`, nil, true},
	})
}

func TestSetQualifiers(t *testing.T) {
	keys := func(v ...string) Context { return ctx1("aws:TagKeys", v...) }
	runCondCases(t, []condCase{
		{`{"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}`, keys("CreatedBy", "CreatedAt"), true},
		{`{"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}`, keys("CreatedBy", "Owner"), false},
		{`{"ForAnyValue:StringLike":{"aws:TagKeys":"Created*"}}`, keys("Owner", "CreatedBy"), true},
		{`{"ForAnyValue:StringLike":{"aws:TagKeys":"Created*"}}`, keys(), false},
		{`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, keys("c", "d"), true},
		{`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, keys("c", "a"), false},
		{`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, keys("a", "c"), true},
		{`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, keys("a", "b"), false},
		{`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, nil, false},
		{`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}}`, nil, true},
		{`{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}}`, nil, true},
		{`{"ForAllValues:ArnLike":{"aws:SourceArn":"arn:aws:s3:::b*"}}`, ctx1("aws:SourceArn", "arn:aws:s3:::b1", "arn:aws:s3:::b2"), true},
	})
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2025", "2025-06", "2025-06-01", "2025-06-01T12:00Z", "2025-06-01T12:00:00Z",
		"2025-06-01T12:00:00.5+02:00", "2025-06-01T12:00:00", "1748779200", "1748779200.25"} {
		if _, ok := parseDate(s); !ok {
			t.Errorf("parseDate(%q) failed", s)
		}
	}
	for _, s := range []string{"", "yesterday", "2025-13-01", "12:00", "1.2.3"} {
		if _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) succeeded", s)
		}
	}
}

func TestOperatorNames(t *testing.T) {
	valid := []string{"StringEquals", "stringequals", "ForAnyValue:StringLikeIfExists", "forallvalues:ArnLike",
		"NumericGreaterThanEqualsIfExists", "DateNotEquals", "BinaryEqualsIfExists", "NotIpAddressIfExists", "Null"}
	for _, name := range valid {
		if _, ok := parseOperator(name); !ok {
			t.Errorf("parseOperator(%q) rejected", name)
		}
	}
	invalid := []string{"", "StringEqual", "NullIfExists", "ForAllValues:Null", "ForSomeValues:StringLike",
		"IfExists", "NumericBetween", "Date", "StringLike:IfExists", strings.Repeat("x", 40)}
	for _, name := range invalid {
		if _, ok := parseOperator(name); ok {
			t.Errorf("parseOperator(%q) accepted", name)
		}
	}
}
