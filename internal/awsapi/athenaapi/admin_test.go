package athenaapi_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

func TestWorkGroups(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	a := c.athena

	_, err := a.CreateWorkGroup(ctx, &athena.CreateWorkGroupInput{Name: aws.String("analysts"), Description: aws.String("team"),
		Configuration: &types.WorkGroupConfiguration{ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/analysts/")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateWorkGroup(ctx, &athena.CreateWorkGroupInput{Name: aws.String("analysts")}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("duplicate: %v", err)
	}
	g, err := a.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String("analysts")})
	if err != nil || g.WorkGroup.State != types.WorkGroupStateEnabled || aws.ToString(g.WorkGroup.Configuration.ResultConfiguration.OutputLocation) != "s3://results/analysts/" {
		t.Fatalf("get: %+v %v", g, err)
	}
	// The workgroup's location applies when the query gives none.
	o, err := a.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 1"), WorkGroup: aws.String("analysts")})
	if err != nil {
		t.Fatal(err)
	}
	e := c.wait(t, *o.QueryExecutionId)
	if aws.ToString(e.ResultConfiguration.OutputLocation) != "s3://results/analysts/"+*o.QueryExecutionId+".csv" || aws.ToString(e.WorkGroup) != "analysts" {
		t.Fatalf("execution in workgroup: %+v", e)
	}
	l, err := a.ListQueryExecutions(ctx, &athena.ListQueryExecutionsInput{WorkGroup: aws.String("analysts")})
	if err != nil || !reflect.DeepEqual(l.QueryExecutionIds, []string{*o.QueryExecutionId}) {
		t.Fatalf("list in workgroup: %v %v", l.QueryExecutionIds, err)
	}

	_, err = a.UpdateWorkGroup(ctx, &athena.UpdateWorkGroupInput{WorkGroup: aws.String("analysts"), State: types.WorkGroupStateDisabled,
		ConfigurationUpdates: &types.WorkGroupConfigurationUpdates{ResultConfigurationUpdates: &types.ResultConfigurationUpdates{RemoveOutputLocation: aws.Bool(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	g, _ = a.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String("analysts")})
	if g.WorkGroup.State != types.WorkGroupStateDisabled || g.WorkGroup.Configuration.ResultConfiguration.OutputLocation != nil {
		t.Fatalf("after update: %+v", g.WorkGroup)
	}
	_, err = a.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 1"), WorkGroup: aws.String("analysts"),
		ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/x/")}})
	if apiCode(err) != "InvalidRequestException" {
		t.Fatalf("query in a disabled workgroup: %v", err)
	}

	lw, err := a.ListWorkGroups(ctx, &athena.ListWorkGroupsInput{})
	var names []string
	for _, w := range lw.WorkGroups {
		names = append(names, *w.Name)
	}
	if err != nil || !reflect.DeepEqual(names, []string{"analysts", "primary"}) {
		t.Fatalf("list: %v %v", names, err)
	}
	if _, err := a.DeleteWorkGroup(ctx, &athena.DeleteWorkGroupInput{WorkGroup: aws.String("primary")}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("delete primary: %v", err)
	}
	if _, err := a.DeleteWorkGroup(ctx, &athena.DeleteWorkGroupInput{WorkGroup: aws.String("analysts")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetWorkGroup(ctx, &athena.GetWorkGroupInput{WorkGroup: aws.String("analysts")}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("get deleted: %v", err)
	}
	if _, err := a.UpdateWorkGroup(ctx, &athena.UpdateWorkGroupInput{WorkGroup: aws.String("analysts")}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("update deleted: %v", err)
	}
}

func TestNamedQueriesAndPreparedStatements(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	a := c.athena

	var ids []string
	for _, n := range []string{"low stock", "all"} {
		o, err := a.CreateNamedQuery(ctx, &athena.CreateNamedQueryInput{Name: aws.String(n), Database: aws.String("conversion_db"), QueryString: aws.String(planningQuery), Description: aws.String("d")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *o.NamedQueryId)
	}
	g, err := a.GetNamedQuery(ctx, &athena.GetNamedQueryInput{NamedQueryId: aws.String(ids[0])})
	if err != nil || *g.NamedQuery.Name != "low stock" || *g.NamedQuery.QueryString != planningQuery || aws.ToString(g.NamedQuery.WorkGroup) != "primary" {
		t.Fatalf("get named query: %+v %v", g, err)
	}
	l, err := a.ListNamedQueries(ctx, &athena.ListNamedQueriesInput{})
	if err != nil || !reflect.DeepEqual(l.NamedQueryIds, ids) {
		t.Fatalf("list: %v %v", l.NamedQueryIds, err)
	}
	b, err := a.BatchGetNamedQuery(ctx, &athena.BatchGetNamedQueryInput{NamedQueryIds: []string{ids[1], "nope"}})
	if err != nil || len(b.NamedQueries) != 1 || len(b.UnprocessedNamedQueryIds) != 1 {
		t.Fatalf("batch get: %+v %v", b, err)
	}
	if _, err := a.DeleteNamedQuery(ctx, &athena.DeleteNamedQueryInput{NamedQueryId: aws.String(ids[0])}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetNamedQuery(ctx, &athena.GetNamedQueryInput{NamedQueryId: aws.String(ids[0])}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("get deleted: %v", err)
	}

	wg := aws.String("primary")
	_, err = a.CreatePreparedStatement(ctx, &athena.CreatePreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg, QueryStatement: aws.String("SELECT ? + ? AS s")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreatePreparedStatement(ctx, &athena.CreatePreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg, QueryStatement: aws.String("SELECT 1")}); apiCode(err) != "InvalidRequestException" {
		t.Fatalf("duplicate: %v", err)
	}
	e := c.run(t, "EXECUTE add USING 40, 2", "")
	if rows, _ := c.results(t, *e.QueryExecutionId); !reflect.DeepEqual(rows, [][]string{{"s"}, {"42"}}) {
		t.Fatalf("EXECUTE USING: %v", rows)
	}
	o, err := a.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("EXECUTE add"), ExecutionParameters: []string{"1", "2"},
		ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena/")}})
	if err != nil {
		t.Fatal(err)
	}
	c.wait(t, *o.QueryExecutionId)
	if rows, _ := c.results(t, *o.QueryExecutionId); !reflect.DeepEqual(rows, [][]string{{"s"}, {"3"}}) {
		t.Fatalf("EXECUTE with ExecutionParameters: %v", rows)
	}
	if _, err := a.UpdatePreparedStatement(ctx, &athena.UpdatePreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg, QueryStatement: aws.String("SELECT ? * 2 AS s")}); err != nil {
		t.Fatal(err)
	}
	p, err := a.GetPreparedStatement(ctx, &athena.GetPreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg})
	if err != nil || *p.PreparedStatement.QueryStatement != "SELECT ? * 2 AS s" || p.PreparedStatement.LastModifiedTime == nil {
		t.Fatalf("get prepared: %+v %v", p, err)
	}
	c.run(t, "PREPARE other FROM SELECT ?", "")
	lp, err := a.ListPreparedStatements(ctx, &athena.ListPreparedStatementsInput{WorkGroup: wg})
	if err != nil || len(lp.PreparedStatements) != 2 || *lp.PreparedStatements[0].StatementName != "add" {
		t.Fatalf("list prepared: %+v %v", lp, err)
	}
	if _, err := a.DeletePreparedStatement(ctx, &athena.DeletePreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetPreparedStatement(ctx, &athena.GetPreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("get deleted: %v", err)
	}
	if _, err := a.DeletePreparedStatement(ctx, &athena.DeletePreparedStatementInput{StatementName: aws.String("add"), WorkGroup: wg}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("delete deleted: %v", err)
	}
}

func TestDDLThroughGlue(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	c.mkBucket(t, "lake")
	e := c.run(t, "CREATE DATABASE orderlogs", "")
	if e.StatementType != types.StatementTypeDdl || !strings.HasSuffix(aws.ToString(e.ResultConfiguration.OutputLocation), ".txt") {
		t.Fatalf("DDL execution: %+v", e)
	}
	c.run(t, `CREATE EXTERNAL TABLE IF NOT EXISTS orders (
  InvoiceNo string, StockCode string, Description string, Quantity int, InvoiceDate string,
  UnitPrice double, Customer bigint, Country string, items array<struct<sku:string,qty:int>>)
PARTITIONED BY (year string, month string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' WITH SERDEPROPERTIES ('case.insensitive'='true')
LOCATION 's3://lake/orders/'
TBLPROPERTIES ('classification'='json')`, "orderlogs")
	gt, err := c.glue.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("orderlogs"), Name: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	sd := gt.Table.StorageDescriptor
	if len(sd.Columns) != 9 || *sd.Columns[0].Name != "invoiceno" || *sd.Columns[8].Type != "array<struct<sku:string,qty:int>>" ||
		*sd.Location != "s3://lake/orders/" || *sd.SerdeInfo.SerializationLibrary != "org.openx.data.jsonserde.JsonSerDe" ||
		sd.SerdeInfo.Parameters["case.insensitive"] != "true" || len(gt.Table.PartitionKeys) != 2 || gt.Table.Parameters["classification"] != "json" ||
		aws.ToString(gt.Table.TableType) != "EXTERNAL_TABLE" {
		t.Fatalf("table through Glue: %+v", gt.Table)
	}

	c.put(t, "lake", "orders/year=2025/month=07/a.json", []byte(`{"InvoiceNo":"536365","Quantity":6,"UnitPrice":2.55,"Country":"United Kingdom","items":[{"sku":"A","qty":1}]}`+"\n"))
	e = c.run(t, "MSCK REPAIR TABLE orders", "orderlogs")
	if rows, _ := c.results(t, *e.QueryExecutionId); len(rows) != 2 || !strings.Contains(rows[1][0], "orders:year=2025/month=07") {
		t.Fatalf("MSCK output: %v", rows)
	}
	gp, err := c.glue.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders")})
	if err != nil || len(gp.Partitions) != 1 || !reflect.DeepEqual(gp.Partitions[0].Values, []string{"2025", "07"}) ||
		*gp.Partitions[0].StorageDescriptor.Location != "s3://lake/orders/year=2025/month=07/" {
		t.Fatalf("partitions through Glue: %+v %v", gp, err)
	}
	c.run(t, "ALTER TABLE orders ADD PARTITION (year='2025', month='08') LOCATION 's3://lake/orders/2025/08/'", "orderlogs")
	gp, _ = c.glue.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders")})
	if len(gp.Partitions) != 2 {
		t.Fatalf("after ADD PARTITION: %d partitions", len(gp.Partitions))
	}
	e = c.run(t, "SELECT invoiceno, quantity * unitprice AS total, items[1].sku AS sku, year, month FROM orderlogs.orders", "")
	if rows, _ := c.results(t, *e.QueryExecutionId); !reflect.DeepEqual(rows, [][]string{{"invoiceno", "total", "sku", "year", "month"}, {"536365", "15.299999999999999", "A", "2025", "07"}}) {
		t.Fatalf("query over JSON: %v", rows)
	}
	e = c.run(t, "SHOW TABLES", "orderlogs")
	if rows, _ := c.results(t, *e.QueryExecutionId); !reflect.DeepEqual(rows, [][]string{{"orders"}}) {
		t.Fatalf("SHOW TABLES: %v", rows)
	}
	txt := string(c.get(t, "results", strings.TrimPrefix(aws.ToString(e.ResultConfiguration.OutputLocation), "s3://results/")))
	if txt != "orders\n" {
		t.Fatalf("DDL result file %q", txt)
	}

	c.run(t, "DROP TABLE orders", "orderlogs")
	if _, err := c.glue.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("orderlogs"), Name: aws.String("orders")}); apiCode(err) != "EntityNotFoundException" {
		t.Fatalf("dropped table through Glue: %v", err)
	}
	bad := c.wait(t, c.startQuery(t, "CREATE EXTERNAL TABLE t (a int", "orderlogs"))
	if bad.Status.State != types.QueryExecutionStateFailed || !strings.Contains(aws.ToString(bad.Status.StateChangeReason), "line 1:") {
		t.Fatalf("bad DDL: %s %s", bad.Status.State, aws.ToString(bad.Status.StateChangeReason))
	}
	c.run(t, "DROP DATABASE orderlogs CASCADE", "")
	if _, err := c.glue.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("orderlogs")}); apiCode(err) != "EntityNotFoundException" {
		t.Fatalf("dropped database through Glue: %v", err)
	}
}
