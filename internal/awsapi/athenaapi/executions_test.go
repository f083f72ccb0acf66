package athenaapi_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
)

func TestQueryExecutionLifecycle(t *testing.T) {
	c := start(t)
	ctx := context.Background()

	e := c.run(t, "SELECT 1 AS one, 'x' AS s, CAST(NULL AS VARCHAR) AS n, 2.5E0 AS d", "")
	id := *e.QueryExecutionId
	if e.StatementType != types.StatementTypeDml || aws.ToString(e.WorkGroup) != "primary" ||
		aws.ToString(e.ResultConfiguration.OutputLocation) != "s3://results/athena/"+id+".csv" ||
		aws.ToString(e.QueryExecutionContext.Database) != "default" || aws.ToString(e.QueryExecutionContext.Catalog) != "AwsDataCatalog" ||
		e.Status.SubmissionDateTime == nil || e.Status.CompletionDateTime == nil || e.EngineVersion == nil ||
		e.Statistics == nil || e.Statistics.TotalExecutionTimeInMillis == nil {
		t.Fatalf("execution: %+v", e)
	}
	out, err := c.athena.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	rows := out.ResultSet.Rows
	if len(rows) != 2 || *rows[0].Data[0].VarCharValue != "one" || *rows[1].Data[0].VarCharValue != "1" ||
		*rows[1].Data[1].VarCharValue != "x" || rows[1].Data[2].VarCharValue != nil || *rows[1].Data[3].VarCharValue != "2.5" {
		t.Fatalf("rows: %+v", rows)
	}
	var typs []string
	for _, ci := range out.ResultSet.ResultSetMetadata.ColumnInfo {
		typs = append(typs, *ci.Type)
	}
	if !reflect.DeepEqual(typs, []string{"integer", "varchar", "varchar", "double"}) {
		t.Fatalf("types %v", typs)
	}
	if csv := string(c.get(t, "results", "athena/"+id+".csv")); csv != "\"one\",\"s\",\"n\",\"d\"\n\"1\",\"x\",,\"2.5\"\n" {
		t.Fatalf("CSV %q", csv)
	}

	// A failed query: FAILED with AthenaError; its results are refused.
	bad := c.wait(t, c.startQuery(t, "SELECT nosuch_column FROM (SELECT 1 AS a)", ""))
	if bad.Status.State != types.QueryExecutionStateFailed || bad.Status.AthenaError == nil ||
		!strings.Contains(aws.ToString(bad.Status.StateChangeReason), "nosuch_column") || aws.ToInt32(bad.Status.AthenaError.ErrorCategory) != 2 {
		t.Fatalf("failed execution: %+v %+v", bad.Status, bad.Status.AthenaError)
	}
	_, err = c.athena.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: bad.QueryExecutionId})
	if apiCode(err) != "InvalidRequestException" {
		t.Fatalf("results of a failed query: %v", err)
	}
	_, err = c.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String("00000000-0000-0000-0000-000000000000")})
	if apiCode(err) != "InvalidRequestException" {
		t.Fatalf("unknown execution: %v", err)
	}
	_, err = c.athena.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(1001)})
	if apiCode(err) != "InvalidRequestException" {
		t.Fatalf("MaxResults 1001: %v", err)
	}

	// BatchGet reports unknown ids as unprocessed.
	bg, err := c.athena.BatchGetQueryExecution(ctx, &athena.BatchGetQueryExecutionInput{QueryExecutionIds: []string{id, "nope"}})
	if err != nil || len(bg.QueryExecutions) != 1 || len(bg.UnprocessedQueryExecutionIds) != 1 || *bg.UnprocessedQueryExecutionIds[0].QueryExecutionId != "nope" {
		t.Fatalf("batch get: %+v %v", bg, err)
	}

	// ClientRequestToken makes a start idempotent.
	token := "token-0123456789-0123456789-0123456789"
	var ids []string
	for range 2 {
		o, err := c.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 2"), ClientRequestToken: aws.String(token),
			ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena")}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *o.QueryExecutionId)
	}
	if ids[0] != ids[1] {
		t.Fatalf("same token, two executions: %v", ids)
	}

	// ExecutionParameters fill ? placeholders, as literals only.
	o, err := c.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT ? || 'b' AS s, ? + 1 AS n"),
		ExecutionParameters: []string{"'a'", "41"}, ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena")}})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(t, *o.QueryExecutionId)
	if rows, _ := c.results(t, *o.QueryExecutionId); !reflect.DeepEqual(rows, [][]string{{"s", "n"}, {"ab", "42"}}) {
		t.Fatalf("parameters: %v", rows)
	}
	o, _ = c.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT ?"),
		ExecutionParameters: []string{"1; DROP TABLE x"}, ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena")}})
	if e := c.wait(t, *o.QueryExecutionId); e.Status.State != types.QueryExecutionStateFailed {
		t.Fatalf("a non-literal parameter was accepted")
	}

	// Without an output location (none given, none in the workgroup) Athena refuses.
	_, err = c.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 1")})
	if apiCode(err) != "InvalidRequestException" || !strings.Contains(err.Error(), "output location") {
		t.Fatalf("no output location: %v", err)
	}
	_, err = c.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 1"), WorkGroup: aws.String("nope"),
		ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena")}})
	if apiCode(err) != "InvalidRequestException" {
		t.Fatalf("unknown workgroup: %v", err)
	}

	// ListQueryExecutions pages through the workgroup's executions.
	seen := map[string]bool{}
	p := athena.NewListQueryExecutionsPaginator(c.athena, &athena.ListQueryExecutionsInput{MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, id := range pg.QueryExecutionIds {
			seen[id] = true
		}
	}
	if len(seen) != 5 || pages != 3 || !seen[id] || !seen[*bad.QueryExecutionId] {
		t.Fatalf("listed %d executions in %d pages", len(seen), pages)
	}
}

func TestResultPaging(t *testing.T) {
	c := start(t)
	e := c.run(t, "SELECT x, 'row ' || CAST(x AS VARCHAR) AS label FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x", "")
	out, err := c.athena.GetQueryResults(context.Background(), &athena.GetQueryResultsInput{QueryExecutionId: e.QueryExecutionId, MaxResults: aws.Int32(1000)})
	if err != nil || len(out.ResultSet.Rows) != 1000 || out.NextToken == nil {
		t.Fatalf("first page: %d rows, token %v, %v", len(out.ResultSet.Rows), out.NextToken, err)
	}
	rows, _ := c.results(t, *e.QueryExecutionId)
	if len(rows) != 2501 || rows[0][0] != "x" || rows[1][0] != "1" || rows[2500][1] != "row 2500" {
		t.Fatalf("%d rows, first %v last %v", len(rows), rows[1], rows[len(rows)-1])
	}
	for i := 1; i < len(rows); i++ {
		if rows[i][0] != fmt.Sprint(i) {
			t.Fatalf("row %d is %v", i, rows[i])
		}
	}
}

func TestStopQueryExecution(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	id := c.startQuery(t, "SELECT count(*) FROM UNNEST(sequence(1, 200000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 200000)) AS b(y) WHERE x * y = 7", "")
	// Stop once it is running, so the engine really gets interrupted.
	deadline := time.Now().Add(30 * time.Second)
	for {
		o, err := c.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if o.QueryExecution.Status.State == types.QueryExecutionStateRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("query never ran: %s", o.QueryExecution.Status.State)
		}
		time.Sleep(time.Millisecond)
	}
	stopped := time.Now()
	if _, err := c.athena.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	e := c.wait(t, id)
	if e.Status.State != types.QueryExecutionStateCancelled {
		t.Fatalf("state %s (%s)", e.Status.State, aws.ToString(e.Status.StateChangeReason))
	}
	if d := time.Since(stopped); d > 5*time.Second {
		t.Fatalf("cancellation took %s", d)
	}
	// Stopping a finished execution changes nothing; an unknown one is an error.
	if _, err := c.athena.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.athena.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String("nope")}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("stop unknown: %v", err)
	}
	// The engine is free again.
	c.run(t, "SELECT 1", "")
}
