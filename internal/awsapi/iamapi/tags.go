package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// Tag actions: users and roles by name, customer-managed policies by ARN.
func (a *api) tagOps() map[string]awsapi.QueryOp {
	ops := map[string]awsapi.QueryOp{}
	for _, e := range []struct{ infix, kind, param string }{
		{"User", "user", "UserName"}, {"Role", "role", "RoleName"}, {"Policy", "policy", "PolicyArn"},
	} {
		ops["Tag"+e.infix] = entityOp(e.kind, e.param, a.tag)
		ops["Untag"+e.infix] = entityOp(e.kind, e.param, a.untag)
		ops["List"+e.infix+"Tags"] = entityOp(e.kind, e.param, a.listTags)
	}
	return ops
}

type tagIn struct {
	Tags []tagParam `query:"Tags,required"`
}

func (a *api) tag(ctx context.Context, kind, entity string, in *tagIn) (any, error) {
	return nil, a.svc.TagEntity(ctx, kind, entity, tagsIn(in.Tags))
}

type untagIn struct {
	TagKeys []string `query:"TagKeys,required"`
}

func (a *api) untag(ctx context.Context, kind, entity string, in *untagIn) (any, error) {
	return nil, a.svc.UntagEntity(ctx, kind, entity, in.TagKeys)
}

type listTagsResult struct {
	Tags []xmlTag `xml:"Tags>member"`
	listResult
}

func (a *api) listTags(ctx context.Context, kind, entity string, in *paging) (any, error) {
	tags, next, err := a.svc.ListEntityTags(ctx, kind, entity, in.page())
	if err != nil {
		return nil, err
	}
	return &listTagsResult{Tags: tagList(tags), listResult: truncated(next)}, nil
}
