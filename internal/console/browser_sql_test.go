package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gt "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/shoal-dev/shoal/internal/console/browsertest"
	"github.com/shoal-dev/shoal/internal/testenv"
)

const uiWait = 30 * time.Second

// signedIn starts a server and a browser signed in to its console.
func signedIn(t *testing.T) (*testenv.Env, *browsertest.Browser, string) {
	t.Helper()
	env := testenv.Start(t)
	b := browsertest.New(t)
	base := env.Server.ConsoleURL()
	id, secret := env.Server.RootCredentials()
	b.SignIn(base, id, secret)
	return env, b, base
}

// open navigates to a console route and waits for a selector to appear.
func open(b *browsertest.Browser, base, route, ready string) {
	b.Run(uiWait, chromedp.Navigate(base+"/#"+route))
	b.WaitFor(uiWait, fmt.Sprintf(`document.querySelector(%q)`, ready))
}

// setQuery replaces the SQL editor's text as typing would.
func setQuery(b *browsertest.Browser, sql string) {
	q, _ := json.Marshal(sql)
	b.Eval(fmt.Sprintf(`(() => { const t = document.querySelector('#sql-editor'); t.value = %s; t.dispatchEvent(new Event('input')); return true })()`, q), nil)
}

// runWithKeys runs the editor's query with Ctrl+Enter.
func runWithKeys(b *browsertest.Browser) {
	b.Eval(`document.querySelector('#sql-editor').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', ctrlKey: true, bubbles: true}))`, nil)
}

// evalString evaluates a JavaScript expression (awaiting a promise) to a string.
func evalString(b *browsertest.Browser, expr string) string {
	var s string
	b.Run(uiWait, chromedp.Evaluate(expr, &s, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	return s
}

func TestBrowserSQLEditor(t *testing.T) {
	env, b, base := signedIn(t)
	ctx := context.Background()
	// The primary workgroup has no result location: the editor proposes one
	// in the first bucket.
	s3c := s3.NewFromConfig(env.AWSConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("results")}); err != nil {
		t.Fatal(err)
	}

	open(b, base, "/sql", "#sql-database option")
	b.WaitFor(uiWait, `document.querySelector('#sql-output-location').value === 's3://results/athena-results/'`)

	// 150 rows: the first page holds 99 (the header row counts), the second the rest.
	setQuery(b, "SELECT n, 'row ' || CAST(n AS varchar) AS label\nFROM UNNEST(sequence(1, 150)) AS t(n)\nORDER BY n")
	runWithKeys(b)
	b.WaitFor(uiWait, `document.querySelector('#sql-status').dataset.state === 'SUCCEEDED' && document.querySelectorAll('#sql-results tbody tr').length === 99`)
	if got := evalString(b, `[...document.querySelectorAll('#sql-results thead th')].map(th => th.firstChild.textContent).join(',')`); got != "#,n,label" {
		t.Errorf("result header %q, want #,n,label", got)
	}
	if got := evalString(b, `[...document.querySelectorAll('#sql-results tbody tr:first-child td')].map(td => td.textContent).join('|')`); got != "1|1|row 1" {
		t.Errorf("first result row %q", got)
	}
	if got := evalString(b, `document.querySelector('#sql-scanned').textContent + ' ' + document.querySelector('#sql-elapsed').textContent`); strings.Contains(got, "–") {
		t.Errorf("status lacks data scanned or run time: %q", got)
	}
	b.Screenshot("results")

	b.Run(uiWait, chromedp.Click("#sql-next-page", chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelectorAll('#sql-results tbody tr').length === 51`)
	if got := evalString(b, `document.querySelector('#sql-results tbody tr td:nth-child(2)').textContent`); got != "100" {
		t.Errorf("second page starts at %q, want 100", got)
	}
	b.WaitFor(uiWait, `document.querySelector('#sql-next-page').disabled && !document.querySelector('#sql-prev-page').disabled`)

	// The CSV download is the execution's result object.
	href := evalString(b, `document.querySelector('#sql-download').getAttribute('href')`)
	if !strings.HasPrefix(href, "/api/s3/results/athena-results/") || !strings.HasSuffix(href, ".csv") {
		t.Errorf("download link %q", href)
	}
	csv := evalString(b, `fetch(document.querySelector('#sql-download').href).then(r => r.text())`)
	if !strings.HasPrefix(csv, `"n","label"`) || !strings.Contains(csv, `"150","row 150"`) {
		t.Errorf("downloaded CSV starts %.60q", csv)
	}

	// DuckDB-style position (LINE n + caret): line 2, column 7 is selected.
	setQuery(b, "SELECT *\nFROMM t")
	b.Run(uiWait, chromedp.Click("#sql-run", chromedp.ByQuery))
	b.WaitFor(uiWait, `!document.querySelector('#sql-error').hidden && document.querySelector('#sql-error').dataset.line`)
	pos := evalString(b, `(() => { const e = document.querySelector('#sql-error'), t = document.querySelector('#sql-editor');
		return [e.dataset.line, e.dataset.column, t.selectionStart, document.querySelector('.code-gutter .err')?.textContent].join(',') })()`)
	if pos != "2,7,15,2" {
		t.Errorf("error position (line, column, selection start, marked gutter line) = %s, want 2,7,15,2", pos)
	}
	if msg := evalString(b, `document.querySelector('#sql-error').textContent`); !strings.Contains(msg, "Line 2, column 7") || !strings.Contains(msg, "SYNTAX_ERROR") {
		t.Errorf("error box %q", msg)
	}
	b.Screenshot("error")

	// Trino-style position ('line 1:8:').
	setQuery(b, "SELECT nosuch(1)")
	runWithKeys(b)
	b.WaitFor(uiWait, `document.querySelector('#sql-status').dataset.state === 'FAILED' && document.querySelector('#sql-error').dataset.column === '8'`)

	// History lists both runs; opening the first loads its query and results.
	b.Run(uiWait, chromedp.Click(`[data-tab="history"]`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelectorAll('#sql-history-table tbody tr').length === 3`)
	b.Run(uiWait, chromedp.Click(`#sql-history-table tbody tr:last-child`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#sql-editor').value.startsWith('SELECT n,') && document.querySelectorAll('#sql-results tbody tr').length === 99 && document.querySelector('#sql-error').hidden`)

	// Save the query, find it under saved queries, open and delete it.
	b.Run(uiWait,
		chromedp.Click("#sql-save", chromedp.ByQuery),
		chromedp.SendKeys("#sql-save-name", "Numbers", chromedp.ByQuery),
		chromedp.SendKeys("#sql-save-description", "one to 150", chromedp.ByQuery),
		chromedp.Click("#sql-save-confirm", chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#sql-saved-table tr[data-name="Numbers"]')`)
	setQuery(b, "SELECT 1")
	b.Run(uiWait, chromedp.Click(`#sql-saved-table tr[data-name="Numbers"] button.open`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#sql-editor').value.startsWith('SELECT n,')`)
	b.Eval(`window.confirm = () => true`, nil)
	b.Run(uiWait, chromedp.Click(`#sql-saved-table tr[data-name="Numbers"] button.delete`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#sql-saved-empty')`)
	b.NoErrors()
}

func TestBrowserResourcePages(t *testing.T) {
	env, b, base := signedIn(t)
	makeResources(t, env)

	open(b, base, "/streams", `#streams-table tr[data-stream="orders"]`)
	open(b, base, "/streams/orders", "#shards-table")
	b.WaitFor(uiWait, `document.querySelectorAll('#shards-table tbody tr').length === 2`)
	// Metrics render as charts or, where the server has none, say so.
	b.WaitFor(uiWait, `document.querySelector('#stream-metrics-cards .stat') || document.querySelector('#stream-metrics-status').textContent.includes('unavailable')`)
	b.Screenshot("stream")

	open(b, base, "/delivery", `#delivery-table tr[data-delivery="orders-to-lake"]`)
	open(b, base, "/delivery/orders-to-lake", "#delivery-config")
	if got := evalString(b, `document.querySelector('#delivery-error-prefix').getAttribute('href')`); got != "#/buckets/lake?prefix=errors%2F" && got != "#/buckets/lake/errors" {
		t.Errorf("error prefix links to %q", got)
	}
	if got := evalString(b, `document.querySelector('#delivery-config').textContent`); !strings.Contains(got, "Kinesis data stream: orders") {
		t.Errorf("configuration lacks the source stream: %q", got)
	}
	b.Screenshot("delivery")

	open(b, base, "/buckets", `#buckets-table tr[data-bucket="lake"]`)
	open(b, base, "/buckets/lake", `#bucket-table tr[data-prefix="data/"]`)
	b.Run(uiWait, chromedp.Click(`#bucket-table tr[data-prefix="data/"] a`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#bucket-table tr[data-key="data/part-0.json"]')`)
	got := evalString(b, `fetch(document.querySelector('#bucket-table tr[data-key="data/part-0.json"] a.download').href).then(r => r.text())`)
	if got != `{"id":1}` {
		t.Errorf("downloaded object %q", got)
	}

	// A level of more than 1000 objects pages with continuation tokens.
	open(b, base, "/buckets/lake/many", `#bucket-table tr.object`)
	b.WaitFor(uiWait, `document.querySelectorAll('#bucket-table tr.object').length === 1000 && !document.querySelector('#bucket-next').disabled`)
	b.Run(uiWait, chromedp.Click("#bucket-next", chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelectorAll('#bucket-table tr.object').length === 1 && !document.querySelector('#bucket-prev').disabled`)

	open(b, base, "/catalog", `#databases-table tr[data-database="shop"]`)
	open(b, base, "/catalog/shop", `#tables-table tr[data-table="orders"]`)
	open(b, base, "/catalog/shop/orders", `#columns-table tr[data-column="dt"]`)
	b.Run(uiWait, chromedp.Click(`[data-tab="partitions"]`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelectorAll('#partitions-table tbody tr').length === 1`)
	b.Run(uiWait, chromedp.Click(`[data-tab="versions"]`, chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#versions-table tbody tr')`)
	b.Screenshot("table")

	// "Query table" opens the SQL editor on the table and runs a preview.
	b.Run(uiWait, chromedp.Click("#table-query", chromedp.ByQuery))
	b.WaitFor(uiWait, `document.querySelector('#sql-editor')?.value === 'SELECT * FROM "shop"."orders" LIMIT 10;' && document.querySelector('#sql-database').value === 'shop'`)
	b.WaitFor(uiWait, `['SUCCEEDED', 'FAILED'].includes(document.querySelector('#sql-status').dataset.state)`)
	if state := evalString(b, `document.querySelector('#sql-status').dataset.state + ' ' + document.querySelector('#sql-error').textContent`); state != "SUCCEEDED " {
		t.Errorf("table preview query: %s", state)
	}
	b.NoErrors()
}

// makeResources creates a data stream feeding a delivery stream into a
// bucket, and a partitioned catalog table.
func makeResources(t *testing.T, env *testenv.Env) {
	t.Helper()
	ctx := context.Background()
	cfg := env.AWSConfig()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	must(t, "create bucket", func() error {
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lake")})
		return err
	})
	must(t, "put object", func() error {
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lake"), Key: aws.String("data/part-0.json"), Body: strings.NewReader(`{"id":1}`)})
		return err
	})
	putMany(t, s3c, "lake", "many/", 1001)
	must(t, "create stream", func() error {
		_, err := kinesis.NewFromConfig(cfg).CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(2)})
		return err
	})
	role := "arn:aws:iam::000000000000:role/firehose"
	must(t, "create delivery stream", func() error {
		_, err := firehose.NewFromConfig(cfg).CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
			DeliveryStreamName: aws.String("orders-to-lake"), DeliveryStreamType: fh.DeliveryStreamTypeKinesisStreamAsSource,
			KinesisStreamSourceConfiguration: &fh.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/orders"), RoleARN: aws.String(role)},
			ExtendedS3DestinationConfiguration: &fh.ExtendedS3DestinationConfiguration{
				BucketARN: aws.String("arn:aws:s3:::lake"), RoleARN: aws.String(role),
				Prefix: aws.String("data/"), ErrorOutputPrefix: aws.String("errors/"),
			},
		})
		return err
	})
	gc := glue.NewFromConfig(cfg)
	must(t, "create database", func() error {
		_, err := gc.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gt.DatabaseInput{Name: aws.String("shop")}})
		return err
	})
	sd := &gt.StorageDescriptor{
		Columns:   []gt.Column{{Name: aws.String("id"), Type: aws.String("int")}},
		Location:  aws.String("s3://lake/data/"),
		SerdeInfo: &gt.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
	}
	must(t, "create table", func() error {
		_, err := gc.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("shop"), TableInput: &gt.TableInput{
			Name: aws.String("orders"), TableType: aws.String("EXTERNAL_TABLE"), StorageDescriptor: sd,
			PartitionKeys: []gt.Column{{Name: aws.String("dt"), Type: aws.String("string")}},
		}})
		return err
	})
	must(t, "create partition", func() error {
		psd := *sd
		psd.Location = aws.String("s3://lake/data/dt=2026-01-01/")
		_, err := gc.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: aws.String("shop"), TableName: aws.String("orders"),
			PartitionInput: &gt.PartitionInput{Values: []string{"2026-01-01"}, StorageDescriptor: &psd}})
		return err
	})
}

// putMany writes n small objects under prefix, eight at a time.
func putMany(t *testing.T, c *s3.Client, bucket, prefix string, n int) {
	t.Helper()
	keys := make(chan string)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for k := range keys {
				if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := range n {
		keys <- fmt.Sprintf("%sobj-%04d.txt", prefix, i)
	}
	close(keys)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatalf("put objects: %v", err)
	}
}

func must(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
