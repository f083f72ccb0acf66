package awsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func exampleVerifier(now time.Time) *Verifier {
	return &Verifier{
		Credentials: StaticCredentials{exampleKeyID: {SecretAccessKey: exampleSecret, Identity: Identity{AccessKeyID: exampleKeyID, Root: true}}},
		Now:         func() time.Time { return now },
	}
}

// The known-answer example from AWS's "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks" page.
func TestVerifyStreamingChunksKnownAnswer(t *testing.T) {
	body := chunkedExampleBody(t, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9")
	r := chunkedExampleRequest(body)
	v := exampleVerifier(time.Date(2013, 5, 24, 0, 1, 0, 0, time.UTC))
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("verify: %v", err)
	}
	got, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) {
		t.Fatalf("decoded body: %d bytes", len(got))
	}

	// A tampered chunk signature fails the read, so nothing is stored.
	bad := chunkedExampleBody(t, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"1055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9")
	r = chunkedExampleRequest(bad)
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("verify headers: %v", err)
	}
	if _, err := io.ReadAll(r.Body); err == nil {
		t.Fatal("tampered chunk signature was accepted")
	}
}

func chunkedExampleBody(t *testing.T, sigs ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	for i, n := range []int{65536, 1024, 0} {
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", n, sigs[i])
		b.Write(bytes.Repeat([]byte("a"), n))
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func chunkedExampleRequest(body []byte) *http.Request {
	r := httptest.NewRequest("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Host = "s3.amazonaws.com"
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("Content-Length", "66824")
	r.Header.Set("X-Amz-Content-Sha256", streamingSigned)
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
	return r
}

func signedJSONRequest(t *testing.T, secret string, at time.Time, body string, target ...string) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	if len(target) > 0 {
		r.Header.Set("X-Amz-Target", target[0])
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sum := sha256.Sum256([]byte(body))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: exampleKeyID, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Del("X-Amz-Content-Sha256") // JSON clients do not send it
	return r
}

func TestVerifyHeaderSigned(t *testing.T) {
	now := time.Now().UTC()
	v := exampleVerifier(now)
	cases := []struct {
		name   string
		req    *http.Request
		code   string
		status int
	}{
		{"ok", signedJSONRequest(t, exampleSecret, now, `{}`), "", 200},
		{"wrong secret", signedJSONRequest(t, "nope", now, `{}`), "InvalidSignatureException", 400},
		{"too old", signedJSONRequest(t, exampleSecret, now.Add(-16*time.Minute), `{}`), "InvalidSignatureException", 400},
		{"too new", signedJSONRequest(t, exampleSecret, now.Add(16*time.Minute), `{}`), "InvalidSignatureException", 400},
		{"no auth", httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader("{}")), "MissingAuthenticationTokenException", 400},
	}
	unknown := signedJSONRequest(t, exampleSecret, now, `{}`)
	unknown.Header.Set("Authorization", strings.Replace(unknown.Header.Get("Authorization"), exampleKeyID, "AKIANOBODY", 1))
	cases = append(cases, struct {
		name   string
		req    *http.Request
		code   string
		status int
	}{"unknown key", unknown, "UnrecognizedClientException", 400})
	tampered := signedJSONRequest(t, exampleSecret, now, `{}`)
	tampered.Body = io.NopCloser(strings.NewReader(`{"Limit":1}`))
	cases = append(cases, struct {
		name   string
		req    *http.Request
		code   string
		status int
	}{"tampered body", tampered, "InvalidSignatureException", 400})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Verify(c.req)
			if c.code == "" {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				return
			}
			var af *authFailure
			if !errors.As(err, &af) {
				t.Fatalf("want auth failure %s, got %v", c.code, err)
			}
			if je := af.jsonError(); je.Code != c.code || je.Status != c.status {
				t.Fatalf("got %s/%d, want %s/%d", je.Code, je.Status, c.code, c.status)
			}
		})
	}
}

func TestVerifyPresigned(t *testing.T) {
	now := time.Now().UTC()
	v := exampleVerifier(now)
	presign := func(at time.Time, expires string) string {
		r := httptest.NewRequest("GET", "http://127.0.0.1:4566/bucket/some%20key~x?X-Amz-Expires="+expires, nil)
		s3Signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		u, _, err := s3Signer.PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: exampleKeyID, SecretAccessKey: exampleSecret},
			r, unsignedPayload, "s3", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	check := func(url string, wantCode string) {
		t.Helper()
		r := httptest.NewRequest("GET", url, nil)
		_, err := v.Verify(r)
		if wantCode == "" {
			if err != nil {
				t.Fatalf("verify %s: %v", url, err)
			}
			return
		}
		var af *authFailure
		if !errors.As(err, &af) || af.xmlError().Code != wantCode {
			t.Fatalf("verify %s: got %v, want %s", url, err, wantCode)
		}
	}
	good := presign(now, "300")
	check(good, "")
	check(strings.Replace(good, "bucket", "bucket2", 1), "SignatureDoesNotMatch")
	check(presign(now.Add(-10*time.Minute), "300"), "AccessDenied")
}
