package sim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
)

// ErrAthenaUnavailable means the endpoint does not serve the Athena API.
var ErrAthenaUnavailable = errors.New("the Athena API is not available on this endpoint")

// QueryResult is a finished SELECT.
type QueryResult struct {
	ID      string
	Columns []string
	Rows    [][]string // the first rows, as many as asked for; NULL is ""
	Count   int        // all rows
	Elapsed time.Duration
}

// Query runs sql through the Athena API as a client would: start it with
// results under outputLocation, poll until it finishes, and page through
// the results, keeping the first keep rows.
func Query(ctx context.Context, cfg aws.Config, sql, database, outputLocation string, keep int) (*QueryResult, error) {
	client := athena.NewFromConfig(cfg)
	start := time.Now()
	started, err := client.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{
		QueryString:           aws.String(sql),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(database)},
		ResultConfiguration:   &athenatypes.ResultConfiguration{OutputLocation: aws.String(outputLocation)},
	})
	if err != nil {
		if errorCode(err) == "UnknownOperationException" {
			return nil, fmt.Errorf("%w: %v", ErrAthenaUnavailable, err)
		}
		return nil, fmt.Errorf("StartQueryExecution: %w", err)
	}
	id := aws.ToString(started.QueryExecutionId)
	if err := waitQuery(ctx, client, id); err != nil {
		return nil, err
	}
	res := &QueryResult{ID: id}
	in := &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(1000)}
	for first := true; ; first = false {
		page, err := client.GetQueryResults(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("GetQueryResults %s: %w", id, err)
		}
		rows := page.ResultSet.Rows
		if first {
			for _, c := range page.ResultSet.ResultSetMetadata.ColumnInfo {
				res.Columns = append(res.Columns, aws.ToString(c.Name))
			}
			if len(rows) > 0 {
				rows = rows[1:] // Athena's header row
			}
		}
		for _, r := range rows {
			res.Count++
			if len(res.Rows) < keep {
				vals := make([]string, len(r.Data))
				for i, d := range r.Data {
					vals[i] = aws.ToString(d.VarCharValue)
				}
				res.Rows = append(res.Rows, vals)
			}
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// waitQuery polls GetQueryExecution until the query leaves QUEUED/RUNNING,
// quickly at first since most queries here take milliseconds.
func waitQuery(ctx context.Context, client *athena.Client, id string) error {
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		out, err := client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			return fmt.Errorf("GetQueryExecution %s: %w", id, err)
		}
		st := out.QueryExecution.Status
		switch st.State {
		case athenatypes.QueryExecutionStateSucceeded:
			return nil
		case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
			return fmt.Errorf("query %s %s: %s", id, st.State, aws.ToString(st.StateChangeReason))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("query %s: %w", id, ctx.Err())
		case <-time.After(wait):
		}
	}
}
