package s3api_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/testenv"
)

var ctx = context.Background()

type fixture struct {
	env *testenv.Env
	s3  *s3.Client
}

func start(t *testing.T) *fixture {
	t.Helper()
	env := testenv.Start(t)
	return &fixture{env: env, s3: pathClient(env.AWSConfig())}
}

// pathClient is a path-style client with the checksum behaviour that
// config.LoadDefaultConfig gives real programs (a bare aws.Config leaves it
// unset, which sends no checksums).
func pathClient(cfg aws.Config, opts ...func(*s3.Options)) *s3.Client {
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
	cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, opts...)...)
}

// tlsClient returns a client that reaches the server through an HTTPS
// reverse proxy: over TLS the SDK streams bodies as aws-chunked with a
// trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as it does
// against AWS. The proxy keeps the Host header, so signatures still match.
func (f *fixture) tlsClient(t *testing.T) *s3.Client {
	t.Helper()
	target, _ := url.Parse(f.env.Server.Endpoint())
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(proxy.Close)
	cfg := f.env.AWSConfig()
	cfg.BaseEndpoint = aws.String(proxy.URL)
	cfg.HTTPClient = proxy.Client()
	return pathClient(cfg)
}

// bucketDir is where the file lake keeps a bucket's objects.
func (f *fixture) bucketDir(bucket string) string {
	return filepath.Join(f.env.DataDir, "lake", "buckets", bucket)
}

func (f *fixture) mkBucket(t *testing.T, name string) {
	t.Helper()
	if _, err := f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func (f *fixture) put(t *testing.T, bucket, key string, body []byte) *s3.PutObjectOutput {
	t.Helper()
	out, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

func (f *fixture) get(t *testing.T, bucket, key string) ([]byte, *s3.GetObjectOutput) {
	t.Helper()
	out, err := f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, out
}

func etag(b []byte) string {
	s := md5.Sum(b)
	return `"` + hex.EncodeToString(s[:]) + `"`
}

// wantCode asserts an S3 error code (and HTTP status when status != 0).
func wantCode(t *testing.T, what string, err error, code string, status int) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: got %v, want %s", what, err, code)
		return
	}
	if ae.ErrorCode() != code {
		t.Errorf("%s: got code %s (%v), want %s", what, ae.ErrorCode(), err, code)
	}
	var re interface{ HTTPStatusCode() int }
	if status != 0 && errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Errorf("%s: got status %d, want %d", what, re.HTTPStatusCode(), status)
	}
}

// raw sends a signed request built by hand (for what the SDK will not send).
func (f *fixture) raw(t *testing.T, method, path string, body []byte, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.env.Server.Endpoint()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	signRequest(t, req, body, "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// filesUnder lists regular files below dir (relative paths).
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// hostDialer connects every host name to the server, so virtual-host style
// names (BUCKET.localhost) resolve without DNS.
func hostDialer(addr string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

func TestBuckets(t *testing.T) {
	f := start(t)
	for _, b := range []string{"zeta", "alpha", "mid.dle-1"} {
		f.mkBucket(t, b)
	}
	_, err := f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alpha")})
	wantCode(t, "CreateBucket existing", err, "BucketAlreadyOwnedByYou", 409)
	for _, bad := range []string{"UPPER", "ab", "-dash", "a..b", "192.168.0.1", "xn--x", "x-s3alias", "under_score"} {
		_, err := f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bad)})
		wantCode(t, "CreateBucket "+bad, err, "InvalidBucketName", 400)
	}
	_, err = f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("located"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	if err != nil {
		t.Errorf("CreateBucket with the server's region: %v", err)
	}
	_, err = f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	wantCode(t, "CreateBucket in another region", err, "IllegalLocationConstraintException", 400)

	out, err := f.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, *b.Name)
		if b.CreationDate == nil || b.CreationDate.IsZero() {
			t.Errorf("bucket %s without creation date", *b.Name)
		}
	}
	if got := strings.Join(names, ","); got != "alpha,located,mid.dle-1,zeta" {
		t.Errorf("ListBuckets = %s", got)
	}
	if out.Owner == nil || len(aws.ToString(out.Owner.ID)) != 64 {
		t.Errorf("owner = %+v", out.Owner)
	}
	page, err := f.s3.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2), Prefix: aws.String("")})
	if err != nil || len(page.Buckets) != 2 || page.ContinuationToken == nil {
		t.Fatalf("ListBuckets page = %+v, %v", page, err)
	}
	page, err = f.s3.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2), ContinuationToken: page.ContinuationToken})
	if err != nil || len(page.Buckets) != 2 || *page.Buckets[0].Name != "mid.dle-1" || page.ContinuationToken != nil {
		t.Errorf("ListBuckets second page = %+v, %v", page, err)
	}

	if _, err := f.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Errorf("HeadBucket: %v", err)
	}
	_, err = f.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("missing")})
	wantCode(t, "HeadBucket missing", err, "NotFound", 404)
	loc, err := f.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("alpha")})
	if err != nil || loc.LocationConstraint != "" {
		t.Errorf("GetBucketLocation = %+v, %v (us-east-1 is empty)", loc, err)
	}
	_, err = f.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("missing")})
	wantCode(t, "GetBucketLocation missing", err, "NoSuchBucket", 404)

	f.put(t, "alpha", "x", []byte("x"))
	_, err = f.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("alpha")})
	wantCode(t, "DeleteBucket non-empty", err, "BucketNotEmpty", 409)
	_, err = f.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("missing")})
	wantCode(t, "DeleteBucket missing", err, "NoSuchBucket", 404)
	if _, err := f.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("zeta")}); err != nil {
		t.Errorf("DeleteBucket: %v", err)
	}
	_, err = f.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("zeta")})
	wantCode(t, "HeadBucket deleted", err, "NotFound", 404)
}

func TestNotImplemented(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	f.put(t, "bkt", "k", []byte("x"))
	cases := []struct{ method, path string }{
		{"GET", "/bkt?versioning"}, {"PUT", "/bkt?versioning"}, {"PUT", "/bkt?policy"}, {"GET", "/bkt?acl"},
		{"PUT", "/bkt/k?tagging"}, {"GET", "/bkt/k?tagging"}, {"PUT", "/bkt/k?acl"}, {"DELETE", "/bkt?cors"},
		{"POST", "/bkt/k?restore"}, {"GET", "/bkt/k?versionId=abc"}, {"GET", "/bkt?versions"}, {"PUT", "/bkt?lifecycle"},
	}
	for _, c := range cases {
		resp := f.raw(t, c.method, c.path, nil, nil)
		body := readAll(t, resp.Body)
		if resp.StatusCode != 501 || !strings.Contains(body, "<Code>NotImplemented</Code>") {
			t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
		}
	}
	resp := f.raw(t, "PUT", "/bkt/tagged", []byte("x"), map[string]string{"X-Amz-Tagging": "a=b"})
	if resp.StatusCode != 501 {
		t.Errorf("PUT with tagging: %d", resp.StatusCode)
	}
	resp = f.raw(t, "POST", "/", nil, nil)
	if body := readAll(t, resp.Body); resp.StatusCode != 405 || !strings.Contains(body, "MethodNotAllowed") {
		t.Errorf("POST /: %d %s", resp.StatusCode, body)
	}
}
