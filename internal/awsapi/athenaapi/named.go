package athenaapi

import (
	"context"
	"errors"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/query"
)

type namedQuery struct {
	Name         string  `json:"Name"`
	Description  *string `json:"Description,omitempty"`
	Database     string  `json:"Database"`
	QueryString  string  `json:"QueryString"`
	NamedQueryId string  `json:"NamedQueryId,omitempty"`
	WorkGroup    string  `json:"WorkGroup,omitempty"`
}

type createNamedQueryInput struct {
	Name               string  `json:"Name"`
	Description        *string `json:"Description,omitempty"`
	Database           string  `json:"Database"`
	QueryString        string  `json:"QueryString"`
	ClientRequestToken *string `json:"ClientRequestToken,omitempty"`
	WorkGroup          *string `json:"WorkGroup,omitempty"`
}

func (a *api) createNamedQuery(ctx context.Context, in *createNamedQueryInput) (any, error) {
	q := query.NamedQuery{Name: in.Name, Description: str(in.Description), Database: in.Database, QueryString: in.QueryString, WorkGroup: str(in.WorkGroup)}
	id, err := a.svc.CreateNamedQuery(ctx, q, str(in.ClientRequestToken))
	if err != nil {
		return nil, err
	}
	return map[string]string{"NamedQueryId": id}, nil
}

func toNamedQuery(q *query.NamedQuery) namedQuery {
	out := namedQuery{Name: q.Name, Database: q.Database, QueryString: q.QueryString, NamedQueryId: q.ID, WorkGroup: q.WorkGroup}
	if q.Description != "" {
		out.Description = &q.Description
	}
	return out
}

type namedQueryIDInput struct {
	NamedQueryId string `json:"NamedQueryId"`
}

func (a *api) getNamedQuery(ctx context.Context, in *namedQueryIDInput) (any, error) {
	if err := required("NamedQueryId", in.NamedQueryId); err != nil {
		return nil, err
	}
	q, err := a.svc.GetNamedQuery(ctx, in.NamedQueryId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"NamedQuery": toNamedQuery(q)}, nil
}

func (a *api) listNamedQueries(ctx context.Context, in *listInput) (any, error) {
	ids, err := a.svc.ListNamedQueries(ctx, str(in.WorkGroup))
	if err != nil {
		return nil, err
	}
	pg, next, err := page(ids, str(in.NextToken), in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"NamedQueryIds": append([]string{}, pg...)}
	if next != nil {
		out["NextToken"] = *next
	}
	return out, nil
}

type batchGetNamedQueryInput struct {
	NamedQueryIds []string `json:"NamedQueryIds"`
}

func (a *api) batchGetNamedQuery(ctx context.Context, in *batchGetNamedQueryInput) (any, error) {
	if len(in.NamedQueryIds) < 1 || len(in.NamedQueryIds) > 50 {
		return nil, invalid("NamedQueryIds must have 1 to 50 entries")
	}
	type unprocessed struct {
		NamedQueryId string `json:"NamedQueryId"`
		ErrorCode    string `json:"ErrorCode"`
		ErrorMessage string `json:"ErrorMessage"`
	}
	out := struct {
		NamedQueries             []namedQuery  `json:"NamedQueries"`
		UnprocessedNamedQueryIds []unprocessed `json:"UnprocessedNamedQueryIds"`
	}{NamedQueries: []namedQuery{}, UnprocessedNamedQueryIds: []unprocessed{}}
	for _, id := range in.NamedQueryIds {
		q, err := a.svc.GetNamedQuery(ctx, id)
		var re *query.RequestError
		if errors.As(err, &re) {
			out.UnprocessedNamedQueryIds = append(out.UnprocessedNamedQueryIds, unprocessed{NamedQueryId: id, ErrorCode: "INVALID_INPUT", ErrorMessage: re.Msg})
			continue
		}
		if err != nil {
			return nil, err
		}
		out.NamedQueries = append(out.NamedQueries, toNamedQuery(q))
	}
	return out, nil
}

func (a *api) deleteNamedQuery(ctx context.Context, in *namedQueryIDInput) (any, error) {
	if err := required("NamedQueryId", in.NamedQueryId); err != nil {
		return nil, err
	}
	return empty{}, a.svc.DeleteNamedQuery(ctx, in.NamedQueryId)
}

type preparedStatementInput struct {
	StatementName  string  `json:"StatementName"`
	WorkGroup      string  `json:"WorkGroup"`
	QueryStatement string  `json:"QueryStatement,omitempty"`
	Description    *string `json:"Description,omitempty"`
}

func (in *preparedStatementInput) statement() query.PreparedStatement {
	return query.PreparedStatement{Name: in.StatementName, WorkGroup: in.WorkGroup, QueryStatement: in.QueryStatement, Description: str(in.Description)}
}

func (a *api) createPreparedStatement(ctx context.Context, in *preparedStatementInput) (any, error) {
	return empty{}, a.svc.CreatePreparedStatement(ctx, in.statement())
}

func (a *api) updatePreparedStatement(ctx context.Context, in *preparedStatementInput) (any, error) {
	return empty{}, a.svc.UpdatePreparedStatement(ctx, in.statement())
}

func (a *api) getPreparedStatement(ctx context.Context, in *preparedStatementInput) (any, error) {
	if err := required("StatementName", in.StatementName); err != nil {
		return nil, err
	}
	if err := required("WorkGroup", in.WorkGroup); err != nil {
		return nil, err
	}
	p, err := a.svc.GetPreparedStatement(ctx, in.WorkGroup, in.StatementName)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"StatementName": p.Name, "QueryStatement": p.QueryStatement, "WorkGroupName": p.WorkGroup,
		"LastModifiedTime": awsapi.Timestamp{Time: p.LastModified},
	}
	if p.Description != "" {
		out["Description"] = p.Description
	}
	return map[string]any{"PreparedStatement": out}, nil
}

type listPreparedStatementsInput struct {
	WorkGroup  string  `json:"WorkGroup"`
	NextToken  *string `json:"NextToken,omitempty"`
	MaxResults int     `json:"MaxResults,omitempty"`
}

func (a *api) listPreparedStatements(ctx context.Context, in *listPreparedStatementsInput) (any, error) {
	if err := required("WorkGroup", in.WorkGroup); err != nil {
		return nil, err
	}
	ps, err := a.svc.ListPreparedStatements(ctx, in.WorkGroup)
	if err != nil {
		return nil, err
	}
	pg, next, err := page(ps, str(in.NextToken), in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	type summary struct {
		StatementName    string           `json:"StatementName"`
		LastModifiedTime awsapi.Timestamp `json:"LastModifiedTime"`
	}
	out := struct {
		PreparedStatements []summary `json:"PreparedStatements"`
		NextToken          *string   `json:"NextToken,omitempty"`
	}{PreparedStatements: []summary{}, NextToken: next}
	for _, p := range pg {
		out.PreparedStatements = append(out.PreparedStatements, summary{StatementName: p.Name, LastModifiedTime: awsapi.Timestamp{Time: p.LastModified}})
	}
	return out, nil
}

func (a *api) deletePreparedStatement(ctx context.Context, in *preparedStatementInput) (any, error) {
	if err := required("StatementName", in.StatementName); err != nil {
		return nil, err
	}
	return empty{}, a.svc.DeletePreparedStatement(ctx, in.WorkGroup, in.StatementName)
}
