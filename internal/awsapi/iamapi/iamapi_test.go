package iamapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func rootCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}
}

type accessKey struct {
	ID     string `xml:"CreateAccessKeyResult>AccessKey>AccessKeyId"`
	Secret string `xml:"CreateAccessKeyResult>AccessKey>SecretAccessKey"`
	Status string `xml:"CreateAccessKeyResult>AccessKey>Status"`
}

func createUserWithKey(t *testing.T, c *queryClient, name string) accessKey {
	t.Helper()
	c.must("CreateUser", map[string]string{"UserName": name}, nil)
	var k accessKey
	c.must("CreateAccessKey", map[string]string{"UserName": name}, &k)
	if !strings.HasPrefix(k.ID, "AKIA") || len(k.ID) != 20 || len(k.Secret) != 40 || k.Status != "Active" {
		t.Fatalf("access key %+v", k)
	}
	return k
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

func TestUserKeysAuthenticateUntilDeactivated(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	c := newIAM(t, env.Server.Endpoint(), rootCreds())
	k := createUserWithKey(t, c, "alice")
	// Authenticated calls are also authorized: allow the two below.
	c.must("PutUserPolicy", map[string]string{"UserName": "alice", "PolicyName": "p", "PolicyDocument": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"kinesis:ListStreams","Resource":"*"},
 {"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::000000000000:user/alice"}]}`}, nil)

	cfg := testenv.AWSConfig(env.Server.Endpoint(), k.ID, k.Secret)
	if _, err := kinesis.NewFromConfig(cfg).ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Fatalf("kinesis with the user's key: %v", err)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:iam::000000000000:user/alice" || !strings.HasPrefix(aws.ToString(who.UserId), "AIDA") || aws.ToString(who.Account) != "000000000000" {
		t.Fatalf("caller identity %+v", who)
	}
	// GetUser without UserName answers for the caller.
	var me struct {
		Name string `xml:"GetUserResult>User>UserName"`
	}
	newIAM(t, env.Server.Endpoint(), aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}).must("GetUser", nil, &me)
	if me.Name != "alice" {
		t.Fatalf("GetUser as alice: %q", me.Name)
	}

	c.must("CreateAccessKey", map[string]string{"UserName": "alice"}, nil)
	c.wantErr("CreateAccessKey", map[string]string{"UserName": "alice"}, 409, "LimitExceeded")

	c.must("UpdateAccessKey", map[string]string{"UserName": "alice", "AccessKeyId": k.ID, "Status": "Inactive"}, nil)
	if _, err := kinesis.NewFromConfig(cfg).ListStreams(ctx, &kinesis.ListStreamsInput{}); apiCode(err) != "UnrecognizedClientException" {
		t.Fatalf("kinesis with an inactive key: %v", err)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Fatalf("sts with an inactive key: %v", err)
	}
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{}); apiCode(err) != "InvalidAccessKeyId" {
		t.Fatalf("s3 with an inactive key: %v", err)
	}

	var used struct {
		User    string `xml:"GetAccessKeyLastUsedResult>UserName"`
		Service string `xml:"GetAccessKeyLastUsedResult>AccessKeyLastUsed>ServiceName"`
	}
	c.must("GetAccessKeyLastUsed", map[string]string{"AccessKeyId": k.ID}, &used)
	if used.User != "alice" || used.Service == "N/A" {
		t.Fatalf("last used %+v", used)
	}

	c.wantErr("DeleteUser", map[string]string{"UserName": "alice"}, 409, "DeleteConflict")
	var keys struct {
		IDs []string `xml:"ListAccessKeysResult>AccessKeyMetadata>member>AccessKeyId"`
	}
	c.must("ListAccessKeys", map[string]string{"UserName": "alice"}, &keys)
	if len(keys.IDs) != 2 {
		t.Fatalf("keys %v", keys.IDs)
	}
	for _, id := range keys.IDs {
		c.must("DeleteAccessKey", map[string]string{"UserName": "alice", "AccessKeyId": id}, nil)
	}
	c.must("DeleteUserPolicy", map[string]string{"UserName": "alice", "PolicyName": "p"}, nil)
	c.must("DeleteUser", map[string]string{"UserName": "alice"}, nil)
	c.wantErr("GetUser", map[string]string{"UserName": "alice"}, 404, "NoSuchEntity")
}

func TestIAMErrors(t *testing.T) {
	env := testenv.Start(t)
	c := newIAM(t, env.Server.Endpoint(), rootCreds())
	c.must("CreateUser", map[string]string{"UserName": "bob"}, nil)
	cases := []struct {
		action  string
		params  map[string]string
		status  int
		code    string
		message string
	}{
		{"CreateUser", map[string]string{"UserName": "BOB"}, 409, "EntityAlreadyExists", "User with name BOB already exists."},
		{"CreateUser", map[string]string{"UserName": "has space"}, 400, "ValidationError",
			`1 validation error detected: Value 'has space' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"CreateUser", map[string]string{"UserName": strings.Repeat("a", 65)}, 400, "ValidationError", ""},
		{"CreateUser", nil, 400, "ValidationError", "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"CreateUser", map[string]string{"UserName": "x", "Path": "nope"}, 400, "ValidationError", ""},
		{"CreateUser", map[string]string{"UserName": "x", "PermissionsBoundary": "arn:aws:iam::aws:policy/NoSuchPolicy"}, 404, "NoSuchEntity",
			"Scope ARN: arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."},
		{"GetAccountPasswordPolicy", nil, 404, "NoSuchEntity", "The Password Policy with domain name 000000000000 cannot be found."},
		{"DeleteAccountPasswordPolicy", nil, 404, "NoSuchEntity", "The Password Policy with domain name 000000000000 cannot be found."},
		{"UpdateAccountPasswordPolicy", map[string]string{"MinimumPasswordLength": "5"}, 400, "ValidationError",
			"1 validation error detected: Value '5' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6"},
		{"ListEntitiesForPolicy", map[string]string{"PolicyArn": "arn:aws:iam::000000000000:policy/none"}, 404, "NoSuchEntity",
			"Policy arn:aws:iam::000000000000:policy/none was not found."},
		{"ListEntitiesForPolicy", map[string]string{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "EntityFilter": "Bucket"}, 400, "ValidationError", ""},
		{"CreateUser", map[string]string{"UserName": "x", "Bogus": "1"}, 400, "InvalidParameter", ""},
		{"GetUser", map[string]string{"UserName": "nobody"}, 404, "NoSuchEntity", "The user with name nobody cannot be found."},
		{"DeleteRole", map[string]string{"RoleName": "nobody"}, 404, "NoSuchEntity", "The role with name nobody cannot be found."},
		{"PutUserPolicy", map[string]string{"UserName": "bob", "PolicyName": "p", "PolicyDocument": "{not json"}, 400, "MalformedPolicyDocument", "Syntax errors in policy."},
		{"PutUserPolicy", map[string]string{"UserName": "bob", "PolicyName": "p", "PolicyDocument": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"` + strings.Repeat("a", 2100) + `"}]}`},
			409, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user bob"},
		{"CreateRole", map[string]string{"RoleName": "r", "AssumeRolePolicyDocument": `{"Statement":[]}`, "MaxSessionDuration": "100"}, 400, "ValidationError",
			"1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"AttachUserPolicy", map[string]string{"UserName": "bob", "PolicyArn": "arn:aws:iam::aws:policy/NoSuchPolicy"}, 404, "NoSuchEntity",
			"Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."},
		{"UpdateAccessKey", map[string]string{"UserName": "bob", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "Status": "Enabled"}, 400, "ValidationError", ""},
		{"ListUsers", map[string]string{"MaxItems": "0"}, 400, "ValidationError", ""},
		{"NoSuchAction", nil, 400, "InvalidAction", ""},
	}
	for _, tc := range cases {
		t.Run(tc.action+"/"+tc.code, func(t *testing.T) {
			err := c.wantErr(tc.action, tc.params, tc.status, tc.code)
			if tc.message != "" && err.Message != tc.message {
				t.Fatalf("message %q, want %q", err.Message, tc.message)
			}
			if err.Type != "Sender" {
				t.Fatalf("type %q", err.Type)
			}
		})
	}
}

func TestListPagination(t *testing.T) {
	env := testenv.Start(t)
	c := newIAM(t, env.Server.Endpoint(), rootCreds())
	for i := range 5 {
		c.must("CreateUser", map[string]string{"UserName": fmt.Sprintf("user%d", i), "Path": "/team/"}, nil)
	}
	c.must("CreateUser", map[string]string{"UserName": "outsider"}, nil)
	var names []string
	var pages []int
	marker := ""
	for {
		params := map[string]string{"MaxItems": "2", "PathPrefix": "/team/"}
		if marker != "" {
			params["Marker"] = marker
		}
		var page struct {
			Names     []string `xml:"ListUsersResult>Users>member>UserName"`
			Truncated bool     `xml:"ListUsersResult>IsTruncated"`
			Marker    string   `xml:"ListUsersResult>Marker"`
		}
		c.must("ListUsers", params, &page)
		names = append(names, page.Names...)
		pages = append(pages, len(page.Names))
		if !page.Truncated {
			if page.Marker != "" {
				t.Fatalf("last page has a marker")
			}
			break
		}
		marker = page.Marker
	}
	if fmt.Sprint(pages) != "[2 2 1]" || fmt.Sprint(names) != "[user0 user1 user2 user3 user4]" {
		t.Fatalf("pages %v names %v", pages, names)
	}
}

type policyVersion struct {
	Document  string `xml:"GetPolicyVersionResult>PolicyVersion>Document"`
	IsDefault bool   `xml:"GetPolicyVersionResult>PolicyVersion>IsDefaultVersion"`
}

func policyDoc(action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
}

func TestManagedPolicyVersionsAndAttachments(t *testing.T) {
	env := testenv.Start(t)
	c := newIAM(t, env.Server.Endpoint(), rootCreds())
	var created struct {
		ARN     string `xml:"CreatePolicyResult>Policy>Arn"`
		ID      string `xml:"CreatePolicyResult>Policy>PolicyId"`
		Default string `xml:"CreatePolicyResult>Policy>DefaultVersionId"`
	}
	c.must("CreatePolicy", map[string]string{"PolicyName": "put-only", "Path": "/app/", "PolicyDocument": policyDoc("kinesis:PutRecord")}, &created)
	if created.ARN != "arn:aws:iam::000000000000:policy/app/put-only" || !strings.HasPrefix(created.ID, "ANPA") || created.Default != "v1" {
		t.Fatalf("created %+v", created)
	}
	arn := created.ARN
	c.wantErr("CreatePolicy", map[string]string{"PolicyName": "PUT-ONLY", "PolicyDocument": policyDoc("s3:*")}, 409, "EntityAlreadyExists")

	for i := 2; i <= 5; i++ {
		c.must("CreatePolicyVersion", map[string]string{"PolicyArn": arn, "PolicyDocument": policyDoc(fmt.Sprintf("s3:Get%d", i)), "SetAsDefault": fmt.Sprint(i == 3)}, nil)
	}
	c.wantErr("CreatePolicyVersion", map[string]string{"PolicyArn": arn, "PolicyDocument": policyDoc("s3:*")}, 409, "LimitExceeded")
	c.wantErr("DeletePolicyVersion", map[string]string{"PolicyArn": arn, "VersionId": "v3"}, 409, "DeleteConflict")

	var v policyVersion
	c.must("GetPolicyVersion", map[string]string{"PolicyArn": arn, "VersionId": "v3"}, &v)
	doc, err := url.QueryUnescape(v.Document)
	if err != nil || doc != policyDoc("s3:Get3") || !v.IsDefault || !strings.Contains(v.Document, "%22") {
		t.Fatalf("version v3: %+v (%q)", v, doc)
	}
	c.must("SetDefaultPolicyVersion", map[string]string{"PolicyArn": arn, "VersionId": "v5"}, nil)
	c.must("DeletePolicyVersion", map[string]string{"PolicyArn": arn, "VersionId": "v3"}, nil)
	var versions struct {
		IDs      []string `xml:"ListPolicyVersionsResult>Versions>member>VersionId"`
		Defaults []bool   `xml:"ListPolicyVersionsResult>Versions>member>IsDefaultVersion"`
	}
	c.must("ListPolicyVersions", map[string]string{"PolicyArn": arn}, &versions)
	if fmt.Sprint(versions.IDs) != "[v5 v4 v2 v1]" || fmt.Sprint(versions.Defaults) != "[true false false false]" {
		t.Fatalf("versions %+v", versions)
	}

	c.must("CreateUser", map[string]string{"UserName": "carol"}, nil)
	c.must("AttachUserPolicy", map[string]string{"UserName": "carol", "PolicyArn": arn}, nil)
	c.must("AttachUserPolicy", map[string]string{"UserName": "carol", "PolicyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}, nil)
	var attached struct {
		Names []string `xml:"ListAttachedUserPoliciesResult>AttachedPolicies>member>PolicyName"`
	}
	c.must("ListAttachedUserPolicies", map[string]string{"UserName": "carol"}, &attached)
	if fmt.Sprint(attached.Names) != "[AmazonS3FullAccess put-only]" {
		t.Fatalf("attached %v", attached.Names)
	}
	var local struct {
		Names []string `xml:"ListPoliciesResult>Policies>member>PolicyName"`
		Count []int    `xml:"ListPoliciesResult>Policies>member>AttachmentCount"`
	}
	c.must("ListPolicies", map[string]string{"Scope": "Local"}, &local)
	if fmt.Sprint(local.Names, local.Count) != "[put-only] [1]" {
		t.Fatalf("local policies %+v", local)
	}
	var awsAttached struct {
		Names []string `xml:"ListPoliciesResult>Policies>member>PolicyName"`
	}
	c.must("ListPolicies", map[string]string{"Scope": "AWS", "OnlyAttached": "true"}, &awsAttached)
	if fmt.Sprint(awsAttached.Names) != "[AmazonS3FullAccess]" {
		t.Fatalf("attached AWS policies %v", awsAttached.Names)
	}

	c.wantErr("DeletePolicy", map[string]string{"PolicyArn": arn}, 409, "DeleteConflict")
	c.wantErr("DeleteUser", map[string]string{"UserName": "carol"}, 409, "DeleteConflict")
	c.must("DetachUserPolicy", map[string]string{"UserName": "carol", "PolicyArn": arn}, nil)
	c.wantErr("DetachUserPolicy", map[string]string{"UserName": "carol", "PolicyArn": arn}, 404, "NoSuchEntity")
	// Versions other than the default must go before the policy.
	c.wantErr("DeletePolicy", map[string]string{"PolicyArn": arn}, 409, "DeleteConflict")
	for _, id := range []string{"v4", "v2", "v1"} {
		c.must("DeletePolicyVersion", map[string]string{"PolicyArn": arn, "VersionId": id}, nil)
	}
	c.must("DeletePolicy", map[string]string{"PolicyArn": arn}, nil)
	c.wantErr("GetPolicy", map[string]string{"PolicyArn": arn}, 404, "NoSuchEntity")
}

func TestInlinePoliciesGroupsAndTags(t *testing.T) {
	env := testenv.Start(t)
	c := newIAM(t, env.Server.Endpoint(), rootCreds())
	c.must("CreateUser", map[string]string{"UserName": "dave", "Tags.member.1.Key": "team", "Tags.member.1.Value": "data"}, nil)
	c.must("CreateGroup", map[string]string{"GroupName": "analysts"}, nil)
	c.must("AddUserToGroup", map[string]string{"GroupName": "analysts", "UserName": "dave"}, nil)
	c.must("PutGroupPolicy", map[string]string{"GroupName": "analysts", "PolicyName": "read", "PolicyDocument": policyDoc("athena:*")}, nil)
	c.must("AttachGroupPolicy", map[string]string{"GroupName": "analysts", "PolicyArn": "arn:aws:iam::aws:policy/AmazonAthenaFullAccess"}, nil)
	c.must("PutUserPolicy", map[string]string{"UserName": "dave", "PolicyName": "put", "PolicyDocument": policyDoc("kinesis:PutRecord")}, nil)

	var got struct {
		User string `xml:"GetUserPolicyResult>UserName"`
		Doc  string `xml:"GetUserPolicyResult>PolicyDocument"`
	}
	c.must("GetUserPolicy", map[string]string{"UserName": "dave", "PolicyName": "put"}, &got)
	if doc, _ := url.QueryUnescape(got.Doc); got.User != "dave" || doc != policyDoc("kinesis:PutRecord") {
		t.Fatalf("GetUserPolicy %+v", got)
	}
	var group struct {
		Name  string   `xml:"GetGroupResult>Group>GroupName"`
		Users []string `xml:"GetGroupResult>Users>member>UserName"`
	}
	c.must("GetGroup", map[string]string{"GroupName": "analysts"}, &group)
	if group.Name != "analysts" || fmt.Sprint(group.Users) != "[dave]" {
		t.Fatalf("GetGroup %+v", group)
	}
	var forUser struct {
		Groups []string `xml:"ListGroupsForUserResult>Groups>member>GroupName"`
	}
	c.must("ListGroupsForUser", map[string]string{"UserName": "dave"}, &forUser)
	if fmt.Sprint(forUser.Groups) != "[analysts]" {
		t.Fatalf("groups for user %v", forUser.Groups)
	}
	c.wantErr("DeleteGroup", map[string]string{"GroupName": "analysts"}, 409, "DeleteConflict")

	c.must("TagUser", map[string]string{"UserName": "dave", "Tags.member.1.Key": "team", "Tags.member.1.Value": "ops", "Tags.member.2.Key": "env", "Tags.member.2.Value": "dev"}, nil)
	c.must("UntagUser", map[string]string{"UserName": "dave", "TagKeys.member.1": "env"}, nil)
	var tags struct {
		Keys   []string `xml:"ListUserTagsResult>Tags>member>Key"`
		Values []string `xml:"ListUserTagsResult>Tags>member>Value"`
	}
	c.must("ListUserTags", map[string]string{"UserName": "dave"}, &tags)
	if fmt.Sprint(tags.Keys, tags.Values) != "[team] [ops]" {
		t.Fatalf("tags %+v", tags)
	}

	// Tear down in IAM's order.
	c.must("DeleteUserPolicy", map[string]string{"UserName": "dave", "PolicyName": "put"}, nil)
	c.must("RemoveUserFromGroup", map[string]string{"GroupName": "analysts", "UserName": "dave"}, nil)
	c.must("DeleteUser", map[string]string{"UserName": "dave"}, nil)
	c.must("DeleteGroupPolicy", map[string]string{"GroupName": "analysts", "PolicyName": "read"}, nil)
	c.must("DetachGroupPolicy", map[string]string{"GroupName": "analysts", "PolicyArn": "arn:aws:iam::aws:policy/AmazonAthenaFullAccess"}, nil)
	c.must("DeleteGroup", map[string]string{"GroupName": "analysts"}, nil)
}

func TestLoginProfile(t *testing.T) {
	env := testenv.Start(t)
	c := newIAM(t, env.Server.Endpoint(), rootCreds())
	c.must("CreateUser", map[string]string{"UserName": "erin"}, nil)
	c.wantErr("CreateLoginProfile", map[string]string{"UserName": "erin", "Password": "short"}, 400, "PasswordPolicyViolation")
	c.must("CreateLoginProfile", map[string]string{"UserName": "erin", "Password": "Correct-Horse-9", "PasswordResetRequired": "true"}, nil)
	c.wantErr("CreateLoginProfile", map[string]string{"UserName": "erin", "Password": "Correct-Horse-9"}, 409, "EntityAlreadyExists")
	if _, err := env.Server.IAM().CheckPassword(context.Background(), "erin", "Correct-Horse-9"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if _, err := env.Server.IAM().CheckPassword(context.Background(), "erin", "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	var lp struct {
		Reset bool `xml:"GetLoginProfileResult>LoginProfile>PasswordResetRequired"`
	}
	c.must("GetLoginProfile", map[string]string{"UserName": "erin"}, &lp)
	if !lp.Reset {
		t.Fatal("PasswordResetRequired lost")
	}
	c.wantErr("DeleteUser", map[string]string{"UserName": "erin"}, 409, "DeleteConflict")
	c.must("DeleteLoginProfile", map[string]string{"UserName": "erin"}, nil)
	c.wantErr("GetLoginProfile", map[string]string{"UserName": "erin"}, 404, "NoSuchEntity")
	c.must("DeleteUser", map[string]string{"UserName": "erin"}, nil)
}
