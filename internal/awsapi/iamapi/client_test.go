package iamapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/shoal-dev/shoal/internal/sdkhttp"
)

// queryClient sends IAM Query-protocol requests signed like the AWS SDKs
// sign them (form-encoded POST, SigV4 for service "iam"), for checks of the
// raw wire format; sdk_test.go uses the aws-sdk-go-v2 IAM client.
type queryClient struct {
	t        testing.TB
	endpoint string
	creds    aws.Credentials
	service  string
	version  string
	http     *http.Client
}

func newIAM(t testing.TB, endpoint string, creds aws.Credentials) *queryClient {
	return &queryClient{t: t, endpoint: endpoint, creds: creds, service: "iam", version: "2010-05-08", http: sdkhttp.Client()}
}

// queryError is an <ErrorResponse> and its HTTP status.
type queryError struct {
	Status  int
	Type    string `xml:"Error>Type"`
	Code    string `xml:"Error>Code"`
	Message string `xml:"Error>Message"`
}

func (e *queryError) Error() string { return e.Code + ": " + e.Message }

// call runs action with params and decodes the response into out (which
// may be nil). It returns the service's error, if any.
func (c *queryClient) call(action string, params map[string]string, out any) *queryError {
	c.t.Helper()
	form := url.Values{"Action": {action}, "Version": {c.version}}
	for k, v := range params {
		form.Set(k, v)
	}
	body := form.Encode()
	req, err := http.NewRequest("POST", c.endpoint+"/", strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), c.creds, req, hex.EncodeToString(sum[:]), c.service, "us-east-1", time.Now()); err != nil {
		c.t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		qe := &queryError{Status: resp.StatusCode}
		if err := xml.Unmarshal(data, qe); err != nil {
			c.t.Fatalf("%s: status %d, unreadable error body %q", action, resp.StatusCode, data)
		}
		return qe
	}
	if out != nil {
		if err := xml.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s: decode %q: %v", action, data, err)
		}
	}
	return nil
}

// must runs call and fails the test on an error.
func (c *queryClient) must(action string, params map[string]string, out any) {
	c.t.Helper()
	if err := c.call(action, params, out); err != nil {
		c.t.Fatalf("%s: %v", action, err)
	}
}

// wantErr runs call and checks the error's status and code.
func (c *queryClient) wantErr(action string, params map[string]string, status int, code string) *queryError {
	c.t.Helper()
	err := c.call(action, params, nil)
	if err == nil || err.Status != status || err.Code != code {
		c.t.Fatalf("%s: got %+v, want %d %s", action, err, status, code)
	}
	return err
}
