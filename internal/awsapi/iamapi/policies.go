package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

type xmlPolicy struct {
	PolicyName                    string   `xml:"PolicyName"`
	PolicyID                      string   `xml:"PolicyId"`
	Arn                           string   `xml:"Arn"`
	Path                          string   `xml:"Path"`
	DefaultVersionID              string   `xml:"DefaultVersionId"`
	AttachmentCount               int      `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int      `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool     `xml:"IsAttachable"`
	Description                   string   `xml:"Description,omitempty"`
	CreateDate                    string   `xml:"CreateDate"`
	UpdateDate                    string   `xml:"UpdateDate"`
	Tags                          *xmlTags `xml:"Tags,omitempty"`
}

func policyOut(p *iam.Policy) xmlPolicy {
	return xmlPolicy{PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.DefaultVersion,
		AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.BoundaryCount, IsAttachable: true, Description: p.Description,
		CreateDate: isoTime(p.Created), UpdateDate: isoTime(p.Updated), Tags: tagsOut(p.Tags)}
}

type policyResult struct {
	Policy xmlPolicy `xml:"Policy"`
}

type xmlPolicyVersion struct {
	Document         string `xml:"Document,omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

func versionOut(v *iam.PolicyVersion) xmlPolicyVersion {
	doc := ""
	if v.Document != "" {
		doc = encodeDocument(v.Document)
	}
	return xmlPolicyVersion{Document: doc, VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: isoTime(v.Created)}
}

type versionResult struct {
	PolicyVersion xmlPolicyVersion `xml:"PolicyVersion"`
}

func (a *api) policyOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"CreatePolicy":            handle(a.createPolicy),
		"GetPolicy":               handle(a.getPolicy),
		"ListPolicies":            handle(a.listPolicies),
		"DeletePolicy":            handle(a.deletePolicy),
		"CreatePolicyVersion":     handle(a.createPolicyVersion),
		"GetPolicyVersion":        handle(a.getPolicyVersion),
		"ListPolicyVersions":      handle(a.listPolicyVersions),
		"DeletePolicyVersion":     handle(a.deletePolicyVersion),
		"SetDefaultPolicyVersion": handle(a.setDefaultPolicyVersion),
		"ListEntitiesForPolicy":   handle(a.listEntitiesForPolicy),
	}
}

type createPolicyIn struct {
	PolicyName     string     `query:"PolicyName,required"`
	PolicyDocument string     `query:"PolicyDocument,required"`
	Path           *string    `query:"Path"`
	Description    *string    `query:"Description"`
	Tags           []tagParam `query:"Tags"`
}

func (a *api) createPolicy(ctx context.Context, _ *awsapi.AuthInfo, in *createPolicyIn) (any, error) {
	p, err := a.svc.CreatePolicy(ctx, iam.CreatePolicyInput{Name: in.PolicyName, Path: in.Path, Document: in.PolicyDocument,
		Description: in.Description, Tags: tagsIn(in.Tags)})
	if err != nil {
		return nil, err
	}
	out := policyOut(p)
	out.Description = "" // CreatePolicy does not echo the description
	return &policyResult{Policy: out}, nil
}

func (a *api) getPolicy(ctx context.Context, _ *awsapi.AuthInfo, in *policyARNIn) (any, error) {
	p, err := a.svc.GetPolicy(ctx, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	return &policyResult{Policy: policyOut(p)}, nil
}

type listPoliciesIn struct {
	Scope             string  `query:"Scope"`
	OnlyAttached      *bool   `query:"OnlyAttached"`
	PathPrefix        *string `query:"PathPrefix"`
	PolicyUsageFilter *string `query:"PolicyUsageFilter"`
	paging
}

type listPoliciesResult struct {
	Policies []xmlPolicy `xml:"Policies>member"`
	listResult
}

func (a *api) listPolicies(ctx context.Context, _ *awsapi.AuthInfo, in *listPoliciesIn) (any, error) {
	policies, next, err := a.svc.ListPolicies(ctx, iam.ListPoliciesInput{Scope: in.Scope,
		OnlyAttached: in.OnlyAttached != nil && *in.OnlyAttached, PathPrefix: in.PathPrefix, UsageFilter: deref(in.PolicyUsageFilter),
		Page: in.page()})
	if err != nil {
		return nil, err
	}
	out := &listPoliciesResult{Policies: []xmlPolicy{}, listResult: truncated(next)}
	for _, p := range policies {
		x := policyOut(p)
		x.Description, x.Tags = "", nil // ListPolicies omits them, as IAM does
		out.Policies = append(out.Policies, x)
	}
	return out, nil
}

func (a *api) deletePolicy(ctx context.Context, _ *awsapi.AuthInfo, in *policyARNIn) (any, error) {
	return nil, a.svc.DeletePolicy(ctx, in.PolicyArn)
}

type createVersionIn struct {
	PolicyArn      string `query:"PolicyArn,required"`
	PolicyDocument string `query:"PolicyDocument,required"`
	SetAsDefault   *bool  `query:"SetAsDefault"`
}

func (a *api) createPolicyVersion(ctx context.Context, _ *awsapi.AuthInfo, in *createVersionIn) (any, error) {
	v, err := a.svc.CreatePolicyVersion(ctx, in.PolicyArn, in.PolicyDocument, in.SetAsDefault != nil && *in.SetAsDefault)
	if err != nil {
		return nil, err
	}
	return &versionResult{PolicyVersion: versionOut(v)}, nil
}

type versionIn struct {
	PolicyArn string `query:"PolicyArn,required"`
	VersionID string `query:"VersionId,required"`
}

func (a *api) getPolicyVersion(ctx context.Context, _ *awsapi.AuthInfo, in *versionIn) (any, error) {
	v, err := a.svc.GetPolicyVersion(ctx, in.PolicyArn, in.VersionID)
	if err != nil {
		return nil, err
	}
	return &versionResult{PolicyVersion: versionOut(v)}, nil
}

type listVersionsIn struct {
	PolicyArn string `query:"PolicyArn,required"`
	paging
}

type listVersionsResult struct {
	Versions []xmlPolicyVersion `xml:"Versions>member"`
	listResult
}

func (a *api) listPolicyVersions(ctx context.Context, _ *awsapi.AuthInfo, in *listVersionsIn) (any, error) {
	versions, next, err := a.svc.ListPolicyVersions(ctx, in.PolicyArn, in.page())
	if err != nil {
		return nil, err
	}
	out := &listVersionsResult{Versions: []xmlPolicyVersion{}, listResult: truncated(next)}
	for _, v := range versions {
		out.Versions = append(out.Versions, versionOut(v))
	}
	return out, nil
}

func (a *api) deletePolicyVersion(ctx context.Context, _ *awsapi.AuthInfo, in *versionIn) (any, error) {
	return nil, a.svc.DeletePolicyVersion(ctx, in.PolicyArn, in.VersionID)
}

func (a *api) setDefaultPolicyVersion(ctx context.Context, _ *awsapi.AuthInfo, in *versionIn) (any, error) {
	return nil, a.svc.SetDefaultPolicyVersion(ctx, in.PolicyArn, in.VersionID)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
