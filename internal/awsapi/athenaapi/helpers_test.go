package athenaapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/shoal-dev/shoal/internal/testenv"
)

type clients struct {
	env    *testenv.Env
	athena *athena.Client
	glue   *glue.Client
	s3     *s3.Client
}

func start(t *testing.T) *clients {
	t.Helper()
	env := testenv.Start(t)
	cfg := env.AWSConfig()
	c := &clients{
		env:    env,
		athena: athena.NewFromConfig(cfg),
		glue:   glue.NewFromConfig(cfg),
		s3:     s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
	}
	c.mkBucket(t, "results")
	return c
}

func (c *clients) mkBucket(t *testing.T, name string) {
	t.Helper()
	if _, err := c.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

func (c *clients) put(t *testing.T, bucket, key string, data []byte) {
	t.Helper()
	_, err := c.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

func (c *clients) get(t *testing.T, bucket, key string) []byte {
	t.Helper()
	out, err := c.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parquet renders the rows of a DuckDB query as a Parquet file, the way a
// converting delivery stream would write it.
func parquet(t *testing.T, query string) []byte {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(t.TempDir(), "f.parquet")
	if _, err := db.Exec("COPY (" + query + ") TO '" + path + "' (FORMAT parquet)"); err != nil {
		t.Fatalf("generate parquet: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startQuery starts a query with the results bucket as output location.
func (c *clients) startQuery(t *testing.T, q string, db string) string {
	t.Helper()
	in := &athena.StartQueryExecutionInput{
		QueryString:         aws.String(q),
		ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena/")},
	}
	if db != "" {
		in.QueryExecutionContext = &types.QueryExecutionContext{Database: aws.String(db)}
	}
	out, err := c.athena.StartQueryExecution(context.Background(), in)
	if err != nil {
		t.Fatalf("start %q: %v", q, err)
	}
	return *out.QueryExecutionId
}

// wait polls GetQueryExecution until the execution ends.
func (c *clients) wait(t *testing.T, id string) *types.QueryExecution {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := c.athena.GetQueryExecution(context.Background(), &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			t.Fatalf("get execution %s: %v", id, err)
		}
		switch out.QueryExecution.Status.State {
		case types.QueryExecutionStateSucceeded, types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			return out.QueryExecution
		}
		if time.Now().After(deadline) {
			t.Fatalf("execution %s still %s", id, out.QueryExecution.Status.State)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run executes a statement and requires success.
func (c *clients) run(t *testing.T, q, db string) *types.QueryExecution {
	t.Helper()
	e := c.wait(t, c.startQuery(t, q, db))
	if e.Status.State != types.QueryExecutionStateSucceeded {
		t.Fatalf("%q: %s: %s", q, e.Status.State, aws.ToString(e.Status.StateChangeReason))
	}
	return e
}

// results reads every page of a result as rows of strings ("NULL" for null).
func (c *clients) results(t *testing.T, id string) ([][]string, []types.ColumnInfo) {
	t.Helper()
	var rows [][]string
	var cols []types.ColumnInfo
	p := athena.NewGetQueryResultsPaginator(c.athena, &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("results of %s: %v", id, err)
		}
		cols = out.ResultSet.ResultSetMetadata.ColumnInfo
		for _, r := range out.ResultSet.Rows {
			row := make([]string, len(r.Data))
			for i, d := range r.Data {
				row[i] = "NULL"
				if d.VarCharValue != nil {
					row[i] = *d.VarCharValue
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, cols
}

// apiCode returns the AWS error code of err ("" when nil).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
