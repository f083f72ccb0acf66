package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// xmlBoundary is a user's or role's PermissionsBoundary element.
type xmlBoundary struct {
	Type string `xml:"PermissionsBoundaryType"`
	Arn  string `xml:"PermissionsBoundaryArn"`
}

func boundaryOut(arn string) *xmlBoundary {
	if arn == "" {
		return nil
	}
	return &xmlBoundary{Type: "PermissionsBoundaryPolicy", Arn: arn}
}

func (a *api) boundaryOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"PutUserPermissionsBoundary":    handle(a.putUserBoundary),
		"PutRolePermissionsBoundary":    handle(a.putRoleBoundary),
		"DeleteUserPermissionsBoundary": handle(a.deleteUserBoundary),
		"DeleteRolePermissionsBoundary": handle(a.deleteRoleBoundary),
	}
}

type putUserBoundaryIn struct {
	UserName            string `query:"UserName,required"`
	PermissionsBoundary string `query:"PermissionsBoundary,required"`
}

func (a *api) putUserBoundary(ctx context.Context, _ *awsapi.AuthInfo, in *putUserBoundaryIn) (any, error) {
	return nil, a.svc.PutPermissionsBoundary(ctx, "user", in.UserName, in.PermissionsBoundary)
}

type putRoleBoundaryIn struct {
	RoleName            string `query:"RoleName,required"`
	PermissionsBoundary string `query:"PermissionsBoundary,required"`
}

func (a *api) putRoleBoundary(ctx context.Context, _ *awsapi.AuthInfo, in *putRoleBoundaryIn) (any, error) {
	return nil, a.svc.PutPermissionsBoundary(ctx, "role", in.RoleName, in.PermissionsBoundary)
}

type userNameRequiredIn struct {
	UserName string `query:"UserName,required"`
}

func (a *api) deleteUserBoundary(ctx context.Context, _ *awsapi.AuthInfo, in *userNameRequiredIn) (any, error) {
	return nil, a.svc.DeletePermissionsBoundary(ctx, "user", in.UserName)
}

func (a *api) deleteRoleBoundary(ctx context.Context, _ *awsapi.AuthInfo, in *roleNameIn) (any, error) {
	return nil, a.svc.DeletePermissionsBoundary(ctx, "role", in.RoleName)
}
