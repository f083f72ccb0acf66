package awsapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

type decodeTag struct {
	Key   string `query:"Key"`
	Value string `query:"Value"`
}

type decodePaging struct {
	MaxItems *int `query:"MaxItems"`
}

type decodeTarget struct {
	Name     string      `query:"Name,required"`
	Path     *string     `query:"Path"`
	Flag     *bool       `query:"Flag"`
	Keys     []string    `query:"Keys"`
	Tags     []decodeTag `query:"Tags"`
	Boundary *string     `query:"Boundary,unsupported"`
	decodePaging
}

func TestQueryDecode(t *testing.T) {
	three, yes, slash := 3, true, "/a/"
	cases := []struct {
		name, query string
		want        decodeTarget
		code        string
	}{
		{"scalars", "Name=n&Path=%2Fa%2F&Flag=true&MaxItems=3", decodeTarget{Name: "n", Path: &slash, Flag: &yes, decodePaging: decodePaging{&three}}, ""},
		{"lists in index order", "Name=n&Keys.member.2=b&Keys.member.1=a&Keys.member.10=c", decodeTarget{Name: "n", Keys: []string{"a", "b", "c"}}, ""},
		{"empty list", "Name=n&Keys=", decodeTarget{Name: "n", Keys: []string{}}, ""},
		{"struct list", "Name=n&Tags.member.1.Key=k&Tags.member.1.Value=v", decodeTarget{Name: "n", Tags: []decodeTag{{"k", "v"}}}, ""},
		{"missing required", "Path=%2F", decodeTarget{}, "ValidationError"},
		{"unknown parameter", "Name=n&Nope=1", decodeTarget{}, "InvalidParameter"},
		{"unsupported parameter", "Name=n&Boundary=x", decodeTarget{}, "InvalidInput"},
		{"bad number", "Name=n&MaxItems=x", decodeTarget{}, "ValidationError"},
		{"bad list index", "Name=n&Keys.member.x=a", decodeTarget{}, "InvalidParameter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			params, _ := url.ParseQuery(c.query)
			var got decodeTarget
			err := (&QueryCall{Action: "Test", Params: params}).Decode(&got)
			if c.code != "" {
				if err == nil || AsError(err).Code != c.code {
					t.Fatalf("err %v, want %s", err, c.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

const tempKeyID = "ASIATESTTESTTEST0001"

// tempRouter serves one Query action, one JSON operation and S3, accepting
// the example root key and one temporary credential with token "good".
func tempRouter(expires time.Time) *Router {
	sum := sha256.Sum256([]byte("good"))
	creds := StaticCredentials{
		exampleKeyID: {SecretAccessKey: exampleSecret, Identity: Identity{AccessKeyID: exampleKeyID, Root: true}},
		tempKeyID:    {SecretAccessKey: exampleSecret, Identity: Identity{AccessKeyID: tempKeyID}, SessionTokenSHA256: sum[:], Expires: expires},
	}
	rt := NewRouter(&Verifier{Credentials: creds}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ok := func(ctx context.Context, call *QueryCall) (any, error) {
		return &struct {
			Arn string `xml:"Arn"`
		}{"arn"}, nil
	}
	rt.HandleQuery("sts", &QueryService{Version: "2011-06-15", XMLNS: "https://sts.amazonaws.com/doc/2011-06-15/", Ops: map[string]QueryOp{"GetCallerIdentity": ok}})
	rt.HandleJSON("Kinesis_20131202", map[string]JSONOp{"ListStreams": func(ctx context.Context, c *Call) (any, error) { return map[string]any{}, nil }})
	rt.HandleS3(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	return rt
}

func signedFor(t *testing.T, service, keyID, token string) *http.Request {
	t.Helper()
	var r *http.Request
	body := ""
	switch service {
	case "sts":
		body = "Action=GetCallerIdentity&Version=2011-06-15"
		r = httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	case "kinesis":
		body = "{}"
		r = httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	default:
		r = httptest.NewRequest("GET", "http://127.0.0.1:4566/bucket", nil)
	}
	sum := sha256.Sum256([]byte(body))
	if service == "s3" {
		r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: exampleSecret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

// errorCode extracts the error code of any protocol's error body.
func errorCode(t *testing.T, service string, w *httptest.ResponseRecorder) string {
	t.Helper()
	if service == "kinesis" {
		return w.Header().Get("x-amzn-ErrorType")
	}
	var e struct {
		Code  string `xml:"Code"`
		Error struct {
			Code string `xml:"Code"`
		} `xml:"Error"`
	}
	_ = xml.Unmarshal(w.Body.Bytes(), &e)
	return e.Code + e.Error.Code
}

func TestSessionTokensAcrossProtocols(t *testing.T) {
	cases := []struct {
		name, keyID, token string
		expired            bool
		want               map[string]string // service -> error code ("" = success)
	}{
		{"valid token", tempKeyID, "good", false, map[string]string{"sts": "", "kinesis": "", "s3": ""}},
		{"missing token", tempKeyID, "", false, map[string]string{"sts": "InvalidClientTokenId", "kinesis": "UnrecognizedClientException", "s3": "InvalidAccessKeyId"}},
		{"wrong token", tempKeyID, "bad", false, map[string]string{"sts": "InvalidClientTokenId", "kinesis": "UnrecognizedClientException", "s3": "InvalidAccessKeyId"}},
		{"expired", tempKeyID, "good", true, map[string]string{"sts": "ExpiredToken", "kinesis": "ExpiredTokenException", "s3": "ExpiredToken"}},
		{"token with long-term key", exampleKeyID, "good", false, map[string]string{"sts": "InvalidClientTokenId", "kinesis": "UnrecognizedClientException", "s3": "InvalidAccessKeyId"}},
	}
	for _, c := range cases {
		expires := time.Now().Add(time.Hour)
		if c.expired {
			expires = time.Now().Add(-time.Second)
		}
		rt := tempRouter(expires)
		for service, want := range c.want {
			t.Run(c.name+"/"+service, func(t *testing.T) {
				w := httptest.NewRecorder()
				rt.ServeHTTP(w, signedFor(t, service, c.keyID, c.token))
				got := ""
				if w.Code != 200 {
					got = errorCode(t, service, w)
				}
				if got != want {
					t.Fatalf("status %d code %q, want %q: %s", w.Code, got, want, w.Body)
				}
			})
		}
	}
}

func TestQueryProtocolErrors(t *testing.T) {
	rt := tempRouter(time.Now().Add(time.Hour))
	cases := []struct {
		name, body string
		status     int
		code       string
	}{
		{"ok", "Action=GetCallerIdentity&Version=2011-06-15", 200, ""},
		{"unknown action", "Action=Nope&Version=2011-06-15", 400, "InvalidAction"},
		{"wrong version", "Action=GetCallerIdentity&Version=2010-05-08", 400, "InvalidAction"},
		{"missing action", "Version=2011-06-15", 400, "MissingAction"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(c.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			sum := sha256.Sum256([]byte(c.body))
			creds := aws.Credentials{AccessKeyID: exampleKeyID, SecretAccessKey: exampleSecret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, r)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			body := w.Body.String()
			if c.code == "" {
				if !strings.Contains(body, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>`) {
					t.Fatalf("response shape: %s", body)
				}
				return
			}
			if !strings.Contains(body, "<Type>Sender</Type><Code>"+c.code+"</Code>") || !strings.Contains(body, "<RequestId>") {
				t.Fatalf("error body: %s", body)
			}
		})
	}
}
