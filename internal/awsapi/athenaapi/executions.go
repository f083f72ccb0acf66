package athenaapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/query"
)

type executionContext struct {
	Database *string `json:"Database,omitempty"`
	Catalog  *string `json:"Catalog,omitempty"`
}

type encryptionConfiguration struct {
	EncryptionOption string  `json:"EncryptionOption"`
	KmsKey           *string `json:"KmsKey,omitempty"`
}

type aclConfiguration struct {
	S3AclOption string `json:"S3AclOption"`
}

type resultConfiguration struct {
	OutputLocation          *string                  `json:"OutputLocation,omitempty"`
	EncryptionConfiguration *encryptionConfiguration `json:"EncryptionConfiguration,omitempty"`
	ExpectedBucketOwner     *string                  `json:"ExpectedBucketOwner,omitempty"`
	AclConfiguration        *aclConfiguration        `json:"AclConfiguration,omitempty"`
}

type resultReuseConfiguration struct {
	ResultReuseByAgeConfiguration *struct {
		Enabled         bool   `json:"Enabled"`
		MaxAgeInMinutes *int32 `json:"MaxAgeInMinutes,omitempty"`
	} `json:"ResultReuseByAgeConfiguration,omitempty"`
}

type startQueryExecutionInput struct {
	QueryString              string                    `json:"QueryString"`
	ClientRequestToken       *string                   `json:"ClientRequestToken,omitempty"`
	QueryExecutionContext    *executionContext         `json:"QueryExecutionContext,omitempty"`
	ResultConfiguration      *resultConfiguration      `json:"ResultConfiguration,omitempty"`
	WorkGroup                *string                   `json:"WorkGroup,omitempty"`
	ExecutionParameters      []string                  `json:"ExecutionParameters,omitempty"`
	ResultReuseConfiguration *resultReuseConfiguration `json:"ResultReuseConfiguration,omitempty"`
}

func (a *api) startQueryExecution(ctx context.Context, in *startQueryExecutionInput) (any, error) {
	if err := required("QueryString", in.QueryString); err != nil {
		return nil, err
	}
	si := query.StartInput{
		Query: in.QueryString, ClientRequestToken: str(in.ClientRequestToken), WorkGroup: str(in.WorkGroup),
		ExecutionParameters: in.ExecutionParameters, Access: newCallerAccess(ctx),
	}
	if c := in.QueryExecutionContext; c != nil {
		si.Database, si.Catalog = str(c.Database), str(c.Catalog)
	}
	if r := in.ResultConfiguration; r != nil {
		si.OutputLocation = str(r.OutputLocation)
	}
	id, err := a.svc.StartQueryExecution(ctx, si)
	if err != nil {
		return nil, err
	}
	return map[string]string{"QueryExecutionId": id}, nil
}

type athenaError struct {
	ErrorCategory int    `json:"ErrorCategory"`
	ErrorType     int    `json:"ErrorType"`
	Retryable     bool   `json:"Retryable"`
	ErrorMessage  string `json:"ErrorMessage"`
}

type status struct {
	State              string            `json:"State"`
	StateChangeReason  string            `json:"StateChangeReason,omitempty"`
	SubmissionDateTime awsapi.Timestamp  `json:"SubmissionDateTime"`
	CompletionDateTime *awsapi.Timestamp `json:"CompletionDateTime,omitempty"`
	AthenaError        *athenaError      `json:"AthenaError,omitempty"`
}

type statistics struct {
	EngineExecutionTimeInMillis   int64 `json:"EngineExecutionTimeInMillis"`
	DataScannedInBytes            int64 `json:"DataScannedInBytes"`
	TotalExecutionTimeInMillis    int64 `json:"TotalExecutionTimeInMillis"`
	QueryQueueTimeInMillis        int64 `json:"QueryQueueTimeInMillis"`
	QueryPlanningTimeInMillis     int64 `json:"QueryPlanningTimeInMillis"`
	ServiceProcessingTimeInMillis int64 `json:"ServiceProcessingTimeInMillis"`
	ResultReuseInformation        struct {
		ReusedPreviousResult bool `json:"ReusedPreviousResult"`
	} `json:"ResultReuseInformation"`
}

type engineVersion struct {
	SelectedEngineVersion  string `json:"SelectedEngineVersion"`
	EffectiveEngineVersion string `json:"EffectiveEngineVersion"`
}

type queryExecution struct {
	QueryExecutionId      string              `json:"QueryExecutionId"`
	Query                 string              `json:"Query"`
	StatementType         string              `json:"StatementType"`
	ResultConfiguration   resultConfiguration `json:"ResultConfiguration"`
	QueryExecutionContext executionContext    `json:"QueryExecutionContext"`
	Status                status              `json:"Status"`
	Statistics            statistics          `json:"Statistics"`
	WorkGroup             string              `json:"WorkGroup"`
	EngineVersion         engineVersion       `json:"EngineVersion"`
	ExecutionParameters   []string            `json:"ExecutionParameters,omitempty"`
}

func toExecution(e *query.Execution) queryExecution {
	out := queryExecution{
		QueryExecutionId: e.ID, Query: e.Query, StatementType: e.StatementType,
		ResultConfiguration:   resultConfiguration{OutputLocation: &e.OutputLocation},
		QueryExecutionContext: executionContext{Database: &e.Database, Catalog: &e.Catalog},
		Status:                status{State: e.State, StateChangeReason: e.StateChangeReason, SubmissionDateTime: awsapi.Timestamp{Time: e.Submitted}},
		Statistics: statistics{
			EngineExecutionTimeInMillis: e.Stats.EngineExecutionTimeInMillis, DataScannedInBytes: e.Stats.DataScannedInBytes,
			TotalExecutionTimeInMillis: e.Stats.TotalExecutionTimeInMillis, QueryQueueTimeInMillis: e.Stats.QueryQueueTimeInMillis,
			QueryPlanningTimeInMillis: e.Stats.QueryPlanningTimeInMillis, ServiceProcessingTimeInMillis: e.Stats.ServiceProcessingTimeInMillis,
		},
		WorkGroup:           e.WorkGroup,
		EngineVersion:       engineVersion{SelectedEngineVersion: "AUTO", EffectiveEngineVersion: query.EngineVersion},
		ExecutionParameters: e.ExecutionParameters,
	}
	if !e.Completed.IsZero() {
		out.Status.CompletionDateTime = &awsapi.Timestamp{Time: e.Completed}
	}
	if e.Error != nil {
		out.Status.AthenaError = &athenaError{ErrorCategory: e.Error.Category, ErrorType: e.Error.Type, ErrorMessage: e.Error.Message}
	}
	return out
}

type executionIDInput struct {
	QueryExecutionId string `json:"QueryExecutionId"`
}

func (a *api) getQueryExecution(ctx context.Context, in *executionIDInput) (any, error) {
	if err := required("QueryExecutionId", in.QueryExecutionId); err != nil {
		return nil, err
	}
	e, err := a.svc.GetQueryExecution(ctx, in.QueryExecutionId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"QueryExecution": toExecution(e)}, nil
}

type batchGetQueryExecutionInput struct {
	QueryExecutionIds []string `json:"QueryExecutionIds"`
}

type unprocessedExecution struct {
	QueryExecutionId string `json:"QueryExecutionId"`
	ErrorCode        string `json:"ErrorCode"`
	ErrorMessage     string `json:"ErrorMessage"`
}

func (a *api) batchGetQueryExecution(ctx context.Context, in *batchGetQueryExecutionInput) (any, error) {
	if len(in.QueryExecutionIds) < 1 || len(in.QueryExecutionIds) > 50 {
		return nil, invalid("QueryExecutionIds must have 1 to 50 entries")
	}
	found, missing, err := a.svc.BatchGetQueryExecution(ctx, in.QueryExecutionIds)
	if err != nil {
		return nil, err
	}
	out := struct {
		QueryExecutions              []queryExecution       `json:"QueryExecutions"`
		UnprocessedQueryExecutionIds []unprocessedExecution `json:"UnprocessedQueryExecutionIds"`
	}{QueryExecutions: []queryExecution{}, UnprocessedQueryExecutionIds: []unprocessedExecution{}}
	for _, e := range found {
		out.QueryExecutions = append(out.QueryExecutions, toExecution(e))
	}
	for _, id := range missing {
		out.UnprocessedQueryExecutionIds = append(out.UnprocessedQueryExecutionIds, unprocessedExecution{QueryExecutionId: id, ErrorCode: "INVALID_INPUT", ErrorMessage: "QueryExecution " + id + " was not found"})
	}
	return out, nil
}

type listInput struct {
	NextToken  *string `json:"NextToken,omitempty"`
	MaxResults int     `json:"MaxResults,omitempty"`
	WorkGroup  *string `json:"WorkGroup,omitempty"`
}

func (a *api) listQueryExecutions(ctx context.Context, in *listInput) (any, error) {
	if in.MaxResults < 0 || in.MaxResults > 50 {
		return nil, invalid("MaxResults must be between 0 and 50")
	}
	ids, next, err := a.svc.ListQueryExecutions(ctx, str(in.WorkGroup), str(in.NextToken), in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"QueryExecutionIds": append([]string{}, ids...)}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (a *api) stopQueryExecution(ctx context.Context, in *executionIDInput) (any, error) {
	if err := required("QueryExecutionId", in.QueryExecutionId); err != nil {
		return nil, err
	}
	return empty{}, a.svc.StopQueryExecution(ctx, in.QueryExecutionId)
}

type getQueryResultsInput struct {
	QueryExecutionId string  `json:"QueryExecutionId"`
	NextToken        *string `json:"NextToken,omitempty"`
	MaxResults       int     `json:"MaxResults,omitempty"`
	QueryResultType  *string `json:"QueryResultType,omitempty"`
}

type datum struct {
	VarCharValue *string `json:"VarCharValue,omitempty"`
}

type row struct {
	Data []datum `json:"Data"`
}

func (a *api) getQueryResults(ctx context.Context, in *getQueryResultsInput) (any, error) {
	if err := required("QueryExecutionId", in.QueryExecutionId); err != nil {
		return nil, err
	}
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, invalid("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000", in.MaxResults)
	}
	res, err := a.svc.GetQueryResults(ctx, in.QueryExecutionId, str(in.NextToken), in.MaxResults)
	if err != nil {
		return nil, err
	}
	rows := make([]row, len(res.Rows))
	for i, r := range res.Rows {
		rows[i].Data = make([]datum, len(r))
		for j, v := range r {
			rows[i].Data[j].VarCharValue = v
		}
	}
	cols := res.Columns
	if cols == nil {
		cols = []query.ColumnInfo{}
	}
	out := map[string]any{
		"UpdateCount": res.UpdateCount,
		"ResultSet": map[string]any{
			"Rows":              rows,
			"ResultSetMetadata": map[string]any{"ColumnInfo": cols},
		},
	}
	if res.NextToken != "" {
		out["NextToken"] = res.NextToken
	}
	return out, nil
}
