package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

type listEntitiesIn struct {
	PolicyArn         string  `query:"PolicyArn,required"`
	EntityFilter      *string `query:"EntityFilter"`
	PathPrefix        *string `query:"PathPrefix"`
	PolicyUsageFilter *string `query:"PolicyUsageFilter"`
	paging
}

type xmlPolicyGroup struct {
	GroupName string `xml:"GroupName"`
	GroupID   string `xml:"GroupId"`
}

type xmlPolicyUser struct {
	UserName string `xml:"UserName"`
	UserID   string `xml:"UserId"`
}

type xmlPolicyRole struct {
	RoleName string `xml:"RoleName"`
	RoleID   string `xml:"RoleId"`
}

type listEntitiesResult struct {
	PolicyGroups []xmlPolicyGroup `xml:"PolicyGroups>member"`
	PolicyUsers  []xmlPolicyUser  `xml:"PolicyUsers>member"`
	PolicyRoles  []xmlPolicyRole  `xml:"PolicyRoles>member"`
	listResult
}

func (a *api) listEntitiesForPolicy(ctx context.Context, _ *awsapi.AuthInfo, in *listEntitiesIn) (any, error) {
	entities, next, err := a.svc.ListEntitiesForPolicy(ctx, iam.ListEntitiesInput{PolicyARN: in.PolicyArn,
		EntityFilter: in.EntityFilter, PathPrefix: in.PathPrefix, UsageFilter: in.PolicyUsageFilter, Page: in.page()})
	if err != nil {
		return nil, err
	}
	out := &listEntitiesResult{PolicyGroups: []xmlPolicyGroup{}, PolicyUsers: []xmlPolicyUser{}, PolicyRoles: []xmlPolicyRole{},
		listResult: truncated(next)}
	for _, e := range entities {
		switch e.Kind {
		case "group":
			out.PolicyGroups = append(out.PolicyGroups, xmlPolicyGroup{GroupName: e.Name, GroupID: e.ID})
		case "user":
			out.PolicyUsers = append(out.PolicyUsers, xmlPolicyUser{UserName: e.Name, UserID: e.ID})
		default:
			out.PolicyRoles = append(out.PolicyRoles, xmlPolicyRole{RoleName: e.Name, RoleID: e.ID})
		}
	}
	return out, nil
}
