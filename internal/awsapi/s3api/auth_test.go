package s3api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// signRequest signs req with the test root keys; payloadHash "" means the
// SHA-256 of body.
func signRequest(t *testing.T, req *http.Request, body []byte, payloadHash string) {
	t.Helper()
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, payloadHash, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestWrongCredentials(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	bad := pathClient(testenv.AWSConfig(f.env.Server.Endpoint(), testenv.AccessKeyID, "wrong-secret"))
	_, err := bad.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "wrong secret", err, "SignatureDoesNotMatch", 403)
	_, err = bad.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, "put with wrong secret", err, "SignatureDoesNotMatch", 403)
	unknown := pathClient(testenv.AWSConfig(f.env.Server.Endpoint(), "AKIAUNKNOWN000000000", testenv.SecretAccessKey))
	_, err = unknown.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "unknown key id", err, "InvalidAccessKeyId", 403)
	if files := filesUnder(t, f.bucketDir("bkt")); len(files) != 0 {
		t.Errorf("refused requests left files: %v", files)
	}
}

func TestPresigned(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	ps := s3.NewPresignClient(f.s3)
	put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("pre/signed.txt")})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(put.Method, put.URL, strings.NewReader("via presigned put"))
	for k, vs := range put.SignedHeader {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = vs
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: %d", resp.StatusCode)
	}
	get, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("pre/signed.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp.Body); resp.StatusCode != 200 || body != "via presigned put" {
		t.Errorf("presigned GET: %d %q", resp.StatusCode, body)
	}
	resp.Body.Close()
	// Any change to a signed URL invalidates it.
	for _, tampered := range []string{
		strings.Replace(get.URL, "signed.txt", "signed.txx", 1),
		strings.Replace(get.URL, "X-Amz-Expires=900", "X-Amz-Expires=901", 1),
		get.URL + "&response-content-type=text%2Fhtml",
	} {
		if tampered == get.URL {
			t.Fatalf("tampering did not change %s", get.URL)
		}
		resp, err := http.Get(tampered)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
			t.Errorf("tampered presigned URL %s: %d %s", tampered, resp.StatusCode, body)
		}
	}
}

// TestSDKStreamingTrailer uses the SDK over TLS, where it sends aws-chunked
// bodies with a trailing CRC32 (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
func TestSDKStreamingTrailer(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	var seen []string
	c := f.tlsClient(t)
	data := bytes.Repeat([]byte("streamed "), 100000)
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("streamed"), Body: bytes.NewReader(data)},
		s3.WithAPIOptions(captureHeaders(&seen)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(seen, "\n"), "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
		t.Errorf("the SDK did not stream with a trailer; headers: %v", seen)
	}
	if aws.ToString(out.ETag) != etag(data) || aws.ToString(out.ChecksumCRC32) == "" {
		t.Errorf("PutObject = ETag %s CRC32 %s", aws.ToString(out.ETag), aws.ToString(out.ChecksumCRC32))
	}
	got, gout := f.get(t, "bkt", "streamed")
	if !bytes.Equal(got, data) || aws.ToString(gout.ChecksumCRC32) != aws.ToString(out.ChecksumCRC32) {
		t.Errorf("GetObject = %d bytes, CRC32 %s", len(got), aws.ToString(gout.ChecksumCRC32))
	}
}

// chunkedBody encodes data as aws-chunked with a CRC32 trailer.
func chunkedBody(data []byte, crc string) []byte {
	var b bytes.Buffer
	for len(data) > 0 {
		n := min(len(data), 8192)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, data[:n])
		data = data[n:]
	}
	fmt.Fprintf(&b, "0\r\nx-amz-checksum-crc32:%s\r\n\r\n", crc)
	return b.Bytes()
}

func crc32b64(b []byte) string {
	s := crc32.ChecksumIEEE(b)
	return base64.StdEncoding.EncodeToString([]byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)})
}

func (f *fixture) putChunked(t *testing.T, key string, body []byte, decodedLen int) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("PUT", f.env.Server.Endpoint()+"/bkt/"+key, bytes.NewReader(body))
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(decodedLen))
	req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	signRequest(t, req, nil, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestCorruptChunkedBodyRefused(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	data := bytes.Repeat([]byte("0123456789"), 5000)
	resp := f.putChunked(t, "good", chunkedBody(data, crc32b64(data)), len(data))
	if resp.StatusCode != 200 {
		t.Fatalf("well-formed chunked put: %d %s", resp.StatusCode, readAll(t, resp.Body))
	}
	if got, _ := f.get(t, "bkt", "good"); !bytes.Equal(got, data) {
		t.Errorf("chunked object = %d bytes", len(got))
	}
	f.put(t, "bkt", "existing", []byte("keep me"))

	corrupt := chunkedBody(data, crc32b64(data))
	corrupt[100] ^= 1 // flip a data bit: the trailing CRC no longer matches
	cases := []struct {
		name, key string
		body      []byte
		code      string
	}{
		{"flipped bit", "bad", corrupt, "BadDigest"},
		{"flipped bit over existing", "existing", corrupt, "BadDigest"},
		{"wrong trailer", "bad2", chunkedBody(data, crc32b64([]byte("other"))), "BadDigest"},
		{"truncated", "bad3", chunkedBody(data, crc32b64(data))[:20000], "IncompleteBody"},
		{"bad chunk size", "bad4", []byte("zz\r\nabc\r\n0\r\n\r\n"), "IncompleteBody"},
	}
	for _, c := range cases {
		resp := f.putChunked(t, c.key, c.body, len(data))
		body := readAll(t, resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(body, "<Code>"+c.code+"</Code>") {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, body)
		}
	}
	for _, k := range []string{"bad", "bad2", "bad3", "bad4"} {
		_, err := f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k)})
		wantCode(t, "object from refused put "+k, err, "NotFound", 404)
	}
	if got, _ := f.get(t, "bkt", "existing"); string(got) != "keep me" {
		t.Errorf("refused overwrite changed the object: %q", got)
	}
}

func TestSignedPayloadMismatch(t *testing.T) {
	f := start(t)
	f.mkBucket(t, "bkt")
	req, _ := http.NewRequest("PUT", f.env.Server.Endpoint()+"/bkt/k", strings.NewReader("actual body"))
	signRequest(t, req, []byte("signed body"), "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(body, "XAmzContentSHA256Mismatch") {
		t.Errorf("payload hash mismatch: %d %s", resp.StatusCode, body)
	}
	_, err = f.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	wantCode(t, "object after mismatch", err, "NotFound", 404)
	if files := filesUnder(t, f.bucketDir("bkt")); len(files) != 0 {
		t.Errorf("files after refused put: %v", files)
	}
}

func TestVirtualHostStyle(t *testing.T) {
	f := start(t)
	cfg := f.env.AWSConfig()
	_, port, _ := strings.Cut(f.env.Server.Addr(), ":")
	cfg.BaseEndpoint = aws.String("http://localhost:" + port)
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: hostDialer(f.env.Server.Addr())}}
	var hosts []string
	vc := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, captureHeaders(&hosts))
	})
	if _, err := vc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vhost")}); err != nil {
		t.Fatal(err)
	}
	if _, err := vc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vhost"), Key: aws.String("dir/obj"), Body: strings.NewReader("virtual")}); err != nil {
		t.Fatal(err)
	}
	out, err := vc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vhost"), Key: aws.String("dir/obj")})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(out.Body); string(b) != "virtual" {
		t.Errorf("virtual-host GET = %q", b)
	}
	out.Body.Close()
	if !strings.Contains(strings.Join(hosts, "\n"), "host=vhost.localhost:"+port) {
		t.Errorf("requests did not use the virtual host: %v", hosts)
	}
	// The path-style client sees the same object.
	if got, _ := f.get(t, "vhost", "dir/obj"); string(got) != "virtual" {
		t.Errorf("path-style GET = %q", got)
	}
	// BUCKET.s3.localhost works too.
	req, _ := http.NewRequest("GET", "http://vhost.s3.localhost:"+port+"/dir/obj", nil)
	signRequest(t, req, nil, "")
	resp, err := cfg.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp.Body); resp.StatusCode != 200 || body != "virtual" {
		t.Errorf("vhost.s3.localhost GET: %d %q", resp.StatusCode, body)
	}
	resp.Body.Close()
}
