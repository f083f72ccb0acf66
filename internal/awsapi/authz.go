package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Authorizer decides whether a caller may perform one IAM action on one
// resource. The IAM service implements it with its policy engine; the
// Router hands it to every handler through the request context, so
// handlers call Authorize without knowing who decides.
type Authorizer interface {
	// Authorize returns nil when allowed, or the denial's message (AWS's
	// "User: ... is not authorized to perform: ... on resource: ...") as an
	// *AccessDenied.
	Authorize(ctx context.Context, id Identity, req AuthzRequest) error
}

// AuthzRequest is one authorization question.
type AuthzRequest struct {
	// Action is the IAM action, e.g. "kinesis:PutRecords".
	Action string
	// Resource is the resource ARN, or "*" for actions without one
	// (s3:ListAllMyBuckets, sts:GetCallerIdentity...).
	Resource string
	// Context holds the request's condition keys: the global ones the
	// Router knows (aws:SourceIp, aws:SecureTransport, aws:CurrentTime,
	// aws:EpochTime, aws:RequestedRegion) plus the service-specific ones the
	// handler adds (s3:prefix, ...). Keys are as IAM spells them.
	Context map[string][]string
	// ResourceTags, when set, gives the resource's tags for the
	// aws:ResourceTag/<key> condition keys. It is called only when a
	// policy may read conditions, so the common path never looks tags up.
	ResourceTags func() map[string]string
}

// AccessDenied is a denial, kept in parts so each protocol can word it as
// its service does: "<Principal> is not authorized to perform: <Action> on
// resource: <Resource><Reason>". Principal reads "User: arn:..." or
// "Service: firehose.amazonaws.com". Each protocol writes it with its own
// code (AccessDeniedException for JSON services, AccessDenied for S3 and
// the Query protocol), HTTP 403 (400 for JSON services, as AWS does).
type AccessDenied struct {
	Principal, Action, Resource string
	// Reason completes the sentence, e.g. " because no identity-based
	// policy allows the s3:GetObject action"; it may be empty.
	Reason string
}

func (e *AccessDenied) Error() string { return e.Message() }

// Message is the denial as the JSON and Query services word it.
func (e *AccessDenied) Message() string { return e.message(e.Resource) }

// s3Message quotes a resource ARN, as S3's denials do.
func (e *AccessDenied) s3Message() string {
	if e.Resource == "*" {
		return e.Message()
	}
	return e.message(`"` + e.Resource + `"`)
}

func (e *AccessDenied) message(resource string) string {
	return e.Principal + " is not authorized to perform: " + e.Action + " on resource: " + resource + e.Reason
}

// authzState is what the Router puts in a request's context for Authorize.
type authzState struct {
	authorizer Authorizer
	protocol   protocol
	r          *http.Request
	region     string
}

type protocol int

const (
	protocolJSON protocol = iota
	protocolS3
	protocolQuery
)

type authzKey struct{}

// withAuthz prepares ctx for Authorize calls made while serving r.
func withAuthz(ctx context.Context, a Authorizer, p protocol, r *http.Request, region string) context.Context {
	if a == nil {
		return ctx
	}
	return context.WithValue(ctx, authzKey{}, &authzState{authorizer: a, protocol: p, r: r, region: region})
}

// globalKeys are the aws:* condition keys every request has.
func globalKeys(r *http.Request, region string) map[string][]string {
	now := time.Now().UTC()
	keys := map[string][]string{
		"aws:SecureTransport": {strconv.FormatBool(r.TLS != nil)},
		"aws:CurrentTime":     {now.Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		keys["aws:SourceIp"] = []string{host}
	}
	if region != "" {
		keys["aws:RequestedRegion"] = []string{region}
	}
	return keys
}

// Authorize asks whether the request's caller may perform action on
// resource; extra adds service-specific condition keys. Without an
// Authorizer (in-process callers, tests of a single service) everything
// is allowed. The error is in the request's protocol.
func Authorize(ctx context.Context, action, resource string, extra map[string][]string) error {
	return AuthorizeTagged(ctx, action, resource, extra, nil)
}

// AuthorizeTagged is Authorize on a resource that has tags (see
// AuthzRequest.ResourceTags).
func AuthorizeTagged(ctx context.Context, action, resource string, extra map[string][]string, tags func() map[string]string) error {
	st, _ := ctx.Value(authzKey{}).(*authzState)
	auth := AuthFrom(ctx)
	if st == nil || auth == nil || auth.Identity.Root {
		return nil
	}
	// Built here, not per request: root calls (most traffic) never need them.
	keys := globalKeys(st.r, st.region)
	for k, v := range extra {
		keys[k] = v
	}
	err := st.authorizer.Authorize(ctx, auth.Identity, AuthzRequest{Action: action, Resource: resource, Context: keys, ResourceTags: tags})
	var denied *AccessDenied
	if err == nil {
		return nil
	} else if !errors.As(err, &denied) {
		return fmt.Errorf("authorize %s: %w", action, err) // an internal failure, not a denial
	}
	switch st.protocol {
	case protocolS3:
		return &Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: denied.s3Message()}
	case protocolQuery:
		return &Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: denied.Message()}
	default:
		return &Error{Status: http.StatusBadRequest, Code: "AccessDeniedException", Message: denied.Message()}
	}
}
