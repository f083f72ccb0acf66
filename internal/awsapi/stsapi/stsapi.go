// Package stsapi serves the STS API (AWS Query protocol, version
// 2011-06-15): GetCallerIdentity and AssumeRole.
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
	RoleArn         string  `query:"RoleArn,required"`
	RoleSessionName string  `query:"RoleSessionName,required"`
	DurationSeconds *int    `query:"DurationSeconds"`
	ExternalID      *string `query:"ExternalId"`
	// Session policies and tags, MFA and source identity are not supported
	// yet: rejected rather than ignored, since ignoring them would grant more
	// than the caller asked for.
	Policy            *string          `query:"Policy,unsupported"`
	PolicyArns        []policyArnParam `query:"PolicyArns,unsupported"`
	Tags              []tagParam       `query:"Tags,unsupported"`
	TransitiveTagKeys []string         `query:"TransitiveTagKeys,unsupported"`
	SerialNumber      *string          `query:"SerialNumber,unsupported"`
	TokenCode         *string          `query:"TokenCode,unsupported"`
	SourceIdentity    *string          `query:"SourceIdentity,unsupported"`
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
}

func (a *api) assumeRole(ctx context.Context, call *awsapi.QueryCall) (any, error) {
	in := &assumeRoleIn{}
	if err := call.Decode(in); err != nil {
		return nil, err
	}
	// The caller's own policies must allow sts:AssumeRole on the role; the
	// service then checks the role's trust policy. (GetCallerIdentity needs
	// no permission: AWS never denies it.)
	if err := awsapi.Authorize(ctx, "sts:AssumeRole", in.RoleArn, nil); err != nil {
		return nil, err
	}
	out, err := a.svc.AssumeRole(ctx, call.Auth.Identity, iam.AssumeRoleInput{RoleARN: in.RoleArn, SessionName: in.RoleSessionName,
		DurationSeconds: in.DurationSeconds, ExternalID: in.ExternalID, Region: call.Auth.Region})
	if err != nil {
		return nil, err
	}
	c := out.Credentials
	return &assumeRoleResult{
		Credentials: xmlCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.Secret, SessionToken: c.SessionToken,
			Expiration: c.Expiration.UTC().Format(time.RFC3339)},
		AssumedRoleID: out.AssumedRoleID, Arn: out.ARN,
	}, nil
}
