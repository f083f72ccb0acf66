package policy

import (
	"fmt"
	"strings"
	"testing"
)

const acct = "123456789012"

// mustParse parses an identity policy or fails the test.
func mustParse(t testing.TB, doc string) *Document {
	t.Helper()
	d, err := ParseAs(IdentityPolicy, doc)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return d
}

// stmts wraps statements into a 2012-10-17 document.
func stmts(s ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(s, ",") + `]}`
}

func user(name string) string { return "arn:aws:iam::" + acct + ":user/" + name }

func s3obj(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }

type evalCase struct {
	name     string
	policies []string
	action   string
	resource string
	ctx      Context
	want     Reason
	sid      string // expected deciding Sid, when set
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var named []Named
			for i, doc := range tc.policies {
				named = append(named, Named{Name: fmt.Sprintf("p%d", i), Document: mustParse(t, doc)})
			}
			req := &Request{Principal: user("alice"), Account: acct, Action: tc.action, Resource: tc.resource, Context: tc.ctx}
			got := Evaluate(req, named)
			if got.Reason != tc.want || got.Allowed != (tc.want == Allow) {
				t.Fatalf("Evaluate(%s on %s) = %+v, want %v", tc.action, tc.resource, got, tc.want)
			}
			if tc.sid != "" && got.Sid != tc.sid {
				t.Fatalf("deciding Sid = %q, want %q", got.Sid, tc.sid)
			}
		})
	}
}

// Examples from the IAM User Guide (policy evaluation logic, NotAction,
// condition operators, multivalued keys, policy variables).
func TestEvaluateDocumentationExamples(t *testing.T) {
	allowAllS3DenyDelete := stmts(
		`{"Sid":"AllowS3","Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		`{"Sid":"DenyDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::prod/*"}`)
	denyNonIAMWithoutMFA := stmts(
		`{"Sid":"AllowAll","Effect":"Allow","Action":"*","Resource":"*"}`,
		`{"Sid":"DenyAllExceptIAMWithoutMFA","Effect":"Deny","NotAction":"iam:*","Resource":"*",
		  "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)
	tagKeysOnly := stmts(`{"Sid":"Tags","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}}`)
	anyTagKey := stmts(`{"Sid":"AnyTag","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}}`)
	homeDirs := stmts(
		`{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home",
		  "Condition":{"StringLike":{"s3:prefix":["${aws:username}/*"]}}}`,
		`{"Sid":"Objects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::home/${aws:username}/*"}`)
	alice := Context{"aws:username": {"alice"}}
	runEvalCases(t, []evalCase{
		{"explicit deny overrides allow", []string{allowAllS3DenyDelete}, "s3:DeleteObject", s3obj("prod", "a.csv"), nil, ExplicitDeny, "DenyDelete"},
		{"allow where deny does not match", []string{allowAllS3DenyDelete}, "s3:DeleteObject", s3obj("dev", "a.csv"), nil, Allow, "AllowS3"},
		{"deny in another policy wins", []string{stmts(`{"Effect":"Allow","Action":"*","Resource":"*"}`),
			stmts(`{"Sid":"NoKinesis","Effect":"Deny","Action":"kinesis:*","Resource":"*"}`)},
			"kinesis:PutRecord", "arn:aws:kinesis:us-east-1:123456789012:stream/s", nil, ExplicitDeny, "NoKinesis"},
		{"implicit deny without any allow", []string{stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)},
			"s3:PutObject", s3obj("b", "k"), nil, ImplicitDeny, ""},
		{"no policies", nil, "s3:GetObject", s3obj("b", "k"), nil, ImplicitDeny, ""},
		{"NotAction deny: MFA key absent denies s3", []string{denyNonIAMWithoutMFA}, "s3:GetObject", s3obj("b", "k"), nil, ExplicitDeny, "DenyAllExceptIAMWithoutMFA"},
		{"NotAction deny: iam is exempt", []string{denyNonIAMWithoutMFA}, "iam:ListUsers", "*", nil, Allow, "AllowAll"},
		{"NotAction deny: MFA false denies", []string{denyNonIAMWithoutMFA}, "s3:GetObject", s3obj("b", "k"),
			Context{"aws:MultiFactorAuthPresent": {"false"}}, ExplicitDeny, ""},
		{"NotAction deny: MFA true passes", []string{denyNonIAMWithoutMFA}, "s3:GetObject", s3obj("b", "k"),
			Context{"aws:MultiFactorAuthPresent": {"true"}}, Allow, "AllowAll"},
		{"ForAllValues on missing key is true", []string{tagKeysOnly}, "ec2:CreateTags", "*", nil, Allow, ""},
		{"ForAllValues on empty set is true", []string{tagKeysOnly}, "ec2:CreateTags", "*", Context{"aws:TagKeys": {}}, Allow, ""},
		{"ForAllValues subset", []string{tagKeysOnly}, "ec2:CreateTags", "*", Context{"aws:TagKeys": {"environment"}}, Allow, ""},
		{"ForAllValues extra key", []string{tagKeysOnly}, "ec2:CreateTags", "*", Context{"aws:TagKeys": {"environment", "owner"}}, ImplicitDeny, ""},
		{"ForAnyValue on missing key is false", []string{anyTagKey}, "ec2:CreateTags", "*", nil, ImplicitDeny, ""},
		{"ForAnyValue one matches", []string{anyTagKey}, "ec2:CreateTags", "*", Context{"aws:TagKeys": {"owner", "environment"}}, Allow, ""},
		{"variable in resource", []string{homeDirs}, "s3:GetObject", s3obj("home", "alice/notes.txt"), alice, Allow, "Objects"},
		{"variable in resource, other user", []string{homeDirs}, "s3:GetObject", s3obj("home", "bob/notes.txt"), alice, ImplicitDeny, ""},
		{"variable without value matches nothing", []string{homeDirs}, "s3:GetObject", s3obj("home", "/notes.txt"), nil, ImplicitDeny, ""},
		{"variable in condition", []string{homeDirs}, "s3:ListBucket", "arn:aws:s3:::home", Context{"aws:username": {"alice"}, "s3:prefix": {"alice/docs/"}}, Allow, "List"},
		{"variable in condition, other prefix", []string{homeDirs}, "s3:ListBucket", "arn:aws:s3:::home", Context{"aws:username": {"alice"}, "s3:prefix": {"bob/"}}, ImplicitDeny, ""},
	})
}

func TestEvaluateMatching(t *testing.T) {
	stream := "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
	putRecords := stmts(`{"Effect":"Allow","Action":"kinesis:PutRecord*","Resource":"` + stream + `"}`)
	runEvalCases(t, []evalCase{
		{"action wildcard", []string{putRecords}, "kinesis:PutRecords", stream, nil, Allow, ""},
		{"action case-insensitive", []string{stmts(`{"Effect":"Allow","Action":"KINESIS:putrecords","Resource":"*"}`)}, "kinesis:PutRecords", stream, nil, Allow, ""},
		{"action other stream", []string{putRecords}, "kinesis:PutRecords", "arn:aws:kinesis:us-east-1:123456789012:stream/other", nil, ImplicitDeny, ""},
		{"action question mark", []string{stmts(`{"Effect":"Allow","Action":"s3:?etObject","Resource":"*"}`)}, "s3:GetObject", "*", nil, Allow, ""},
		{"action question mark is one char", []string{stmts(`{"Effect":"Allow","Action":"s3:?Object","Resource":"*"}`)}, "s3:GetObject", "*", nil, ImplicitDeny, ""},
		{"action prefix is not a match", []string{stmts(`{"Effect":"Allow","Action":"s3:Get","Resource":"*"}`)}, "s3:GetObject", "*", nil, ImplicitDeny, ""},
		{"star action", []string{stmts(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, "glue:GetTable", "*", nil, Allow, ""},
		{"resource is case-sensitive", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::Bucket/*"}`)}, "s3:GetObject", s3obj("bucket", "k"), nil, ImplicitDeny, ""},
		{"resource star spans slashes", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`)}, "s3:GetObject", s3obj("b", "x/y/z.parquet"), nil, Allow, ""},
		{"resource key with colons", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`)}, "s3:GetObject", s3obj("b", "t=12:00:00/k"), nil, Allow, ""},
		{"segment wildcard stays in segment", []string{stmts(`{"Effect":"Allow","Action":"kinesis:*","Resource":"arn:aws:kinesis:us-*:123456789012:stream/*"}`)}, "kinesis:GetRecords", stream, nil, Allow, ""},
		{"segment wildcard wrong region", []string{stmts(`{"Effect":"Allow","Action":"kinesis:*","Resource":"arn:aws:kinesis:eu-*:*:stream/*"}`)}, "kinesis:GetRecords", stream, nil, ImplicitDeny, ""},
		{"trailing star spans colons", []string{stmts(`{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:*:*:*:/aws-glue/*"}`)}, "logs:PutLogEvents",
			"arn:aws:logs:us-east-1:123456789012:log-group:/aws-glue/crawlers:log-stream:c1", nil, Allow, ""},
		{"short pattern with trailing star", []string{stmts(`{"Effect":"Allow","Action":"glue:*","Resource":"arn:aws:glue:*"}`)}, "glue:GetTable",
			"arn:aws:glue:us-east-1:123456789012:table/db/t", nil, Allow, ""},
		{"NotResource excludes", []string{stmts(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`)}, "s3:GetObject", s3obj("secret", "k"), nil, ImplicitDeny, ""},
		{"NotResource includes the rest", []string{stmts(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`)}, "s3:GetObject", s3obj("public", "k"), nil, Allow, ""},
		{"NotAction allow", []string{stmts(`{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}`)}, "iam:CreateUser", "*", nil, ImplicitDeny, ""},
		{"NotAction allow others", []string{stmts(`{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}`)}, "athena:StartQueryExecution", "*", nil, Allow, ""},
		{"literal star via ${*}", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}x"}`)}, "s3:GetObject", s3obj("b", "*x"), nil, Allow, ""},
		{"literal star via ${*} is not a wildcard", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}x"}`)}, "s3:GetObject", s3obj("b", "yx"), nil, ImplicitDeny, ""},
		{"literal ? and $", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${?}${$}"}`)}, "s3:GetObject", s3obj("b", "?$"), nil, Allow, ""},
		{"variable default", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`)}, "s3:GetObject", s3obj("b", "shared/k"), nil, Allow, ""},
		{"variable default with escaped quote", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'it''s'}"}`)}, "s3:GetObject", s3obj("b", "it's"), nil, Allow, ""},
		{"variable with malformed default never matches", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, shared}"}`)}, "s3:GetObject", s3obj("b", "shared"), nil, ImplicitDeny, ""},
		{"variable default unused when set", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`)}, "s3:GetObject", s3obj("b", "shared/k"),
			Context{"aws:PrincipalTag/team": {"data"}}, ImplicitDeny, ""},
		{"principal tag variable, key case ignored", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:principaltag/Team}/*"}`)}, "s3:GetObject", s3obj("b", "data/k"),
			Context{"aws:PrincipalTag/team": {"data"}}, Allow, ""},
		{"userid variable", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:userid}/*"}`)}, "s3:GetObject", s3obj("b", "AIDAEXAMPLE/k"),
			Context{"aws:userid": {"AIDAEXAMPLE"}}, Allow, ""},
		{"legacy version keeps ${} literal", []string{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}}`},
			"s3:GetObject", s3obj("b", "${aws:username}"), Context{"aws:username": {"alice"}}, Allow, ""},
		{"multi-valued key is not a variable", []string{stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:TagKeys}"}`)}, "s3:GetObject", s3obj("b", "a"),
			Context{"aws:TagKeys": {"a", "b"}}, ImplicitDeny, ""},
	})
}

func TestDecisionMessage(t *testing.T) {
	req := &Request{Principal: user("bob"), Action: "kinesis:PutRecord", Resource: "arn:aws:kinesis:us-east-1:123456789012:stream/x"}
	cases := []struct {
		d    Decision
		want string
	}{
		{Decision{Reason: ImplicitDeny}, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:123456789012:stream/x because no identity-based policy allows the kinesis:PutRecord action"},
		{Decision{Reason: ExplicitDeny, Policy: "arn:aws:iam::123456789012:policy/Deny"}, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:123456789012:stream/x with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/Deny"},
		{Decision{Reason: ExplicitDeny, Policy: "inline"}, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:123456789012:stream/x with an explicit deny in an identity-based policy"},
		{Decision{Allowed: true, Reason: Allow}, ""},
	}
	for _, tc := range cases {
		if got := tc.d.Message(req); got != tc.want {
			t.Errorf("Message(%v) = %q\nwant %q", tc.d.Reason, got, tc.want)
		}
	}
}
