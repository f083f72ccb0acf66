// Package stsapi serves the STS API (AWS Query protocol, version
// 2011-06-15): GetCallerIdentity, AssumeRole (with session policies,
// session tags and source identity) and GetSessionToken.
package stsapi

import (
	"context"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

// XMLNS is STS's XML namespace.
const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

type api struct{ svc *iam.Service }

// Register serves STS on the router (requests signed for service "sts").
func Register(rt *awsapi.Router, svc *iam.Service) {
	a := &api{svc: svc}
	rt.HandleQuery("sts", &awsapi.QueryService{Version: "2011-06-15", XMLNS: XMLNS, Ops: map[string]awsapi.QueryOp{
		"GetCallerIdentity": a.getCallerIdentity,
		"AssumeRole":        a.assumeRole,
		"GetSessionToken":   a.getSessionToken,
	}})
}

type callerIdentityResult struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

func (a *api) getCallerIdentity(ctx context.Context, call *awsapi.QueryCall) (any, error) {
	if err := call.Decode(&struct{}{}); err != nil {
		return nil, err
	}
	id := call.Auth.Identity
	account := id.AccountID
	if account == "" {
		account = a.svc.AccountID()
	}
	userID := id.UserID
	if userID == "" && id.Root {
		userID = account
	}
	return &callerIdentityResult{UserID: userID, Account: account, Arn: id.ARN}, nil
}

type policyArnParam struct {
	Arn string `query:"arn"`
}

type tagParam struct {
	Key   string `query:"Key"`
	Value string `query:"Value"`
}

type assumeRoleIn struct {
	RoleArn           string           `query:"RoleArn,required"`
	RoleSessionName   string           `query:"RoleSessionName,required"`
	DurationSeconds   *int             `query:"DurationSeconds"`
	ExternalID        *string          `query:"ExternalId"`
	Policy            *string          `query:"Policy"`
	PolicyArns        []policyArnParam `query:"PolicyArns"`
	Tags              []tagParam       `query:"Tags"`
	TransitiveTagKeys []string         `query:"TransitiveTagKeys"`
	SourceIdentity    *string          `query:"SourceIdentity"`
	// Shoal has no MFA devices: rejected rather than ignored.
	SerialNumber *string `query:"SerialNumber,unsupported"`
	TokenCode    *string `query:"TokenCode,unsupported"`
}

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumeRoleResult struct {
	Credentials   xmlCredentials `xml:"Credentials"`
	AssumedRoleID string         `xml:"AssumedRoleUser>AssumedRoleId"`
	Arn           string         `xml:"AssumedRoleUser>Arn"`
	// SourceIdentity is returned when the session has one.
	SourceIdentity string `xml:"SourceIdentity,omitempty"`
}

func (a *api) assumeRole(ctx context.Context, call *awsapi.QueryCall) (any, error) {
	in := &assumeRoleIn{}
	if err := call.Decode(in); err != nil {
		return nil, err
	}
	// The role's trust policy must allow the caller. Within the account,
	// one that names the caller itself is enough; one that names only the
	// account delegates to the caller's own policies, which must allow
	// sts:AssumeRole on the role. An explicit deny in them always wins.
	// Session tags need sts:TagSession and a source identity
	// sts:SetSourceIdentity, checked the same way.
	// (GetCallerIdentity needs no permission: AWS never denies it.)
	input := iam.AssumeRoleInput{RoleARN: in.RoleArn, SessionName: in.RoleSessionName, DurationSeconds: in.DurationSeconds,
		ExternalID: in.ExternalID, Policy: in.Policy, PolicyARNs: policyARNs(in.PolicyArns), Tags: sessionTags(in.Tags),
		TransitiveTagKeys: in.TransitiveTagKeys, SourceIdentity: in.SourceIdentity, Region: call.Auth.Region}
	authz, err := a.svc.TrustGrant(ctx, call.Auth.Identity, input)
	if err != nil {
		return nil, err
	}
	for _, c := range authz.Checks {
		if err := awsapi.Authorize(iam.WithTrustGrant(ctx, c.Grant), c.Action, in.RoleArn, authz.Context); err != nil {
			return nil, err
		}
	}
	out, err := a.svc.AssumeRole(ctx, call.Auth.Identity, input)
	if err != nil {
		return nil, err
	}
	return &assumeRoleResult{Credentials: credentialsOut(&out.Credentials), AssumedRoleID: out.AssumedRoleID, Arn: out.ARN,
		SourceIdentity: out.SourceIdentity}, nil
}

func sessionTags(in []tagParam) []iam.Tag {
	out := make([]iam.Tag, len(in))
	for i, t := range in {
		out[i] = iam.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

type getSessionTokenIn struct {
	DurationSeconds *int    `query:"DurationSeconds"`
	SerialNumber    *string `query:"SerialNumber"`
	TokenCode       *string `query:"TokenCode"`
}

type getSessionTokenResult struct {
	Credentials xmlCredentials `xml:"Credentials"`
}

// getSessionToken needs no permission: AWS does not let policies control
// it (IAM User Guide, "Permissions for GetSessionToken").
func (a *api) getSessionToken(ctx context.Context, call *awsapi.QueryCall) (any, error) {
	in := &getSessionTokenIn{}
	if err := call.Decode(in); err != nil {
		return nil, err
	}
	c, err := a.svc.GetSessionToken(ctx, call.Auth.Identity, iam.GetSessionTokenInput{DurationSeconds: in.DurationSeconds,
		SerialNumber: in.SerialNumber, TokenCode: in.TokenCode})
	if err != nil {
		return nil, err
	}
	return &getSessionTokenResult{Credentials: credentialsOut(c)}, nil
}

func credentialsOut(c *iam.SessionCredentials) xmlCredentials {
	return xmlCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.Secret, SessionToken: c.SessionToken,
		Expiration: c.Expiration.UTC().Format(time.RFC3339)}
}

func policyARNs(in []policyArnParam) []string {
	out := make([]string, len(in))
	for i, p := range in {
		out[i] = p.Arn
	}
	return out
}
