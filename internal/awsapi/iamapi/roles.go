package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

type xmlRole struct {
	Path                     string       `xml:"Path"`
	RoleName                 string       `xml:"RoleName"`
	RoleID                   string       `xml:"RoleId"`
	Arn                      string       `xml:"Arn"`
	CreateDate               string       `xml:"CreateDate"`
	AssumeRolePolicyDocument string       `xml:"AssumeRolePolicyDocument"`
	Description              string       `xml:"Description,omitempty"`
	MaxSessionDuration       int          `xml:"MaxSessionDuration"`
	PermissionsBoundary      *xmlBoundary `xml:"PermissionsBoundary,omitempty"`
	Tags                     *xmlTags     `xml:"Tags,omitempty"`
	RoleLastUsed             *xmlLastUsed `xml:"RoleLastUsed,omitempty"`
}

type xmlLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	Region       string `xml:"Region,omitempty"`
}

func roleOut(r *iam.Role) xmlRole {
	return xmlRole{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: isoTime(r.Created),
		AssumeRolePolicyDocument: encodeDocument(r.TrustPolicy), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration, PermissionsBoundary: boundaryOut(r.PermissionsBoundary), Tags: tagsOut(r.Tags)}
}

type roleResult struct {
	Role xmlRole `xml:"Role"`
}

func (a *api) roleOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"CreateRole":             handle(a.createRole),
		"GetRole":                handle(a.getRole),
		"ListRoles":              handle(a.listRoles),
		"UpdateRole":             handle(a.updateRole),
		"UpdateAssumeRolePolicy": handle(a.updateAssumeRolePolicy),
		"DeleteRole":             handle(a.deleteRole),
	}
}

type createRoleIn struct {
	RoleName                 string     `query:"RoleName,required"`
	AssumeRolePolicyDocument string     `query:"AssumeRolePolicyDocument,required"`
	Path                     *string    `query:"Path"`
	Description              *string    `query:"Description"`
	MaxSessionDuration       *int       `query:"MaxSessionDuration"`
	Tags                     []tagParam `query:"Tags"`
	PermissionsBoundary      *string    `query:"PermissionsBoundary"`
}

func (a *api) createRole(ctx context.Context, _ *awsapi.AuthInfo, in *createRoleIn) (any, error) {
	r, err := a.svc.CreateRole(ctx, iam.CreateRoleInput{Name: in.RoleName, Path: in.Path, TrustPolicy: in.AssumeRolePolicyDocument,
		Description: in.Description, MaxSessionDuration: in.MaxSessionDuration, Tags: tagsIn(in.Tags),
		PermissionsBoundary: in.PermissionsBoundary})
	if err != nil {
		return nil, err
	}
	return &roleResult{Role: roleOut(r)}, nil
}

type roleNameIn struct {
	RoleName string `query:"RoleName,required"`
}

func (a *api) getRole(ctx context.Context, _ *awsapi.AuthInfo, in *roleNameIn) (any, error) {
	r, err := a.svc.GetRole(ctx, in.RoleName)
	if err != nil {
		return nil, err
	}
	out := roleOut(r)
	out.RoleLastUsed = &xmlLastUsed{LastUsedDate: isoTimeOpt(r.LastUsed), Region: r.LastUsedRegion}
	return &roleResult{Role: out}, nil
}

type listRolesIn struct {
	PathPrefix *string `query:"PathPrefix"`
	paging
}

type listRolesResult struct {
	Roles []xmlRole `xml:"Roles>member"`
	listResult
}

func (a *api) listRoles(ctx context.Context, _ *awsapi.AuthInfo, in *listRolesIn) (any, error) {
	roles, next, err := a.svc.ListRoles(ctx, in.PathPrefix, in.page())
	if err != nil {
		return nil, err
	}
	out := &listRolesResult{Roles: []xmlRole{}, listResult: truncated(next)}
	for _, r := range roles {
		out.Roles = append(out.Roles, roleOut(r))
	}
	return out, nil
}

type updateRoleIn struct {
	RoleName           string  `query:"RoleName,required"`
	Description        *string `query:"Description"`
	MaxSessionDuration *int    `query:"MaxSessionDuration"`
}

func (a *api) updateRole(ctx context.Context, _ *awsapi.AuthInfo, in *updateRoleIn) (any, error) {
	if err := a.svc.UpdateRole(ctx, in.RoleName, in.Description, in.MaxSessionDuration); err != nil {
		return nil, err
	}
	return &struct{}{}, nil // UpdateRole answers with an empty result element
}

type updateTrustIn struct {
	RoleName       string `query:"RoleName,required"`
	PolicyDocument string `query:"PolicyDocument,required"`
}

func (a *api) updateAssumeRolePolicy(ctx context.Context, _ *awsapi.AuthInfo, in *updateTrustIn) (any, error) {
	return nil, a.svc.UpdateAssumeRolePolicy(ctx, in.RoleName, in.PolicyDocument)
}

func (a *api) deleteRole(ctx context.Context, _ *awsapi.AuthInfo, in *roleNameIn) (any, error) {
	return nil, a.svc.DeleteRole(ctx, in.RoleName)
}
