package iam

import (
	"context"
	"errors"
	"testing"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

const (
	testStream  = "arn:aws:kinesis:us-east-1:000000000000:stream/orders"
	testBucket  = "arn:aws:s3:::lake/data/x.json"
	firehoseSvc = "firehose.amazonaws.com"
)

// outcome is "" for allowed, else the denial message.
func outcome(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var denied *awsapi.AccessDenied
	if !errors.As(err, &denied) {
		t.Fatalf("not a denial: %v", err)
	}
	return denied.Message()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A user gets its group's managed policies and its own tags as condition
// keys; every IAM change is seen by the next decision.
func TestAuthorizeUser(t *testing.T) {
	ctx := context.Background()
	svc := openTest(t, t.TempDir())
	_, err := svc.CreateUser(ctx, CreateUserInput{Name: "ana", Tags: []Tag{{"team", "data"}}})
	must(t, err)
	_, err = svc.CreateGroup(ctx, "readers", nil)
	must(t, err)
	must(t, svc.AddUserToGroup(ctx, "readers", "ana"))
	must(t, svc.AttachPolicy(ctx, kindGroup, "readers", "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"))
	key, err := svc.CreateAccessKey(ctx, "ana")
	must(t, err)
	cred, _, err := svc.LookupAccessKey(ctx, key.AccessKeyID)
	must(t, err)
	id := cred.Identity
	ask := func(action, resource string) string {
		return outcome(t, svc.Authorize(ctx, id, awsapi.AuthzRequest{Action: action, Resource: resource,
			Context: map[string][]string{"aws:SourceIp": {"127.0.0.1"}}}))
	}
	const user = "User: arn:aws:iam::000000000000:user/ana is not authorized to perform: "

	if got := ask("kinesis:GetRecords", testStream); got != "" {
		t.Fatalf("group's managed policy: %s", got)
	}
	want := user + "kinesis:PutRecords on resource: " + testStream + " because no identity-based policy allows the kinesis:PutRecords action"
	if got := ask("kinesis:PutRecords", testStream); got != want {
		t.Fatalf("implicit deny:\n got %s\nwant %s", got, want)
	}
	// Tags and the user name are condition keys; a new inline policy
	// takes effect at once.
	must(t, svc.PutInlinePolicy(ctx, kindUser, "ana", "own-prefix", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::lake/*",
		 "Condition":{"StringEquals":{"aws:PrincipalTag/team":"data","aws:username":"ana","aws:PrincipalType":"User"}}}]}`))
	if got := ask("s3:GetObject", testBucket); got != "" {
		t.Fatalf("principal keys: %s", got)
	}
	must(t, svc.UntagEntity(ctx, kindUser, "ana", []string{"team"}))
	if got := ask("s3:GetObject", testBucket); got == "" {
		t.Fatal("untagging did not invalidate the cached principal")
	}
	must(t, svc.RemoveUserFromGroup(ctx, "readers", "ana"))
	if got := ask("kinesis:GetRecords", testStream); got == "" {
		t.Fatal("leaving the group did not take effect")
	}
	root := svc.RootIdentity()
	if err := svc.Authorize(ctx, root, awsapi.AuthzRequest{Action: "iam:DeleteUser", Resource: "*"}); err != nil {
		t.Fatalf("root: %v", err)
	}
}

func TestAuthorizeRole(t *testing.T) {
	ctx := context.Background()
	svc := openTest(t, t.TempDir())
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"firehose.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, CreateRoleInput{Name: "delivery", TrustPolicy: trust})
	must(t, err)
	must(t, svc.PutInlinePolicy(ctx, kindRole, "delivery", "write", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::lake/*"}]}`))
	put := awsapi.AuthzRequest{Action: "s3:PutObject", Resource: testBucket}
	cases := []struct {
		name, role, service string
		req                 awsapi.AuthzRequest
		want                string
		assumeErr           bool
	}{
		{"allowed", role.ARN, firehoseSvc, put, "", false},
		{"not in the role's policy", role.ARN, firehoseSvc, awsapi.AuthzRequest{Action: "glue:GetTable", Resource: "arn:aws:glue:us-east-1:000000000000:catalog"},
			"User: arn:aws:sts::000000000000:assumed-role/delivery/firehose is not authorized to perform: glue:GetTable on resource: " +
				"arn:aws:glue:us-east-1:000000000000:catalog because no identity-based policy allows the glue:GetTable action", false},
		{"service not trusted", role.ARN, "glue.amazonaws.com", put,
			"Service: glue.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: " + role.ARN, true},
		{"missing role", "arn:aws:iam::000000000000:role/nope", firehoseSvc, put,
			"Service: firehose.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/nope", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := svc.AuthorizeRole(ctx, c.role, c.service, c.req)
			if got := outcome(t, err); got != c.want {
				t.Fatalf("\n got %s\nwant %s", got, c.want)
			}
			var ae *AssumeRoleError
			if errors.As(err, &ae) != c.assumeErr {
				t.Fatalf("AssumeRoleError: %v", err)
			}
		})
	}
	// Fixing the trust policy takes effect at once.
	must(t, svc.UpdateAssumeRolePolicy(ctx, "delivery",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["firehose.amazonaws.com","glue.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`))
	must(t, svc.AuthorizeRole(ctx, role.ARN, "glue.amazonaws.com", put))
}

// Assumed-role sessions are authorized by the role's policies.
func TestAuthorizeSession(t *testing.T) {
	ctx := context.Background()
	svc := openTest(t, t.TempDir())
	_, err := svc.CreateUser(ctx, CreateUserInput{Name: "ana"})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/ana"},"Action":"sts:AssumeRole"}]}`
	role, err := svc.CreateRole(ctx, CreateRoleInput{Name: "reader", TrustPolicy: trust})
	must(t, err)
	must(t, svc.AttachPolicy(ctx, kindRole, "reader", "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"))
	key, err := svc.CreateAccessKey(ctx, "ana")
	must(t, err)
	cred, _, err := svc.LookupAccessKey(ctx, key.AccessKeyID)
	must(t, err)
	out, err := svc.AssumeRole(ctx, cred.Identity, AssumeRoleInput{RoleARN: role.ARN, SessionName: "s1"})
	must(t, err)
	sess, _, err := svc.LookupAccessKey(ctx, out.Credentials.AccessKeyID)
	must(t, err)
	if err := svc.Authorize(ctx, sess.Identity, awsapi.AuthzRequest{Action: "kinesis:DescribeStream", Resource: testStream}); err != nil {
		t.Fatalf("role's policy: %v", err)
	}
	want := "User: arn:aws:sts::000000000000:assumed-role/reader/s1 is not authorized to perform: kinesis:PutRecord on resource: " +
		testStream + " because no identity-based policy allows the kinesis:PutRecord action"
	if got := outcome(t, svc.Authorize(ctx, sess.Identity, awsapi.AuthzRequest{Action: "kinesis:PutRecord", Resource: testStream})); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
}

// BenchmarkAuthorize is the per-request cost for a cached principal: with
// a condition-free policy (the request context is not built) and with a
// condition (it is, from a pooled map).
func BenchmarkAuthorize(b *testing.B) {
	b.Run("plain", func(b *testing.B) { benchAuthorize(b, "") })
	b.Run("condition", func(b *testing.B) {
		benchAuthorize(b, `,"Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"},"StringEquals":{"aws:username":"p"}}`)
	})
}

func benchAuthorize(b *testing.B, condition string) {
	ctx := context.Background()
	svc := openTest(b, b.TempDir())
	if _, err := svc.CreateUser(ctx, CreateUserInput{Name: "p"}); err != nil {
		b.Fatal(err)
	}
	if err := svc.PutInlinePolicy(ctx, kindUser, "p", "put", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"kinesis:PutRecord*","Resource":"`+testStream+`"`+condition+`}]}`); err != nil {
		b.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "p")
	if err != nil {
		b.Fatal(err)
	}
	cred, _, _ := svc.LookupAccessKey(ctx, key.AccessKeyID)
	req := awsapi.AuthzRequest{Action: "kinesis:PutRecords", Resource: testStream, Context: map[string][]string{"aws:SourceIp": {"127.0.0.1"}}}
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.Authorize(ctx, cred.Identity, req); err != nil {
			b.Fatal(err)
		}
	}
}
