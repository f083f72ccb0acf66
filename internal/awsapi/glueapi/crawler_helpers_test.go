package glueapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// crawlEnv is a server with the clients crawler tests use.
type crawlEnv struct {
	glue   *glue.Client
	s3     *s3.Client
	athena *athena.Client
}

func startCrawlEnv(t *testing.T) *crawlEnv {
	t.Helper()
	env := testenv.Start(t)
	cfg := env.AWSConfig()
	return &crawlEnv{
		glue:   glue.NewFromConfig(cfg),
		s3:     s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		athena: athena.NewFromConfig(cfg),
	}
}

func (e *crawlEnv) bucket(t *testing.T, name string) {
	t.Helper()
	must(e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}))
}

func (e *crawlEnv) put(t *testing.T, bucket, key, body string) {
	t.Helper()
	must(e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}))
}

func (e *crawlEnv) remove(t *testing.T, bucket, key string) {
	t.Helper()
	must(e.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}))
}

// crawl runs the crawler and waits until it is READY again with a new
// LastCrawl, which it returns.
func (e *crawlEnv) crawl(t *testing.T, name string) *types.Crawler {
	t.Helper()
	before := must(e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String(name)})).Crawler
	prev := ""
	if before.LastCrawl != nil {
		prev = aws.ToString(before.LastCrawl.MessagePrefix)
	}
	must(e.glue.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String(name)}))
	var c *types.Crawler
	testenv.Eventually(t, 30*time.Second, "crawler "+name+" READY", func() bool {
		c = must(e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String(name)})).Crawler
		return c.State == types.CrawlerStateReady && c.LastCrawl != nil && aws.ToString(c.LastCrawl.MessagePrefix) != prev
	})
	return c
}

func (e *crawlEnv) table(t *testing.T, db, name string) *types.Table {
	t.Helper()
	return must(e.glue.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(db), Name: aws.String(name)})).Table
}

func (e *crawlEnv) partitions(t *testing.T, db, table string) []string {
	t.Helper()
	var out []string
	p := glue.NewGetPartitionsPaginator(e.glue, &glue.GetPartitionsInput{DatabaseName: aws.String(db), TableName: aws.String(table)})
	for p.HasMorePages() {
		for _, part := range must(p.NextPage(ctx)).Partitions {
			out = append(out, strings.Join(part.Values, "/"))
		}
	}
	return out
}

func (e *crawlEnv) metrics(t *testing.T, name string) types.CrawlerMetrics {
	t.Helper()
	ms := must(e.glue.GetCrawlerMetrics(ctx, &glue.GetCrawlerMetricsInput{CrawlerNameList: []string{name}})).CrawlerMetricsList
	if len(ms) != 1 {
		t.Fatalf("metrics of %s: %+v", name, ms)
	}
	return ms[0]
}

// query runs sql in db through Athena and returns the rows after the
// header, cells joined by "|".
func (e *crawlEnv) query(t *testing.T, db, sql string) []string {
	t.Helper()
	id := must(e.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{
		QueryString:           aws.String(sql),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(db)},
		ResultConfiguration:   &athenatypes.ResultConfiguration{OutputLocation: aws.String("s3://results/")},
	})).QueryExecutionId
	testenv.Eventually(t, 30*time.Second, "query "+sql, func() bool {
		st := must(e.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: id})).QueryExecution.Status
		switch st.State {
		case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
			t.Fatalf("query %s: %s %s", sql, st.State, aws.ToString(st.StateChangeReason))
		}
		return st.State == athenatypes.QueryExecutionStateSucceeded
	})
	rows := must(e.athena.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: id})).ResultSet.Rows
	var out []string
	for _, r := range rows[1:] {
		cells := make([]string, len(r.Data))
		for i, d := range r.Data {
			cells[i] = aws.ToString(d.VarCharValue)
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

func s3Targets(paths ...string) *types.CrawlerTargets {
	t := &types.CrawlerTargets{}
	for _, p := range paths {
		t.S3Targets = append(t.S3Targets, types.S3Target{Path: aws.String(p)})
	}
	return t
}

func columnNames(cols []types.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = aws.ToString(c.Name) + ":" + aws.ToString(c.Type)
	}
	return strings.Join(names, ",")
}

func jsonLines(n int, line func(i int) string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintln(&b, line(i))
	}
	return b.String()
}
