package awsapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testRouter() *Router {
	rt := NewRouter(exampleVerifier(time.Now()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	rt.HandleJSON("Kinesis_20131202", map[string]JSONOp{
		"ListStreams": func(ctx context.Context, c *Call) (any, error) {
			var in struct{ Limit int }
			if err := c.Decode(&in); err != nil {
				return nil, err
			}
			return map[string]any{"StreamNames": []string{}}, nil
		},
		"Panics": func(ctx context.Context, c *Call) (any, error) { panic("boom") },
	})
	return rt
}

func TestRouterJSONResponsesCarryRequestIDAndAWSErrors(t *testing.T) {
	rt := testRouter()
	cases := []struct {
		name, body, target string
		status             int
		errType            string
	}{
		{"ok", `{"Limit":1}`, "Kinesis_20131202.ListStreams", 200, ""},
		{"unknown field", `{"Limitt":1}`, "Kinesis_20131202.ListStreams", 400, "SerializationException"},
		{"bad json", `{"Limit":`, "Kinesis_20131202.ListStreams", 400, "SerializationException"},
		{"unknown operation", `{}`, "Kinesis_20131202.Nope", 400, "UnknownOperationException"},
		{"panic is contained", `{}`, "Kinesis_20131202.Panics", 500, "InternalFailure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := signedJSONRequest(t, exampleSecret, time.Now().UTC(), c.body, c.target)
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, r)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			if w.Header().Get("x-amzn-RequestId") == "" || w.Header().Get("x-amz-request-id") == "" {
				t.Fatal("request id headers missing")
			}
			if c.errType == "" {
				return
			}
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Type != c.errType {
				t.Fatalf("error body %s, want __type %s", w.Body, c.errType)
			}
		})
	}
}

func TestRouterS3ErrorsAreXML(t *testing.T) {
	rt := testRouter()
	rt.HandleS3(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	r := httptest.NewRequest("GET", "http://127.0.0.1:4566/bucket", nil)
	w := httptest.NewRecorder()
	rt.ServeHTTP(w, r)
	if w.Code != 403 || !strings.Contains(w.Body.String(), "<Code>AccessDenied</Code>") || w.Header().Get("x-amz-request-id") == "" {
		t.Fatalf("unsigned S3 request: %d %s", w.Code, w.Body)
	}
}
