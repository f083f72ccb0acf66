package s3api_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/testenv"
)

// alicePolicy allows object reads and writes under data/ (wildcard
// resource), denies everything under data/secret/ explicitly, and allows
// listing data only below public/ (an s3:prefix condition). Nothing else
// has a statement.
const alicePolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data/*"},
 {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data/secret/*"},
 {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"public/*"}}}
]}`

const aliceARN = "arn:aws:iam::000000000000:user/alice"

// userConfig creates an IAM user with one inline policy and returns an SDK
// config signing with the user's new access key.
func userConfig(t *testing.T, env *testenv.Env, name, policy string) aws.Config {
	t.Helper()
	svc := env.Server.IAM()
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	if err := svc.PutInlinePolicy(ctx, "user", name, "access", policy); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return testenv.AWSConfig(env.Server.Endpoint(), key.AccessKeyID, key.Secret)
}

// implicitDeny and explicitDeny are the Authorizer's messages for alice.
// s3Resource is how S3's denials show a resource: an ARN quoted, "*" bare.
func s3Resource(resource string) string {
	if resource == "*" {
		return resource
	}
	return `"` + resource + `"`
}

func implicitDeny(action, resource string) string {
	return "User: " + aliceARN + " is not authorized to perform: " + action + " on resource: " + s3Resource(resource) +
		" because no identity-based policy allows the " + action + " action"
}

func explicitDeny(action, resource string) string {
	return "User: " + aliceARN + " is not authorized to perform: " + action + " on resource: " + s3Resource(resource) +
		" with an explicit deny in an identity-based policy"
}

func TestAuthorization(t *testing.T) {
	f := start(t)
	for _, b := range []string{"data", "other"} {
		f.mkBucket(t, b)
	}
	for _, k := range []string{"public/a.txt", "public/gone.txt", "secret/s.txt"} {
		f.put(t, "data", k, []byte("x"))
	}
	f.put(t, "other", "x.txt", []byte("x"))
	alice := pathClient(userConfig(t, f.env, "alice", alicePolicy))
	str := aws.String
	cases := []struct {
		name string
		call func() error
		want string // "" for success, else the AccessDenied message
	}{
		{"get allowed by wildcard", func() error { return get(alice, "data", "public/a.txt") }, ""},
		{"get explicitly denied", func() error { return get(alice, "data", "secret/s.txt") },
			explicitDeny("s3:GetObject", "arn:aws:s3:::data/secret/s.txt")},
		{"get without statement", func() error { return get(alice, "other", "x.txt") },
			implicitDeny("s3:GetObject", "arn:aws:s3:::other/x.txt")},
		{"missing key without ListBucket is 403", func() error { return get(alice, "data", "public/none") },
			implicitDeny("s3:ListBucket", "arn:aws:s3:::data")},
		{"list buckets", func() error { _, err := alice.ListBuckets(ctx, &s3.ListBucketsInput{}); return err },
			implicitDeny("s3:ListAllMyBuckets", "*")},
		{"list with allowed prefix", func() error {
			_, err := alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: str("data"), Prefix: str("public/")})
			return err
		}, ""},
		{"list without prefix", func() error {
			_, err := alice.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: str("data")})
			return err
		}, implicitDeny("s3:ListBucket", "arn:aws:s3:::data")},
		{"list other prefix", func() error {
			_, err := alice.ListObjects(ctx, &s3.ListObjectsInput{Bucket: str("data"), Prefix: str("secret/")})
			return err
		}, implicitDeny("s3:ListBucket", "arn:aws:s3:::data")},
		{"create bucket", func() error {
			_, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: str("mine")})
			return err
		},
			implicitDeny("s3:CreateBucket", "arn:aws:s3:::mine")},
		{"delete bucket", func() error {
			_, err := alice.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: str("other")})
			return err
		},
			implicitDeny("s3:DeleteBucket", "arn:aws:s3:::other")},
		{"bucket location", func() error {
			_, err := alice.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: str("data")})
			return err
		}, implicitDeny("s3:GetBucketLocation", "arn:aws:s3:::data")},
		{"put allowed", func() error { return put(alice, "data", "public/new.txt") }, ""},
		{"put explicitly denied", func() error { return put(alice, "data", "secret/new.txt") },
			explicitDeny("s3:PutObject", "arn:aws:s3:::data/secret/new.txt")},
		{"copy allowed", func() error { return copyObject(alice, "data/public/a.txt", "data", "public/b.txt") }, ""},
		{"copy from denied source", func() error { return copyObject(alice, "data/secret/s.txt", "data", "public/c.txt") },
			explicitDeny("s3:GetObject", "arn:aws:s3:::data/secret/s.txt")},
		{"copy to denied target", func() error { return copyObject(alice, "data/public/a.txt", "other", "c.txt") },
			implicitDeny("s3:PutObject", "arn:aws:s3:::other/c.txt")},
		{"delete object denied", func() error {
			_, err := alice.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: str("data"), Key: str("secret/s.txt")})
			return err
		}, explicitDeny("s3:DeleteObject", "arn:aws:s3:::data/secret/s.txt")},
		{"multipart allowed", func() error { return multipart(alice, "data", "public/mp.bin") }, ""},
		{"multipart denied", func() error { return multipart(alice, "other", "mp.bin") },
			implicitDeny("s3:PutObject", "arn:aws:s3:::other/mp.bin")},
		{"list parts", func() error {
			_, err := alice.ListParts(ctx, &s3.ListPartsInput{Bucket: str("data"), Key: str("public/mp.bin"), UploadId: str("u1")})
			return err
		}, implicitDeny("s3:ListMultipartUploadParts", "arn:aws:s3:::data/public/mp.bin")},
		{"list uploads", func() error {
			_, err := alice.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: str("data")})
			return err
		}, implicitDeny("s3:ListBucketMultipartUploads", "arn:aws:s3:::data")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantDenied(t, c.call(), c.want) })
	}
	// HEAD responses have no body: the SDK sees only the status.
	_, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: str("data"), Key: str("secret/s.txt")})
	wantCode(t, "head denied", err, "Forbidden", http.StatusForbidden)
	if _, err := alice.HeadObject(ctx, &s3.HeadObjectInput{Bucket: str("data"), Key: str("public/a.txt")}); err != nil {
		t.Errorf("head allowed: %v", err)
	}
}

// wantDenied asserts err is nil (want "") or S3's 403 AccessDenied with
// exactly the message want.
func wantDenied(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("got %v, want success", err)
		}
		return
	}
	wantCode(t, "denied", err, "AccessDenied", http.StatusForbidden)
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != want {
		t.Errorf("message:\n got %s\nwant %s", ae.ErrorMessage(), want)
	}
}

func get(c *s3.Client, bucket, key string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		_, err = io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
	return err
}

func put(c *s3.Client, bucket, key string) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

func copyObject(c *s3.Client, source, bucket, key string) error {
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{CopySource: aws.String(source), Bucket: aws.String(bucket), Key: aws.String(key)})
	return err
}

// multipart uploads one part and completes the upload: every step is
// s3:PutObject.
func multipart(c *s3.Client, bucket, key string) error {
	b, k := aws.String(bucket), aws.String(key)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k})
	if err != nil {
		return err
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	if err != nil {
		return err
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	return err
}

// TestAuthorizationDeleteObjects checks DeleteObjects key by key: denied
// keys are reported in the result and stay; the others are deleted.
func TestAuthorizationDeleteObjects(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "data")
	f.put(t, "data", "public/a.txt", []byte("x"))
	f.put(t, "data", "secret/s.txt", []byte("x"))
	alice := pathClient(userConfig(t, f.env, "alice", alicePolicy))
	out, err := alice.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("public/a.txt")}, {Key: aws.String("secret/s.txt")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "public/a.txt" {
		t.Errorf("deleted %+v, want public/a.txt", out.Deleted)
	}
	want := explicitDeny("s3:DeleteObject", "arn:aws:s3:::data/secret/s.txt")
	if len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "AccessDenied" || aws.ToString(out.Errors[0].Message) != want {
		t.Errorf("errors %+v, want AccessDenied for secret/s.txt", out.Errors)
	}
	f.get(t, "data", "secret/s.txt") // still there
}

// TestAuthorizationPresigned checks that a presigned URL acts as its signer.
func TestAuthorizationPresigned(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "data")
	f.put(t, "data", "public/a.txt", []byte("x"))
	f.put(t, "data", "secret/s.txt", []byte("x"))
	ps := s3.NewPresignClient(pathClient(userConfig(t, f.env, "alice", alicePolicy)))
	for key, status := range map[string]int{"public/a.txt": http.StatusOK, "secret/s.txt": http.StatusForbidden} {
		req, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(req.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Errorf("presigned GET %s: %d %s, want %d", key, resp.StatusCode, body, status)
		}
		if status == http.StatusForbidden && !strings.Contains(string(body), "<Code>AccessDenied</Code>") {
			t.Errorf("presigned GET %s: body %s", key, body)
		}
	}
}
