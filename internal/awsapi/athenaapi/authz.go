package athenaapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/query"
)

// resourceNames are the request fields that name Athena resources, read
// leniently ahead of the operation's own strict decoding.
type resourceNames struct {
	Name, WorkGroup, QueryExecutionId, NamedQueryId string
	QueryExecutionIds, NamedQueryIds                []string
}

// workGroups names the workgroups operation op acts on: every Athena
// operation is authorized on its workgroup (executions, named queries and
// prepared statements on the workgroup they belong to), except
// ListWorkGroups, which has no resource. Items that do not exist are left
// out; the operation reports them.
func (a *api) workGroups(ctx context.Context, op string, n *resourceNames) ([]string, error) {
	switch op {
	case "CreateWorkGroup":
		return []string{n.Name}, nil
	case "ListWorkGroups":
		return nil, nil
	case "GetQueryExecution", "GetQueryResults", "StopQueryExecution":
		return a.executionGroups(ctx, []string{n.QueryExecutionId})
	case "BatchGetQueryExecution":
		return a.executionGroups(ctx, n.QueryExecutionIds)
	case "GetNamedQuery", "DeleteNamedQuery":
		return a.namedQueryGroups(ctx, []string{n.NamedQueryId})
	case "BatchGetNamedQuery":
		return a.namedQueryGroups(ctx, n.NamedQueryIds)
	}
	// StartQueryExecution, ListQueryExecutions, Create/ListNamedQueries,
	// the prepared statements and the other workgroup operations name it.
	if n.WorkGroup == "" {
		return []string{query.PrimaryWorkGroup}, nil
	}
	return []string{n.WorkGroup}, nil
}

func (a *api) executionGroups(ctx context.Context, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		e, err := a.svc.GetQueryExecution(ctx, id)
		if errors.Is(err, query.ErrNotFound) || errors.Is(err, query.ErrInvalidRequest) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, e.WorkGroup)
	}
	return out, nil
}

func (a *api) namedQueryGroups(ctx context.Context, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		q, err := a.svc.GetNamedQuery(ctx, id)
		if errors.Is(err, query.ErrNotFound) || errors.Is(err, query.ErrInvalidRequest) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, q.WorkGroup)
	}
	return out, nil
}

// authorized wraps every operation of ops with its authorization.
func (a *api) authorized(ops map[string]awsapi.JSONOp) map[string]awsapi.JSONOp {
	for name, op := range ops {
		ops[name] = func(ctx context.Context, call *awsapi.Call) (any, error) {
			if err := a.authorize(ctx, call); err != nil {
				return nil, err
			}
			return op(ctx, call)
		}
	}
	return ops
}

// authorize checks athena:<operation> on each workgroup the call acts on.
func (a *api) authorize(ctx context.Context, call *awsapi.Call) error {
	if awsapi.AuthFrom(ctx) == nil || awsapi.AuthFrom(ctx).Identity.Root {
		return nil // nothing to check: skip the lookups too
	}
	var n resourceNames
	if body := strings.TrimSpace(string(call.Body)); body != "" {
		if err := json.Unmarshal([]byte(body), &n); err != nil {
			return awsapi.Errorf(http.StatusBadRequest, "SerializationException", "%s", err.Error())
		}
	}
	groups, err := a.workGroups(ctx, call.Operation, &n)
	if err != nil {
		return a.apiError(ctx, call.Operation, err)
	}
	action := "athena:" + call.Operation
	if call.Operation == "ListWorkGroups" {
		return awsapi.Authorize(ctx, action, "*", nil)
	}
	arns := newARNs(ctx)
	for _, g := range groups {
		if err := awsapi.Authorize(ctx, action, arns.workGroup(g), nil); err != nil {
			return err
		}
	}
	return nil
}

// arns builds ARNs in the caller's account and the request's region.
type arns struct{ region, account string }

func newARNs(ctx context.Context) arns {
	var a arns
	if auth := awsapi.AuthFrom(ctx); auth != nil {
		a.region, a.account = auth.Region, auth.Identity.AccountID
	}
	return a
}

func (a arns) workGroup(name string) string {
	return "arn:aws:athena:" + a.region + ":" + a.account + ":workgroup/" + name
}

func (a arns) glue(resource string) string {
	return "arn:aws:glue:" + a.region + ":" + a.account + ":" + resource
}

// callerAccess authorizes an execution's reads and writes as the caller
// of StartQueryExecution, as Athena does: glue:GetTable on the tables it
// reads (catalog, database and table) and the Glue actions of its DDL,
// s3:ListBucket and s3:GetObject on the data, and s3:PutObject on the
// result and on the data CREATE TABLE AS and INSERT INTO write. It keeps the request's
// values (identity and authorizer) but not its cancellation, since the
// execution outlives the request.
type callerAccess struct {
	ctx  context.Context
	arns arns
}

func newCallerAccess(ctx context.Context) query.Access {
	if awsapi.AuthFrom(ctx) == nil || awsapi.AuthFrom(ctx).Identity.Root {
		return nil
	}
	return &callerAccess{ctx: context.WithoutCancel(ctx), arns: newARNs(ctx)}
}

func (c *callerAccess) Catalog(_ context.Context, action, database, table string) error {
	resources := []string{c.arns.glue("catalog"), c.arns.glue("database/" + database)}
	if table != "" {
		resources = append(resources, c.arns.glue("table/"+database+"/"+table))
	}
	for _, res := range resources {
		if err := c.check(action, res, nil); err != nil {
			return err
		}
	}
	return nil
}

func (c *callerAccess) ListObjects(_ context.Context, bucket, prefix string) error {
	return c.check("s3:ListBucket", "arn:aws:s3:::"+bucket, map[string][]string{"s3:prefix": {prefix}})
}

func (c *callerAccess) GetObject(_ context.Context, bucket, key string) error {
	return c.check("s3:GetObject", "arn:aws:s3:::"+bucket+"/"+key, nil)
}

func (c *callerAccess) PutObject(_ context.Context, bucket, key string) error {
	return c.check("s3:PutObject", "arn:aws:s3:::"+bucket+"/"+key, nil)
}

// check authorizes one action and turns a denial into the query
// service's *query.Denied.
func (c *callerAccess) check(action, resource string, keys map[string][]string) error {
	err := awsapi.Authorize(c.ctx, action, resource, keys)
	var ae *awsapi.Error
	if errors.As(err, &ae) && strings.HasPrefix(ae.Code, "AccessDenied") {
		return &query.Denied{Message: ae.Message}
	}
	return err
}
