package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

type xmlGroup struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupID    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func groupOut(g *iam.Group) xmlGroup {
	return xmlGroup{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.ARN, CreateDate: isoTime(g.Created)}
}

func groupsOut(groups []*iam.Group) []xmlGroup {
	out := []xmlGroup{}
	for _, g := range groups {
		out = append(out, groupOut(g))
	}
	return out
}

func (a *api) groupOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"CreateGroup":         handle(a.createGroup),
		"GetGroup":            handle(a.getGroup),
		"ListGroups":          handle(a.listGroups),
		"DeleteGroup":         handle(a.deleteGroup),
		"AddUserToGroup":      handle(a.addUserToGroup),
		"RemoveUserFromGroup": handle(a.removeUserFromGroup),
		"ListGroupsForUser":   handle(a.listGroupsForUser),
	}
}

type createGroupIn struct {
	GroupName string  `query:"GroupName,required"`
	Path      *string `query:"Path"`
}

type groupResult struct {
	Group xmlGroup `xml:"Group"`
}

func (a *api) createGroup(ctx context.Context, _ *awsapi.AuthInfo, in *createGroupIn) (any, error) {
	g, err := a.svc.CreateGroup(ctx, in.GroupName, in.Path)
	if err != nil {
		return nil, err
	}
	return &groupResult{Group: groupOut(g)}, nil
}

type getGroupIn struct {
	GroupName string `query:"GroupName,required"`
	paging
}

type getGroupResult struct {
	Group xmlGroup  `xml:"Group"`
	Users []xmlUser `xml:"Users>member"`
	listResult
}

func (a *api) getGroup(ctx context.Context, _ *awsapi.AuthInfo, in *getGroupIn) (any, error) {
	g, users, next, err := a.svc.GetGroup(ctx, in.GroupName, in.page())
	if err != nil {
		return nil, err
	}
	out := &getGroupResult{Group: groupOut(g), Users: []xmlUser{}, listResult: truncated(next)}
	for _, u := range users {
		out.Users = append(out.Users, userOut(u))
	}
	return out, nil
}

type listGroupsIn struct {
	PathPrefix *string `query:"PathPrefix"`
	paging
}

type listGroupsResult struct {
	Groups []xmlGroup `xml:"Groups>member"`
	listResult
}

func (a *api) listGroups(ctx context.Context, _ *awsapi.AuthInfo, in *listGroupsIn) (any, error) {
	groups, next, err := a.svc.ListGroups(ctx, in.PathPrefix, in.page())
	if err != nil {
		return nil, err
	}
	return &listGroupsResult{Groups: groupsOut(groups), listResult: truncated(next)}, nil
}

type groupNameIn struct {
	GroupName string `query:"GroupName,required"`
}

func (a *api) deleteGroup(ctx context.Context, _ *awsapi.AuthInfo, in *groupNameIn) (any, error) {
	return nil, a.svc.DeleteGroup(ctx, in.GroupName)
}

type groupUserIn struct {
	GroupName string `query:"GroupName,required"`
	UserName  string `query:"UserName,required"`
}

func (a *api) addUserToGroup(ctx context.Context, _ *awsapi.AuthInfo, in *groupUserIn) (any, error) {
	return nil, a.svc.AddUserToGroup(ctx, in.GroupName, in.UserName)
}

func (a *api) removeUserFromGroup(ctx context.Context, _ *awsapi.AuthInfo, in *groupUserIn) (any, error) {
	return nil, a.svc.RemoveUserFromGroup(ctx, in.GroupName, in.UserName)
}

type groupsForUserIn struct {
	UserName string `query:"UserName,required"`
	paging
}

func (a *api) listGroupsForUser(ctx context.Context, _ *awsapi.AuthInfo, in *groupsForUserIn) (any, error) {
	groups, next, err := a.svc.ListGroupsForUser(ctx, in.UserName, in.page())
	if err != nil {
		return nil, err
	}
	return &listGroupsResult{Groups: groupsOut(groups), listResult: truncated(next)}, nil
}
