package awsapi

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// The AWS Query protocol (IAM, STS): parameters form-encoded in a POST body or
// in a GET query string, with Action and Version; responses are XML:
// <ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata>
// <RequestId>..</RequestId></ResponseMetadata></ActionResponse>.

// maxQueryBody bounds a Query-protocol request (policy documents are the
// largest parameters: at most 10 KiB each).
const maxQueryBody = 1 << 20

// QueryOp handles one action of a Query-protocol service. It returns the
// value encoded inside <ActionResult>, or nil for actions without a result.
type QueryOp func(ctx context.Context, call *QueryCall) (any, error)

// QueryService is one Query-protocol service: its API version, XML namespace
// and actions.
type QueryService struct {
	Version string
	XMLNS   string
	Ops     map[string]QueryOp
}

// QueryCall is one decoded Query-protocol request.
type QueryCall struct {
	Action string
	Params url.Values
	Auth   *AuthInfo
}

// HandleQuery registers a Query-protocol service under the service name of
// the SigV4 credential scope ("iam", "sts").
func (rt *Router) HandleQuery(service string, qs *QueryService) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.query == nil {
		rt.query = map[string]*QueryService{}
	}
	rt.query[service] = qs
}

// queryServiceFor returns the Query-protocol service a request is addressed
// to, by its credential scope; nil for JSON and S3 requests.
func (rt *Router) queryServiceFor(r *http.Request) *QueryService {
	if r.Header.Get("X-Amz-Target") != "" {
		return nil
	}
	service := scopeService(r)
	if service == "" {
		if a := AuthFrom(r.Context()); a != nil {
			service = a.Service
		}
	}
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	return rt.query[service]
}

// scopeService reads the service name from the credential scope without
// verifying anything, so that auth failures can be answered in the protocol
// of the service the caller addressed.
func scopeService(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if h := r.Header.Get("Authorization"); h != "" {
		_, rest, _ := strings.Cut(h, "Credential=")
		cred, _, _ = strings.Cut(rest, ",")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

func (rt *Router) serveQuery(w http.ResponseWriter, r *http.Request, qs *QueryService) {
	params, err := queryParams(r)
	if err != nil {
		writeQueryError(w, r, qs, err)
		return
	}
	action := params.Get("Action")
	op := qs.Ops[action]
	switch {
	case action == "":
		err = Errorf(400, "MissingAction", "Missing Action")
	case params.Get("Version") == "":
		err = Errorf(400, "MissingParameter", "The request must contain the parameter Version")
	case op == nil || params.Get("Version") != qs.Version:
		err = Errorf(400, "InvalidAction", "Could not find operation %s for version %s", action, params.Get("Version"))
	}
	if err != nil {
		writeQueryError(w, r, qs, err)
		return
	}
	params.Del("Action")
	params.Del("Version")
	call := &QueryCall{Action: action, Params: params, Auth: AuthFrom(r.Context())}
	result, err := op(r.Context(), call)
	if err != nil {
		if AsError(err).Status >= 500 {
			rt.Logger.Error("request failed", "request_id", RequestIDFrom(r.Context()), "action", action, "err", err)
		}
		writeQueryError(w, r, qs, err)
		return
	}
	body, err := encodeQueryResponse(qs.XMLNS, action, result, RequestIDFrom(r.Context()))
	if err != nil {
		rt.Logger.Error("encode response", "request_id", RequestIDFrom(r.Context()), "action", action, "err", err)
		writeQueryError(w, r, qs, err)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write(body)
}

// queryParams merges the query string and, for a form POST, the body.
// Parameters are taken from the body only when it is form-encoded, as AWS does.
func queryParams(r *http.Request) (url.Values, error) {
	params := r.URL.Query()
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
		"X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"} {
		params.Del(k)
	}
	if r.Method != http.MethodPost {
		return params, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return params, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxQueryBody+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(body) > maxQueryBody {
		return nil, Errorf(413, "RequestEntityTooLarge", "Request body too large")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, Errorf(400, "MalformedQueryString", "The query string is malformed")
	}
	for k, vs := range form {
		params[k] = append(params[k], vs...)
	}
	return params, nil
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// encodeQueryResponse writes <ActionResponse><ActionResult>result</ActionResult>
// <ResponseMetadata/></ActionResponse>.
func encodeQueryResponse(xmlns, action string, result any, requestID string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns}}}
	if err := enc.EncodeToken(start); err != nil {
		return nil, err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return nil, fmt.Errorf("encode %s result: %w", action, err)
		}
	}
	if err := enc.EncodeElement(responseMetadata{RequestID: requestID}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type queryErrorBody struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	XMLNS     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeQueryError writes err as the Query protocol does: <ErrorResponse> with
// Type Sender (client errors) or Receiver (server errors).
func writeQueryError(w http.ResponseWriter, r *http.Request, qs *QueryService, err error) {
	var af *authFailure
	var ae *Error
	if errors.As(err, &af) {
		ae = af.queryError()
	} else {
		ae = AsError(err)
	}
	if ae.Code == "InternalFailure" {
		ae = &Error{Status: 500, Code: "ServiceFailure", Message: "An internal error occurred."}
	}
	body := queryErrorBody{XMLNS: qs.XMLNS, Type: "Sender", Code: ae.Code, Message: ae.Message, RequestID: RequestIDFrom(r.Context())}
	if ae.Status >= 500 {
		body.Type = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(ae.Status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(body)
}

// queryError maps an auth failure to the codes IAM and STS use.
func (f *authFailure) queryError() *Error {
	switch f.kind {
	case authMissing:
		return &Error{Status: 403, Code: "MissingAuthenticationToken", Message: "Request is missing Authentication Token"}
	case authUnknownKey:
		return &Error{Status: 403, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
	case authExpiredToken:
		return &Error{Status: 403, Code: "ExpiredToken", Message: "The security token included in the request is expired"}
	case authMalformed:
		return &Error{Status: 400, Code: "IncompleteSignature", Message: f.message}
	default:
		return &Error{Status: 403, Code: "SignatureDoesNotMatch", Message: f.message}
	}
}
