package iamapi

import (
	"context"
	"encoding/xml"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// Inline policies, managed-policy attachments and tags exist for several
// entity kinds with the same shape; only the entity parameter differs
// (UserName, RoleName, GroupName). entityOp takes that parameter out and
// decodes the rest into In.
func entityOp[In any](kind, param string, fn func(ctx context.Context, kind, entity string, in *In) (any, error)) awsapi.QueryOp {
	return func(ctx context.Context, call *awsapi.QueryCall) (any, error) {
		vals, ok := call.Params[param]
		if !ok {
			return nil, awsapi.MemberNull(param)
		}
		entity := vals[0]
		rest := *call
		rest.Params = make(map[string][]string, len(call.Params))
		for k, v := range call.Params {
			if k != param {
				rest.Params[k] = v
			}
		}
		in := new(In)
		if err := rest.Decode(in); err != nil {
			return nil, err
		}
		return fn(ctx, kind, entity, in)
	}
}

// entityKinds maps the action infix to the service's kind and parameter.
var entityKinds = []struct{ infix, kind, param string }{
	{"User", "user", "UserName"},
	{"Role", "role", "RoleName"},
	{"Group", "group", "GroupName"},
}

func (a *api) inlineOps() map[string]awsapi.QueryOp {
	ops := map[string]awsapi.QueryOp{}
	for _, e := range entityKinds {
		ops["Put"+e.infix+"Policy"] = entityOp(e.kind, e.param, a.putInline)
		ops["Get"+e.infix+"Policy"] = entityOp(e.kind, e.param, a.getInline(e.param))
		ops["List"+e.infix+"Policies"] = entityOp(e.kind, e.param, a.listInline)
		ops["Delete"+e.infix+"Policy"] = entityOp(e.kind, e.param, a.deleteInline)
	}
	return ops
}

type putInlineIn struct {
	PolicyName     string `query:"PolicyName,required"`
	PolicyDocument string `query:"PolicyDocument,required"`
}

func (a *api) putInline(ctx context.Context, kind, entity string, in *putInlineIn) (any, error) {
	return nil, a.svc.PutInlinePolicy(ctx, kind, entity, in.PolicyName, in.PolicyDocument)
}

type policyNameIn struct {
	PolicyName string `query:"PolicyName,required"`
}

// namedValue is an element whose name is chosen at run time (UserName,
// RoleName or GroupName).
type namedValue struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

type getInlineResult struct {
	Entity         namedValue
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (a *api) getInline(param string) func(context.Context, string, string, *policyNameIn) (any, error) {
	return func(ctx context.Context, kind, entity string, in *policyNameIn) (any, error) {
		doc, err := a.svc.GetInlinePolicy(ctx, kind, entity, in.PolicyName)
		if err != nil {
			return nil, err
		}
		return &getInlineResult{Entity: namedValue{XMLName: xml.Name{Local: param}, Value: entity},
			PolicyName: in.PolicyName, PolicyDocument: encodeDocument(doc)}, nil
	}
}

type listInlineResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	listResult
}

func (a *api) listInline(ctx context.Context, kind, entity string, in *paging) (any, error) {
	names, next, err := a.svc.ListInlinePolicies(ctx, kind, entity, in.page())
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return &listInlineResult{PolicyNames: names, listResult: truncated(next)}, nil
}

func (a *api) deleteInline(ctx context.Context, kind, entity string, in *policyNameIn) (any, error) {
	return nil, a.svc.DeleteInlinePolicy(ctx, kind, entity, in.PolicyName)
}

// --- managed-policy attachments ---

func (a *api) attachOps() map[string]awsapi.QueryOp {
	ops := map[string]awsapi.QueryOp{}
	for _, e := range entityKinds {
		ops["Attach"+e.infix+"Policy"] = entityOp(e.kind, e.param, a.attach)
		ops["Detach"+e.infix+"Policy"] = entityOp(e.kind, e.param, a.detach)
		ops["ListAttached"+e.infix+"Policies"] = entityOp(e.kind, e.param, a.listAttached)
	}
	return ops
}

type policyARNIn struct {
	PolicyArn string `query:"PolicyArn,required"`
}

func (a *api) attach(ctx context.Context, kind, entity string, in *policyARNIn) (any, error) {
	return nil, a.svc.AttachPolicy(ctx, kind, entity, in.PolicyArn)
}

func (a *api) detach(ctx context.Context, kind, entity string, in *policyARNIn) (any, error) {
	return nil, a.svc.DetachPolicy(ctx, kind, entity, in.PolicyArn)
}

type listAttachedIn struct {
	PathPrefix *string `query:"PathPrefix"`
	paging
}

type xmlAttached struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedResult struct {
	AttachedPolicies []xmlAttached `xml:"AttachedPolicies>member"`
	listResult
}

func (a *api) listAttached(ctx context.Context, kind, entity string, in *listAttachedIn) (any, error) {
	attached, next, err := a.svc.ListAttachedPolicies(ctx, kind, entity, in.PathPrefix, in.page())
	if err != nil {
		return nil, err
	}
	out := &listAttachedResult{AttachedPolicies: []xmlAttached{}, listResult: truncated(next)}
	for _, p := range attached {
		out.AttachedPolicies = append(out.AttachedPolicies, xmlAttached{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out, nil
}
