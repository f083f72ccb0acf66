package s3api_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// captureHeaders records the host and payload hash of each signed request.
func captureHeaders(out *[]string) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("captureHeaders",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					*out = append(*out, "host="+req.URL.Host, "sha="+req.Header.Get("X-Amz-Content-Sha256"))
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

func TestPutGetHead(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	data := []byte(`{"store_id":"STORE_3","product_name":"Sữa tươi"}`)
	out, err := f.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("store-data/rec.json"), Body: bytes.NewReader(data),
		ContentType: aws.String("application/json"), Metadata: map[string]string{"Origin": "test", "batch": "7"},
		CacheControl: aws.String("max-age=60"), ContentDisposition: aws.String("attachment"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ETag) != etag(data) {
		t.Errorf("ETag = %s, want %s", aws.ToString(out.ETag), etag(data))
	}
	got, gout := f.get(t, "bkt", "store-data/rec.json")
	if !bytes.Equal(got, data) || aws.ToString(gout.ETag) != etag(data) || aws.ToString(gout.ContentType) != "application/json" ||
		gout.Metadata["origin"] != "test" || gout.Metadata["batch"] != "7" || aws.ToString(gout.CacheControl) != "max-age=60" ||
		aws.ToString(gout.ContentDisposition) != "attachment" || aws.ToInt64(gout.ContentLength) != int64(len(data)) {
		t.Errorf("GetObject = %q %+v", got, gout)
	}
	if gout.LastModified == nil || time.Since(*gout.LastModified) > time.Minute {
		t.Errorf("LastModified = %v", gout.LastModified)
	}
	// The object is a plain file at its natural path.
	if b, err := os.ReadFile(filepath.Join(f.bucketDir("bkt"), "store-data", "rec.json")); err != nil || !bytes.Equal(b, data) {
		t.Errorf("file on disk: %q, %v", b, err)
	}
	hout, err := f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("store-data/rec.json")})
	if err != nil || aws.ToString(hout.ETag) != etag(data) || aws.ToInt64(hout.ContentLength) != int64(len(data)) || hout.Metadata["origin"] != "test" {
		t.Errorf("HeadObject = %+v, %v", hout, err)
	}
	// Response header overrides.
	ov, err := f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("store-data/rec.json"),
		ResponseContentType: aws.String("text/plain"), ResponseContentDisposition: aws.String("inline")})
	if err != nil || aws.ToString(ov.ContentType) != "text/plain" || aws.ToString(ov.ContentDisposition) != "inline" {
		t.Errorf("overrides = %+v, %v", ov, err)
	}
	ov.Body.Close()
	// Default content type.
	if resp := f.raw(t, "PUT", "/bkt/untyped", []byte("x"), nil); resp.StatusCode != 200 {
		t.Fatalf("raw put: %d", resp.StatusCode)
	}
	if _, o := f.get(t, "bkt", "untyped"); aws.ToString(o.ContentType) != "binary/octet-stream" {
		t.Errorf("default content type = %s", aws.ToString(o.ContentType))
	}
	// Empty object.
	if o := f.put(t, "bkt", "empty", nil); aws.ToString(o.ETag) != `"d41d8cd98f00b204e9800998ecf8427e"` {
		t.Errorf("empty ETag = %s", aws.ToString(o.ETag))
	}
}

func TestMissing(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	_, err := f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nope")})
	wantCode(t, "GetObject missing key", err, "NoSuchKey", 404)
	_, err = f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("nope")})
	wantCode(t, "GetObject missing bucket", err, "NoSuchBucket", 404)
	_, err = f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nope")})
	wantCode(t, "HeadObject missing key", err, "NotFound", 404)
	_, err = f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, "PutObject missing bucket", err, "NoSuchBucket", 404)
	_, err = f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("nobucket")})
	wantCode(t, "ListObjectsV2 missing bucket", err, "NoSuchBucket", 404)
	_, err = f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
	wantCode(t, "PutObject long key", err, "KeyTooLongError", 400)
	if _, err := f.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bkt"), Key: aws.String("nope")}); err != nil {
		t.Errorf("DeleteObject missing key: %v", err)
	}
}

func TestTraversalKeysStayInBucket(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	f.mkBucket(t, "victim")
	f.put(t, "victim", "x", []byte("original"))
	keys := []string{"../x", "../victim/x", "a/../../x", "a/../../../../../../tmp/x", "/abs", "//double", "./dot",
		"..", ".", "%2e%2e/x", "..%2F..%2Fx", `..\..\x`, "folder/"}
	for _, k := range keys {
		if _, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: strings.NewReader("key " + k)}); err != nil {
			// ".." vs "../x" cannot coexist in the file lake (KeyConflict).
			wantCode(t, "PutObject "+k, err, "KeyConflict", 409)
			continue
		}
		if got, _ := f.get(t, "bkt", k); string(got) != "key "+k {
			t.Errorf("key %q read back %q", k, got)
		}
	}
	if got, _ := f.get(t, "victim", "x"); string(got) != "original" {
		t.Errorf("another bucket's object changed: %q", got)
	}
	// Nothing outside the bucket directory was created.
	lake := filepath.Join(f.env.DataDir, "lake")
	for _, p := range filesUnder(t, f.env.DataDir) {
		full := filepath.Join(f.env.DataDir, p)
		if strings.HasPrefix(full, f.bucketDir("bkt")+"/") || strings.HasPrefix(full, filepath.Join(lake, "buckets", "victim")+"/") ||
			!strings.HasPrefix(full, lake+"/") {
			continue
		}
		t.Errorf("file outside the bucket: %s", p)
	}
	if _, err := os.Stat(filepath.Join(os.TempDir(), "x")); err == nil {
		if b, _ := os.ReadFile(filepath.Join(os.TempDir(), "x")); strings.HasPrefix(string(b), "key ") {
			t.Errorf("a key escaped to %s", filepath.Join(os.TempDir(), "x"))
		}
	}
	out, err := f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, o := range out.Contents {
		listed[*o.Key] = true
	}
	for _, k := range []string{"../x", "a/../../x", "/abs", "folder/", `..\..\x`} {
		if !listed[k] {
			t.Errorf("key %q not listed (listed %v)", k, listed)
		}
	}
}

func TestRangeGets(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	f.put(t, "bkt", "digits", []byte("0123456789"))
	cases := []struct{ rng, body, cr string }{
		{"bytes=0-3", "0123", "bytes 0-3/10"},
		{"bytes=5-", "56789", "bytes 5-9/10"},
		{"bytes=-3", "789", "bytes 7-9/10"},
		{"bytes=8-100", "89", "bytes 8-9/10"},
		{"bytes=-100", "0123456789", "bytes 0-9/10"},
	}
	for _, c := range cases {
		out, err := f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("digits"), Range: aws.String(c.rng)})
		if err != nil {
			t.Errorf("%s: %v", c.rng, err)
			continue
		}
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(b) != c.body || aws.ToString(out.ContentRange) != c.cr || aws.ToInt64(out.ContentLength) != int64(len(c.body)) {
			t.Errorf("%s: %q %s %d", c.rng, b, aws.ToString(out.ContentRange), aws.ToInt64(out.ContentLength))
		}
	}
	resp := f.raw(t, "GET", "/bkt/digits", nil, map[string]string{"Range": "bytes=2-4"})
	if resp.StatusCode != 206 || readAll(t, resp.Body) != "234" {
		t.Errorf("raw range: %d", resp.StatusCode)
	}
	_, err := f.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("digits"), Range: aws.String("bytes=10-")})
	wantCode(t, "range past the end", err, "InvalidRange", 416)
	// A malformed range is ignored, as HTTP says.
	resp = f.raw(t, "GET", "/bkt/digits", nil, map[string]string{"Range": "bytes=x-y"})
	if resp.StatusCode != 200 || readAll(t, resp.Body) != "0123456789" {
		t.Errorf("malformed range: %d", resp.StatusCode)
	}
}

func TestConditionalGets(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	tag := aws.ToString(f.put(t, "bkt", "k", []byte("v1")).ETag)
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	in := func(mod func(*s3.GetObjectInput)) *s3.GetObjectInput {
		i := &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")}
		mod(i)
		return i
	}
	ok := []*s3.GetObjectInput{
		in(func(i *s3.GetObjectInput) { i.IfMatch = aws.String(tag) }),
		in(func(i *s3.GetObjectInput) { i.IfMatch = aws.String("*") }),
		in(func(i *s3.GetObjectInput) { i.IfNoneMatch = aws.String(`"other"`) }),
		in(func(i *s3.GetObjectInput) { i.IfModifiedSince = &past }),
		in(func(i *s3.GetObjectInput) { i.IfUnmodifiedSince = &future }),
	}
	for i, input := range ok {
		out, err := f.s3.GetObject(ctx, input)
		if err != nil {
			t.Errorf("condition %d: %v", i, err)
			continue
		}
		out.Body.Close()
	}
	notModified := []*s3.GetObjectInput{
		in(func(i *s3.GetObjectInput) { i.IfNoneMatch = aws.String(tag) }),
		in(func(i *s3.GetObjectInput) { i.IfModifiedSince = &future }),
	}
	for _, input := range notModified {
		_, err := f.s3.GetObject(ctx, input)
		wantCode(t, "not modified", err, "NotModified", 304)
	}
	failed := []*s3.GetObjectInput{
		in(func(i *s3.GetObjectInput) { i.IfMatch = aws.String(`"other"`) }),
		in(func(i *s3.GetObjectInput) { i.IfUnmodifiedSince = &past }),
	}
	for _, input := range failed {
		_, err := f.s3.GetObject(ctx, input)
		wantCode(t, "precondition", err, "PreconditionFailed", 412)
	}
	_, err := f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), IfNoneMatch: aws.String(tag)})
	wantCode(t, "HEAD not modified", err, "NotModified", 304)
}

func TestContentMD5(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	body := []byte("checked")
	sum := md5.Sum(body)
	if _, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("ok"), Body: bytes.NewReader(body),
		ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))}); err != nil {
		t.Errorf("correct Content-MD5: %v", err)
	}
	wrong := md5.Sum([]byte("other"))
	_, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("bad"), Body: bytes.NewReader(body),
		ContentMD5: aws.String(base64.StdEncoding.EncodeToString(wrong[:]))})
	wantCode(t, "wrong Content-MD5", err, "BadDigest", 400)
	_, err = f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("bad")})
	wantCode(t, "object after BadDigest", err, "NotFound", 404)
	// A wrong flexible checksum header is refused too.
	_, err = f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("bad"), Body: bytes.NewReader(body),
		ChecksumCRC32: aws.String("AAAAAA==")})
	wantCode(t, "wrong CRC32", err, "BadDigest", 400)
	_, err = f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("bad")})
	wantCode(t, "object after wrong CRC32", err, "NotFound", 404)
}

func TestCopyObject(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "src")
	f.mkBucket(t, "dst")
	data := []byte("copy me")
	if _, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b+c%.txt"), Body: bytes.NewReader(data),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"m": "1"}}); err != nil {
		t.Fatal(err)
	}
	src := "src/" + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll("dir/a b+c%.txt", "%", "%25"), " ", "%20"), "+", "%2B")
	out, err := f.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copied"), CopySource: aws.String(src)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CopyObjectResult.ETag) != etag(data) || out.CopyObjectResult.LastModified == nil {
		t.Errorf("CopyObjectResult = %+v", out.CopyObjectResult)
	}
	got, gout := f.get(t, "dst", "copied")
	if string(got) != "copy me" || aws.ToString(gout.ContentType) != "text/plain" || gout.Metadata["m"] != "1" {
		t.Errorf("copy = %q %+v", got, gout)
	}
	_, err = f.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("replaced"), CopySource: aws.String(src),
		MetadataDirective: s3types.MetadataDirectiveReplace, ContentType: aws.String("text/csv"), Metadata: map[string]string{"n": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, gout := f.get(t, "dst", "replaced"); aws.ToString(gout.ContentType) != "text/csv" || gout.Metadata["n"] != "2" || gout.Metadata["m"] != "" {
		t.Errorf("replaced metadata = %+v", gout.Metadata)
	}
	_, err = f.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copied"), CopySource: aws.String("dst/copied")})
	wantCode(t, "copy onto itself without changes", err, "InvalidRequest", 400)
	if _, err := f.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("copied"), CopySource: aws.String("dst/copied"),
		MetadataDirective: s3types.MetadataDirectiveReplace, ContentType: aws.String("text/x")}); err != nil {
		t.Errorf("copy onto itself replacing metadata: %v", err)
	}
	_, err = f.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("x"), CopySource: aws.String("src/missing")})
	wantCode(t, "copy missing source", err, "NoSuchKey", 404)
	_, err = f.s3.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("dst"), Key: aws.String("x"), CopySource: aws.String(src),
		CopySourceIfMatch: aws.String(`"nope"`)})
	wantCode(t, "copy precondition", err, "PreconditionFailed", 412)
}

func TestDeleteObjects(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	for _, k := range []string{"a", "b/c", "d"} {
		f.put(t, "bkt", k, []byte(k))
	}
	out, err := f.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("b/c")}, {Key: aws.String("never")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 3 || len(out.Errors) != 0 {
		t.Errorf("DeleteObjects = deleted %d errors %+v", len(out.Deleted), out.Errors)
	}
	out, err = f.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &s3types.Delete{
		Quiet: aws.Bool(true), Objects: []s3types.ObjectIdentifier{{Key: aws.String("d")}, {Key: aws.String(strings.Repeat("k", 1025))}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 0 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "KeyTooLongError" {
		t.Errorf("quiet DeleteObjects = deleted %d errors %+v", len(out.Deleted), out.Errors)
	}
	lst, _ := f.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	if len(lst.Contents) != 0 {
		t.Errorf("objects left: %d", len(lst.Contents))
	}
	resp := f.raw(t, "POST", "/bkt?delete", []byte("<Delete><Object>"), nil)
	if body := readAll(t, resp.Body); resp.StatusCode != 400 || !strings.Contains(body, "MalformedXML") {
		t.Errorf("malformed DeleteObjects: %d %s", resp.StatusCode, body)
	}
	_, err = f.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("nobucket"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("a")}}}})
	wantCode(t, "DeleteObjects missing bucket", err, "NoSuchBucket", 404)
	if resp := f.raw(t, "DELETE", "/bkt/x", nil, nil); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DeleteObject status %d", resp.StatusCode)
	}
}
