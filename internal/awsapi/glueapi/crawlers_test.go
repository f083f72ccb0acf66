package glueapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// TestCrawlerFirehoseLayout crawls the default Firehose layout
// YYYY/MM/dd/HH into a new database and queries the table with Athena.
func TestCrawlerFirehoseLayout(t *testing.T) {
	e := startCrawlEnv(t)
	e.bucket(t, "results")
	e.bucket(t, "firehose-out")
	countries := []string{"France", "United Kingdom", "Germany"}
	descs := []string{"BIRD ORNAMENT", "WHITE METAL LANTERN", "HAND WARMER"}
	want := map[string]int{}
	hours := []string{"2026/11/23/20", "2026/11/23/21", "2026/11/24/07", "2026/12/01/00"}
	for h, hour := range hours {
		body := jsonLines(30, func(i int) string {
			country, desc := countries[(i+h)%3], descs[i%3]
			if country == "France" && strings.HasPrefix(hour, "2026/11") {
				want[desc]++
			}
			return fmt.Sprintf(`{"InvoiceNo":"5363%02d","StockCode":"84879","Description":%q,"Quantity":%d,"InvoiceDate":"2026-11-23 20:00","UnitPrice":1.69,"Customer":13047,"Country":%q}`,
				i, desc, i+1, country)
		})
		e.put(t, "firehose-out", "orders/"+hour+"/orders-1-"+strings.ReplaceAll(hour, "/", "-")+".json", body)
	}
	must(e.glue.CreateCrawler(ctx, &glue.CreateCrawlerInput{
		Name: aws.String("orders-crawler"), Role: aws.String("arn:aws:iam::000000000000:role/GlueRole"),
		DatabaseName: aws.String("orderlogs"), TablePrefix: aws.String("cadabra_"),
		Targets: s3Targets("s3://firehose-out/orders/"),
	}))
	c := must(e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("orders-crawler")})).Crawler
	if c.State != types.CrawlerStateReady || c.Version != 1 || c.Schedule != nil || c.LastCrawl != nil ||
		c.SchemaChangePolicy.UpdateBehavior != types.UpdateBehaviorUpdateInDatabase ||
		c.SchemaChangePolicy.DeleteBehavior != types.DeleteBehaviorDeprecateInDatabase ||
		c.RecrawlPolicy.RecrawlBehavior != types.RecrawlBehaviorCrawlEverything || c.CreationTime == nil {
		t.Fatalf("new crawler: %+v", c)
	}

	c = e.crawl(t, "orders-crawler")
	if c.LastCrawl.Status != types.LastCrawlStatusSucceeded || aws.ToString(c.LastCrawl.LogGroup) != "/aws-glue/crawlers" {
		t.Fatalf("last crawl: %+v %s", c.LastCrawl, aws.ToString(c.LastCrawl.ErrorMessage))
	}
	tbl := e.table(t, "orderlogs", "cadabra_orders")
	if got := columnNames(tbl.PartitionKeys); got != "partition_0:string,partition_1:string,partition_2:string,partition_3:string" {
		t.Fatalf("partition keys: %s", got)
	}
	wantCols := "invoiceno:string,stockcode:string,description:string,quantity:int,invoicedate:string,unitprice:double,customer:int,country:string"
	if got := columnNames(tbl.StorageDescriptor.Columns); got != wantCols {
		t.Fatalf("columns: %s", got)
	}
	for k, v := range map[string]string{"classification": "json", "UPDATED_BY_CRAWLER": "orders-crawler", "objectCount": "4",
		"CrawlerSchemaSerializerVersion": "1.0", "typeOfData": "file", "compressionType": "none"} {
		if tbl.Parameters[k] != v {
			t.Errorf("table parameter %s = %q, want %q", k, tbl.Parameters[k], v)
		}
	}
	if got := e.partitions(t, "orderlogs", "cadabra_orders"); !slices.Equal(got, []string{"2026/11/23/20", "2026/11/23/21", "2026/11/24/07", "2026/12/01/00"}) {
		t.Fatalf("partitions: %v", got)
	}
	m := e.metrics(t, "orders-crawler")
	if m.TablesCreated != 1 || m.TablesUpdated != 0 || m.StillEstimating || m.TimeLeftSeconds != 0 {
		t.Fatalf("metrics: %+v", m)
	}
	crawls := must(e.glue.ListCrawls(ctx, &glue.ListCrawlsInput{CrawlerName: aws.String("orders-crawler")})).Crawls
	if len(crawls) != 1 || crawls[0].State != types.CrawlerHistoryStateCompleted ||
		aws.ToString(crawls[0].Summary) != `{"PARTITION":{"ADD":{"Count":4}},"TABLE":{"ADD":{"Count":1}}}` {
		t.Fatalf("crawls: %+v %s", crawls, aws.ToString(crawls[0].Summary))
	}

	rows := e.query(t, "orderlogs", `select description, count(*) as count from cadabra_orders
		where country='France' and partition_0='2026' and partition_1='11' group by description order by description`)
	var wantRows []string
	for _, d := range []string{"BIRD ORNAMENT", "HAND WARMER", "WHITE METAL LANTERN"} {
		if want[d] > 0 {
			wantRows = append(wantRows, fmt.Sprintf("%s|%d", d, want[d]))
		}
	}
	if !slices.Equal(rows, wantRows) {
		t.Fatalf("athena rows %v, want %v", rows, wantRows)
	}

	// A second crawl with nothing new changes nothing.
	e.crawl(t, "orders-crawler")
	if m := e.metrics(t, "orders-crawler"); m.TablesCreated != 0 || m.TablesUpdated != 0 || m.MedianRuntimeSeconds <= 0 {
		t.Fatalf("metrics after a crawl with no change: %+v", m)
	}
}

func TestCrawlerSchemaChangePolicies(t *testing.T) {
	e := startCrawlEnv(t)
	tests := []struct {
		update, delete string
		wantCols       string
		wantGone       func(t *testing.T, tbl *types.Table, err error)
	}{
		{"UPDATE_IN_DATABASE", "DEPRECATE_IN_DATABASE", "id:int,name:string,city:string,amount:double,extra:boolean", func(t *testing.T, tbl *types.Table, err error) {
			noErr(t, err)
			if tbl.Parameters["DEPRECATED_BY_CRAWLER"] == "" {
				t.Fatalf("table not deprecated: %v", tbl.Parameters)
			}
		}},
		{"UPDATE_IN_DATABASE", "DELETE_FROM_DATABASE", "id:int,name:string,city:string,amount:double,extra:boolean", func(t *testing.T, _ *types.Table, err error) {
			wantErr(t, err, "EntityNotFoundException", "")
		}},
		{"LOG", "LOG", "id:int,name:string,city:string,amount:double", func(t *testing.T, tbl *types.Table, err error) {
			noErr(t, err)
			if tbl.Parameters["DEPRECATED_BY_CRAWLER"] != "" {
				t.Fatalf("LOG deprecated the table: %v", tbl.Parameters)
			}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.update+"/"+tt.delete, func(t *testing.T) {
			bucket, name := fmt.Sprintf("policy-%d", i), fmt.Sprintf("policy-crawler-%d", i)
			e.bucket(t, bucket)
			e.put(t, bucket, "events/year=2026/month=01/a.json", `{"id":1,"name":"a","city":"Hanoi","amount":2.5}`+"\n")
			must(e.glue.CreateCrawler(ctx, &glue.CreateCrawlerInput{
				Name: aws.String(name), Role: aws.String("role"), DatabaseName: aws.String(bucket),
				Targets:            s3Targets("s3://" + bucket + "/events"),
				SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehavior(tt.update), DeleteBehavior: types.DeleteBehavior(tt.delete)},
			}))
			e.crawl(t, name)
			tbl := e.table(t, bucket, "events")
			if got := columnNames(tbl.PartitionKeys); got != "year:string,month:string" {
				t.Fatalf("partition keys: %s", got)
			}
			e.put(t, bucket, "events/year=2026/month=02/b.json", `{"id":2,"name":"b","city":"Hue","amount":1,"extra":true}`+"\n")
			e.crawl(t, name)
			tbl = e.table(t, bucket, "events")
			if got := columnNames(tbl.StorageDescriptor.Columns); got != tt.wantCols {
				t.Fatalf("columns after a schema change: %s, want %s", got, tt.wantCols)
			}
			if got := e.partitions(t, bucket, "events"); !slices.Equal(got, []string{"2026/01", "2026/02"}) {
				t.Fatalf("partitions: %v", got)
			}
			e.remove(t, bucket, "events/year=2026/month=01/a.json")
			e.remove(t, bucket, "events/year=2026/month=02/b.json")
			e.crawl(t, name)
			_, err := e.glue.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(bucket), Name: aws.String("events")})
			var got *types.Table
			if err == nil {
				got = e.table(t, bucket, "events")
			}
			tt.wantGone(t, got, err)
		})
	}
}

func TestCrawlerRecrawlNewFoldersOnly(t *testing.T) {
	e := startCrawlEnv(t)
	e.bucket(t, "logs")
	_, err := e.glue.CreateCrawler(ctx, &glue.CreateCrawlerInput{
		Name: aws.String("incremental"), Role: aws.String("role"), DatabaseName: aws.String("logs"),
		Targets: s3Targets("s3://logs/"), RecrawlPolicy: &types.RecrawlPolicy{RecrawlBehavior: types.RecrawlBehaviorCrawlNewFoldersOnly},
	})
	wantErr(t, err, "InvalidInputException", `"Crawl new folders only" Amazon S3 target can have only LOG`)

	must(e.glue.CreateCrawler(ctx, &glue.CreateCrawlerInput{
		Name: aws.String("incremental"), Role: aws.String("role"), DatabaseName: aws.String("logs"),
		Targets:            s3Targets("s3://logs/app/"),
		RecrawlPolicy:      &types.RecrawlPolicy{RecrawlBehavior: types.RecrawlBehaviorCrawlNewFoldersOnly},
		SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehaviorLog, DeleteBehavior: types.DeleteBehaviorLog},
	}))
	e.put(t, "logs", "app/dt=2026-01-01/a.json", `{"level":"info","msg":"a"}`+"\n")
	e.crawl(t, "incremental")
	e.put(t, "logs", "app/dt=2026-01-02/b.json", `{"level":"warn","msg":"b"}`+"\n")
	e.remove(t, "logs", "app/dt=2026-01-01/a.json")
	c := e.crawl(t, "incremental")
	if c.LastCrawl.Status != types.LastCrawlStatusSucceeded {
		t.Fatalf("last crawl: %+v %s", c.LastCrawl, aws.ToString(c.LastCrawl.ErrorMessage))
	}
	if got := e.partitions(t, "logs", "app"); !slices.Equal(got, []string{"2026-01-01", "2026-01-02"}) {
		t.Fatalf("partitions after an incremental crawl: %v", got)
	}
	crawls := must(e.glue.ListCrawls(ctx, &glue.ListCrawlsInput{CrawlerName: aws.String("incremental")})).Crawls
	if len(crawls) != 2 || aws.ToString(crawls[0].Summary) != `{"PARTITION":{"ADD":{"Count":1}}}` {
		t.Fatalf("crawls: %d, newest summary %s", len(crawls), aws.ToString(crawls[0].Summary))
	}
}

func TestCrawlerDefinitionOperations(t *testing.T) {
	e := startCrawlEnv(t)
	for _, n := range []string{"c1", "c2", "c3"} {
		must(e.glue.CreateCrawler(ctx, &glue.CreateCrawlerInput{
			Name: aws.String(n), Role: aws.String("role"), DatabaseName: aws.String("db"), Targets: s3Targets("s3://b/" + n),
			Schedule: aws.String("cron(15 12 * * ? *)"), Tags: map[string]string{"team": n[1:]},
		}))
	}
	names := must(e.glue.ListCrawlers(ctx, &glue.ListCrawlersInput{Tags: map[string]string{"team": "2"}})).CrawlerNames
	if !slices.Equal(names, []string{"c2"}) {
		t.Fatalf("ListCrawlers by tag: %v", names)
	}
	page := must(e.glue.GetCrawlers(ctx, &glue.GetCrawlersInput{MaxResults: aws.Int32(2)}))
	rest := must(e.glue.GetCrawlers(ctx, &glue.GetCrawlersInput{NextToken: page.NextToken}))
	if len(page.Crawlers) != 2 || len(rest.Crawlers) != 1 || aws.ToString(rest.Crawlers[0].Name) != "c3" || rest.NextToken != nil {
		t.Fatalf("GetCrawlers pages: %d + %d", len(page.Crawlers), len(rest.Crawlers))
	}
	c := page.Crawlers[0]
	if c.Schedule == nil || aws.ToString(c.Schedule.ScheduleExpression) != "cron(15 12 * * ? *)" || c.Schedule.State != types.ScheduleStateScheduled {
		t.Fatalf("schedule: %+v", c.Schedule)
	}

	must(e.glue.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("c1"), Description: aws.String("orders"),
		TablePrefix: aws.String("raw_"), Configuration: aws.String(`{"Version":1.0,"CrawlerOutput":{"Tables":{"AddOrUpdateBehavior":"MergeNewColumns"}}}`)}))
	c = *must(e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c1")})).Crawler
	if c.Version != 2 || aws.ToString(c.Description) != "orders" || aws.ToString(c.TablePrefix) != "raw_" ||
		aws.ToString(c.DatabaseName) != "db" || aws.ToString(c.Targets.S3Targets[0].Path) != "s3://b/c1" || !c.LastUpdated.After(*c.CreationTime) && !c.LastUpdated.Equal(*c.CreationTime) {
		t.Fatalf("updated crawler: %+v", c)
	}

	must(e.glue.StopCrawlerSchedule(ctx, &glue.StopCrawlerScheduleInput{CrawlerName: aws.String("c1")}))
	_, err := e.glue.StopCrawlerSchedule(ctx, &glue.StopCrawlerScheduleInput{CrawlerName: aws.String("c1")})
	wantErr(t, err, "SchedulerNotRunningException", "")
	c = *must(e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c1")})).Crawler
	if c.Schedule.State != types.ScheduleStateNotScheduled {
		t.Fatalf("schedule after stop: %+v", c.Schedule)
	}
	must(e.glue.StartCrawlerSchedule(ctx, &glue.StartCrawlerScheduleInput{CrawlerName: aws.String("c1")}))
	_, err = e.glue.StartCrawlerSchedule(ctx, &glue.StartCrawlerScheduleInput{CrawlerName: aws.String("c1")})
	wantErr(t, err, "SchedulerRunningException", "")
	must(e.glue.UpdateCrawlerSchedule(ctx, &glue.UpdateCrawlerScheduleInput{CrawlerName: aws.String("c1"), Schedule: aws.String("cron(0/30 * ? * MON-FRI *)")}))
	c = *must(e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c1")})).Crawler
	if aws.ToString(c.Schedule.ScheduleExpression) != "cron(0/30 * ? * MON-FRI *)" || c.Version != 3 {
		t.Fatalf("schedule after update: %+v version %d", c.Schedule, c.Version)
	}

	must(e.glue.DeleteCrawler(ctx, &glue.DeleteCrawlerInput{Name: aws.String("c1")}))
	_, err = e.glue.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c1")})
	wantErr(t, err, "EntityNotFoundException", "Crawler entry with name c1 does not exist")
	got := must(e.glue.BatchGetCrawlers(ctx, &glue.BatchGetCrawlersInput{CrawlerNames: []string{"c1", "c2"}}))
	if len(got.Crawlers) != 1 || !slices.Equal(got.CrawlersNotFound, []string{"c1"}) {
		t.Fatalf("BatchGetCrawlers: %d found, not found %v", len(got.Crawlers), got.CrawlersNotFound)
	}
}

func TestCrawlerErrors(t *testing.T) {
	e := startCrawlEnv(t)
	base := func() *glue.CreateCrawlerInput {
		return &glue.CreateCrawlerInput{Name: aws.String("x"), Role: aws.String("role"), DatabaseName: aws.String("db"), Targets: s3Targets("s3://b/p")}
	}
	must(e.glue.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("dup"), Role: aws.String("r"), DatabaseName: aws.String("db"), Targets: s3Targets("s3://nobucket/")}))
	tests := []struct {
		name     string
		mutate   func(in *glue.CreateCrawlerInput)
		code     string
		contains string
	}{
		{"duplicate", func(in *glue.CreateCrawlerInput) { in.Name = aws.String("dup") }, "AlreadyExistsException", "Crawler with name dup has already been created"},
		{"jdbc target", func(in *glue.CreateCrawlerInput) {
			in.Targets.JdbcTargets = []types.JdbcTarget{{ConnectionName: aws.String("c"), Path: aws.String("db/%")}}
		}, "InvalidInputException", "JdbcTargets are not supported"},
		{"dynamodb target", func(in *glue.CreateCrawlerInput) {
			in.Targets = &types.CrawlerTargets{DynamoDBTargets: []types.DynamoDBTarget{{Path: aws.String("t")}}}
		}, "InvalidInputException", "DynamoDBTargets are not supported"},
		{"no target", func(in *glue.CreateCrawlerInput) { in.Targets = &types.CrawlerTargets{} }, "InvalidInputException", "at least one target"},
		{"bad path", func(in *glue.CreateCrawlerInput) { in.Targets = s3Targets("/local/dir") }, "InvalidInputException", "s3://bucket/prefix"},
		{"bad schedule", func(in *glue.CreateCrawlerInput) { in.Schedule = aws.String("cron(0 12 * * * *)") }, "InvalidInputException", "Invalid schedule expression"},
		{"rate schedule", func(in *glue.CreateCrawlerInput) { in.Schedule = aws.String("rate(1 day)") }, "InvalidInputException", "Invalid schedule expression"},
		{"bad update behavior", func(in *glue.CreateCrawlerInput) {
			in.SchemaChangePolicy = &types.SchemaChangePolicy{UpdateBehavior: "DROP"}
		}, "InvalidInputException", "UpdateBehavior"},
		{"config key", func(in *glue.CreateCrawlerInput) {
			in.Configuration = aws.String(`{"Version":1.0,"CrawlerOutput":{"Partitions":{"UpdateBehavior":"x"}}}`)
		}, "InvalidInputException", "CrawlerOutput.Partitions contains unsupported keys: UpdateBehavior."},
		{"classifiers", func(in *glue.CreateCrawlerInput) { in.Classifiers = []string{"my-grok"} }, "InvalidInputException", "Classifiers"},
		{"lineage", func(in *glue.CreateCrawlerInput) {
			in.LineageConfiguration = &types.LineageConfiguration{CrawlerLineageSettings: types.CrawlerLineageSettingsEnable}
		}, "InvalidInputException", "LineageConfiguration"},
		{"sample size", func(in *glue.CreateCrawlerInput) { in.Targets.S3Targets[0].SampleSize = aws.Int32(250) }, "InvalidInputException", "SampleSize"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.mutate(in)
			_, err := e.glue.CreateCrawler(ctx, in)
			wantErr(t, err, tt.code, tt.contains)
		})
	}
	_, err := e.glue.StopCrawler(ctx, &glue.StopCrawlerInput{Name: aws.String("dup")})
	wantErr(t, err, "CrawlerNotRunningException", "")
	_, err = e.glue.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String("nope")})
	wantErr(t, err, "EntityNotFoundException", "")
	_, err = e.glue.StartCrawlerSchedule(ctx, &glue.StartCrawlerScheduleInput{CrawlerName: aws.String("dup")})
	wantErr(t, err, "NoScheduleException", "")
	_, err = e.glue.DeleteCrawler(ctx, &glue.DeleteCrawlerInput{Name: aws.String("nope")})
	wantErr(t, err, "EntityNotFoundException", "")

	// A crawl of a bucket that does not exist fails and says why.
	c := e.crawl(t, "dup")
	if c.LastCrawl.Status != types.LastCrawlStatusFailed || !strings.Contains(aws.ToString(c.LastCrawl.ErrorMessage), "no bucket nobucket") {
		t.Fatalf("last crawl: %s %q", c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	}
}
