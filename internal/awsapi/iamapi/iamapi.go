// Package iamapi serves the IAM API (AWS Query protocol, version
// 2010-05-08) over the iam service.
package iamapi

import (
	"context"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

// XMLNS is IAM's XML namespace.
const XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"

type api struct{ svc *iam.Service }

// Register serves IAM on the router (requests signed for service "iam").
func Register(rt *awsapi.Router, svc *iam.Service) {
	a := &api{svc: svc}
	ops := map[string]awsapi.QueryOp{}
	for _, group := range []map[string]awsapi.QueryOp{a.userOps(), a.keyOps(), a.roleOps(), a.groupOps(),
		a.inlineOps(), a.policyOps(), a.attachOps(), a.tagOps(), a.loginOps(), a.boundaryOps(), a.passwordPolicyOps()} {
		for name, op := range group {
			ops[name] = op
		}
	}
	ops["GetAccountSummary"] = handle(a.getAccountSummary)
	a.authorized(ops)
	rt.HandleQuery("iam", &awsapi.QueryService{Version: "2010-05-08", XMLNS: XMLNS, Ops: ops})
}

// handle adapts a typed handler: it decodes the parameters into In
// (rejecting unknown ones) and passes the caller along.
func handle[In any](fn func(ctx context.Context, auth *awsapi.AuthInfo, in *In) (any, error)) awsapi.QueryOp {
	return func(ctx context.Context, call *awsapi.QueryCall) (any, error) {
		in := new(In)
		if err := call.Decode(in); err != nil {
			return nil, err
		}
		return fn(ctx, call.Auth, in)
	}
}

// Paging parameters and results shared by the List actions.
type paging struct {
	Marker   *string `query:"Marker"`
	MaxItems *int    `query:"MaxItems"`
}

func (p paging) page() iam.Page { return iam.Page{Marker: p.Marker, MaxItems: p.MaxItems} }

type listResult struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

func truncated(next string) listResult { return listResult{IsTruncated: next != "", Marker: next} }

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type tagParam struct {
	Key   string `query:"Key"`
	Value string `query:"Value"`
}

func tagsIn(in []tagParam) []iam.Tag {
	out := make([]iam.Tag, len(in))
	for i, t := range in {
		out[i] = iam.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// xmlTags is an entity's optional Tags element (absent when untagged).
type xmlTags struct {
	Members []xmlTag `xml:"member"`
}

func tagsOut(in []iam.Tag) *xmlTags {
	if len(in) == 0 {
		return nil
	}
	return &xmlTags{Members: tagList(in)}
}

func tagList(in []iam.Tag) []xmlTag {
	out := make([]xmlTag, len(in))
	for i, t := range in {
		out[i] = xmlTag{Key: t.Key, Value: t.Value}
	}
	return out
}

// isoTime formats times as IAM does (ISO 8601, UTC, seconds).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func isoTimeOpt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return isoTime(t)
}

// encodeDocument percent-encodes a policy document as IAM returns it
// (RFC 3986: everything but unreserved characters).
func encodeDocument(doc string) string {
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(doc)*3/2)
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return string(b)
}

// callerUser resolves an optional UserName: absent, it is the calling IAM
// user, as IAM does for GetUser, access keys and login profiles.
func callerUser(auth *awsapi.AuthInfo, name *string) (string, error) {
	if name != nil {
		return *name, nil
	}
	if auth != nil && auth.Identity.PrincipalType == "user" {
		return auth.Identity.Name, nil
	}
	if auth != nil && auth.Identity.Root {
		return "", errRootKeys
	}
	return "", awsapi.Errorf(http.StatusBadRequest, "ValidationError", "Must specify userName when calling with non-User credentials")
}

var errRootKeys = awsapi.Errorf(http.StatusBadRequest, "InvalidInput",
	"The root user's access keys are set by Shoal's configuration (SHOAL_ROOT_ACCESS_KEY_ID), not through IAM; pass UserName.")

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

type accountSummaryResult struct {
	Entries []summaryEntry `xml:"SummaryMap>entry"`
}

func (a *api) getAccountSummary(ctx context.Context, _ *awsapi.AuthInfo, _ *struct{}) (any, error) {
	summary, err := a.svc.AccountSummary(ctx)
	if err != nil {
		return nil, err
	}
	out := &accountSummaryResult{}
	for _, e := range summary {
		out.Entries = append(out.Entries, summaryEntry{Key: e.Key, Value: e.Value})
	}
	return out, nil
}
