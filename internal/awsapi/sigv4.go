package awsapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SigV4 constants as the AWS signers write them.
const (
	sigAlgorithm          = "AWS4-HMAC-SHA256"
	timeFormat            = "20060102T150405Z"
	dateFormat            = "20060102"
	unsignedPayload       = "UNSIGNED-PAYLOAD"
	streamingSigned       = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrail  = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrl  = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	maxClockSkew          = 15 * time.Minute
	maxPresignExpiry      = 7 * 24 * time.Hour
	emptySHA256           = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	maxBufferedSignedBody = 32 << 20
)

// Identity is who signed a request.
type Identity struct {
	AccessKeyID string
	// ARN of the principal, e.g. arn:aws:iam::000000000000:root.
	ARN  string
	Root bool

	// What authorization needs to know about the principal.
	// PrincipalType is "root", "user" or "assumed-role".
	PrincipalType string
	AccountID     string
	// UserID is what GetCallerIdentity returns as UserId: the account id
	// (root), the user's AIDA id, or "<AROA role id>:<session name>".
	UserID string
	// Name is the user's or the role's name; Path is its IAM path.
	Name string
	Path string
	// RoleARN and SessionName are set for assumed roles.
	RoleARN     string
	SessionName string
}

// Credential is a secret and the identity it belongs to.
type Credential struct {
	SecretAccessKey string
	Identity        Identity
	// Temporary (STS) credentials: requests must carry the session token
	// (X-Amz-Security-Token) whose SHA-256 this is, before Expires.
	SessionTokenSHA256 []byte
	Expires            time.Time
}

// CredentialSource resolves access key ids; the IAM component implements it later,
// a static root key does now.
type CredentialSource interface {
	LookupAccessKey(ctx context.Context, accessKeyID string) (Credential, bool, error)
}

// StaticCredentials is a CredentialSource with fixed keys.
type StaticCredentials map[string]Credential

func (s StaticCredentials) LookupAccessKey(_ context.Context, id string) (Credential, bool, error) {
	c, ok := s[id]
	return c, ok, nil
}

// AuthInfo is what verification learned about a request.
type AuthInfo struct {
	Identity Identity
	// Service and Region are taken from the credential scope.
	Service string
	Region  string
}

// authFailure carries the protocol-neutral reason; each protocol maps it to its
// own code (JSON services and S3 name the same failures differently).
type authFailure struct {
	kind    authKind
	message string
}

type authKind int

const (
	authMissing authKind = iota
	authMalformed
	authUnknownKey
	authBadSignature
	authSkew
	authExpired
	authBadContentHash
	authExpiredToken
)

func (f *authFailure) Error() string { return f.message }

// jsonError maps an auth failure to the JSON protocol's codes.
func (f *authFailure) jsonError() *Error {
	switch f.kind {
	case authMissing:
		return &Error{Status: 400, Code: "MissingAuthenticationTokenException", Message: "Missing Authentication Token"}
	case authUnknownKey:
		return &Error{Status: 400, Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
	case authMalformed:
		return &Error{Status: 400, Code: "IncompleteSignatureException", Message: f.message}
	case authExpiredToken:
		return &Error{Status: 400, Code: "ExpiredTokenException", Message: "The security token included in the request is expired"}
	default:
		return &Error{Status: 400, Code: "InvalidSignatureException", Message: f.message}
	}
}

// xmlError maps an auth failure to S3's codes.
func (f *authFailure) xmlError() *Error {
	switch f.kind {
	case authMissing:
		return &Error{Status: 403, Code: "AccessDenied", Message: "Access Denied"}
	case authUnknownKey:
		return &Error{Status: 403, Code: "InvalidAccessKeyId", Message: "The AWS Access Key Id you provided does not exist in our records."}
	case authMalformed:
		return &Error{Status: 400, Code: "AuthorizationHeaderMalformed", Message: f.message}
	case authSkew:
		return &Error{Status: 403, Code: "RequestTimeTooSkewed", Message: "The difference between the request time and the current time is too large."}
	case authExpired:
		return &Error{Status: 403, Code: "AccessDenied", Message: "Request has expired"}
	case authExpiredToken:
		return &Error{Status: 400, Code: "ExpiredToken", Message: "The provided token has expired."}
	case authBadContentHash:
		return &Error{Status: 400, Code: "XAmzContentSHA256Mismatch", Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
	default:
		return &Error{Status: 403, Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
}

func authErr(kind authKind, format string, args ...any) *authFailure {
	return &authFailure{kind: kind, message: fmt.Sprintf(format, args...)}
}

var errBadSignature = authErr(authBadSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

// Verifier checks SigV4 signatures (header-signed and presigned).
type Verifier struct {
	Credentials CredentialSource
	// Now is the clock; tests may replace it.
	Now func() time.Time

	// keys caches derived signing keys: they change once a day per
	// secret/region/service, and deriving one costs four HMACs.
	keys     sync.Map // signingKeyID -> []byte
	keyCount atomic.Int64
}

type signingKeyID struct{ secret, date, region, service string }

func (v *Verifier) signingKey(secret, date, region, service string) []byte {
	id := signingKeyID{secret, date, region, service}
	if k, ok := v.keys.Load(id); ok {
		return k.([]byte)
	}
	k := signingKey(secret, date, region, service)
	// Bound the cache: old dates and rotated secrets are simply forgotten.
	if n := v.keyCount.Add(1); n > 1024 {
		v.keys.Clear()
		v.keyCount.Store(0)
	}
	v.keys.Store(id, k)
	return k
}

type sigParams struct {
	accessKey     string
	date          string // yyyymmdd from the scope
	region        string
	service       string
	signedHeaders []string
	signature     string
	amzDate       time.Time
	presigned     bool
	expires       time.Duration
}

// Verify authenticates r. On success r.Body is replaced by a reader that checks
// the payload against what was signed (hash, or aws-chunked chunk signatures);
// that reader returns an error instead of io.EOF when the payload does not match,
// so a consumer that stores the body must treat a read error as "abort".
func (v *Verifier) Verify(r *http.Request) (*AuthInfo, error) {
	p, err := parseSigParams(r)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	if p.presigned {
		if now.Before(p.amzDate.Add(-maxClockSkew)) {
			return nil, authErr(authSkew, "Request is not yet valid")
		}
		if now.After(p.amzDate.Add(p.expires)) {
			return nil, authErr(authExpired, "Request has expired")
		}
	} else if d := now.Sub(p.amzDate); d > maxClockSkew || d < -maxClockSkew {
		return nil, authErr(authSkew, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			p.amzDate.Format(timeFormat), now.Add(-maxClockSkew).UTC().Format(timeFormat), now.UTC().Format(timeFormat))
	}
	cred, ok, err := v.Credentials.LookupAccessKey(r.Context(), p.accessKey)
	if err != nil {
		return nil, fmt.Errorf("look up access key: %w", err)
	}
	if !ok {
		return nil, authErr(authUnknownKey, "The security token included in the request is invalid.")
	}
	if err := checkSessionToken(r, cred, now); err != nil {
		return nil, err
	}

	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if p.presigned && payloadHash == "" {
		payloadHash = unsignedPayload
	}
	var body []byte
	if payloadHash == "" {
		// JSON services sign the body hash without sending it: read and hash it.
		body, err = readAllSized(r.Body, r.ContentLength, maxBufferedSignedBody)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
		r.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body}
	}

	key := v.signingKey(cred.SecretAccessKey, p.date, p.region, p.service)
	canonical := canonicalRequest(r, p, payloadHash)
	scope := p.date + "/" + p.region + "/" + p.service + "/aws4_request"
	toSign := sigAlgorithm + "\n" + p.amzDate.Format(timeFormat) + "\n" + scope + "\n" + hexSHA256([]byte(canonical))
	want := hex.EncodeToString(hmacSHA256(key, []byte(toSign)))
	if subtle.ConstantTimeCompare([]byte(want), []byte(p.signature)) != 1 {
		return nil, errBadSignature
	}

	switch payloadHash {
	case unsignedPayload:
	case streamingSigned, streamingSignedTrail:
		r.Body = newChunkedReader(r.Body, &chunkSigner{key: key, scope: scope, amzDate: p.amzDate.Format(timeFormat), prev: p.signature}, payloadHash == streamingSignedTrail)
	case streamingUnsignedTrl:
		r.Body = newChunkedReader(r.Body, nil, true)
	default:
		if body == nil {
			if len(payloadHash) != 64 {
				return nil, authErr(authBadContentHash, "invalid x-amz-content-sha256")
			}
			r.Body = &hashCheckReader{r: r.Body, want: payloadHash, h: sha256.New()}
		}
	}
	if rec, ok := v.Credentials.(KeyUseRecorder); ok {
		rec.RecordKeyUse(p.accessKey, p.service, p.region)
	}
	return &AuthInfo{Identity: cred.Identity, Service: p.service, Region: p.region}, nil
}

func parseSigParams(r *http.Request) (*sigParams, error) {
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") != "" {
		return parsePresigned(q)
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, authErr(authMissing, "Missing Authentication Token")
	}
	rest, ok := strings.CutPrefix(h, sigAlgorithm+" ")
	if !ok {
		return nil, authErr(authMalformed, "Unsupported authorization type; only %s is accepted", sigAlgorithm)
	}
	p := &sigParams{}
	var credential, signed string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			p.signature = v
		}
	}
	if credential == "" || signed == "" || p.signature == "" {
		return nil, authErr(authMalformed, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
	}
	if err := p.setCredential(credential); err != nil {
		return nil, err
	}
	p.signedHeaders = strings.Split(signed, ";")
	dateStr := r.Header.Get("X-Amz-Date")
	if dateStr == "" {
		dateStr = r.Header.Get("Date")
	}
	t, err := time.Parse(timeFormat, dateStr)
	if err != nil {
		if t, err = http.ParseTime(dateStr); err != nil {
			return nil, authErr(authMalformed, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
		}
	}
	p.amzDate = t.UTC()
	if p.amzDate.Format(dateFormat) != p.date {
		return nil, authErr(authMalformed, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s'", p.date, p.amzDate.Format(dateFormat))
	}
	return p, nil
}

func parsePresigned(q url.Values) (*sigParams, error) {
	if q.Get("X-Amz-Algorithm") != sigAlgorithm {
		return nil, authErr(authMalformed, "X-Amz-Algorithm only supports \"%s\"", sigAlgorithm)
	}
	p := &sigParams{presigned: true, signature: q.Get("X-Amz-Signature")}
	if err := p.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return nil, err
	}
	t, err := time.Parse(timeFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return nil, authErr(authMalformed, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	p.amzDate = t
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs < 0 {
		return nil, authErr(authMalformed, "X-Amz-Expires should be a number")
	}
	if time.Duration(secs)*time.Second > maxPresignExpiry {
		return nil, authErr(authMalformed, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	p.expires = time.Duration(secs) * time.Second
	p.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	if p.signature == "" || len(p.signedHeaders) == 0 {
		return nil, authErr(authMalformed, "Query-string authentication requires the X-Amz-Signature, X-Amz-SignedHeaders parameters")
	}
	return p, nil
}

// setCredential parses "AKID/20240101/us-east-1/kinesis/aws4_request".
func (p *sigParams) setCredential(c string) error {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return authErr(authMalformed, "Credential should be scoped to a valid region, not '%s'.", c)
	}
	p.accessKey, p.date, p.region, p.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func canonicalRequest(r *http.Request, p *sigParams, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r, p.service))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range p.signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(p.signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// canonicalURI: S3 signs the path encoded once (as sent); other services
// encode the already-encoded path a second time.
func canonicalURI(r *http.Request, service string) string {
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if service == "s3" {
		// Re-encode from the decoded form so that optional escapes a client
		// chose ("~" vs "%7E") canonicalize the way the signer wrote them.
		return uriEncode(r.URL.Path, false)
	}
	return uriEncode(path, false)
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, _ = url.QueryUnescape(strings.ReplaceAll(k, "+", "%20"))
		v, _ = url.QueryUnescape(strings.ReplaceAll(v, "+", "%20"))
		if k == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, kv{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

func canonicalHeaderValue(r *http.Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{r.Host}
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			vals = []string{v}
		} else {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	case "transfer-encoding":
		vals = r.TransferEncoding
	default:
		vals = r.Header.Values(name)
	}
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

// uriEncode escapes everything but RFC 3986 unreserved characters; '/' is kept
// in paths and escaped in query components.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// hashCheckReader fails the final read when the body's SHA-256 differs from the
// signed x-amz-content-sha256, so a partially-trusted body is never committed.
type hashCheckReader struct {
	r    io.ReadCloser
	want string
	h    interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func (h *hashCheckReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(h.h.Sum(nil)) != h.want {
		return n, authErr(authBadContentHash, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return n, err
}

func (h *hashCheckReader) Close() error { return h.r.Close() }

// bufferedBody is a body already read into memory; readers that want all of it
// take data instead of copying it again.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (b *bufferedBody) Close() error { return nil }

// readAllSized reads r fully, allocating once when the length is known.
func readAllSized(r io.Reader, length int64, limit int) ([]byte, error) {
	if length > int64(limit) {
		return nil, &Error{Status: 413, Code: "RequestEntityTooLarge", Message: "request body too large"}
	}
	if length >= 0 {
		b := make([]byte, length)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, &Error{Status: 400, Code: "IncompleteBody", Message: "request body shorter than Content-Length"}
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(b) > limit {
		return nil, &Error{Status: 413, Code: "RequestEntityTooLarge", Message: "request body too large"}
	}
	return b, nil
}
