package glueapi_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

func partitionInput(values ...string) types.PartitionInput {
	return types.PartitionInput{
		Values: values,
		StorageDescriptor: &types.StorageDescriptor{
			Location:     aws.String("s3://orders/" + strings.Join(values, "/") + "/"),
			Columns:      []types.Column{col("invoiceno", "string")},
			InputFormat:  aws.String("org.apache.hadoop.mapred.TextInputFormat"),
			OutputFormat: aws.String("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
			SerdeInfo:    &types.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
		},
		Parameters: map[string]string{"objectCount": "1"},
	}
}

// orderlogs creates orderlogs.orders with hourly partitions for 2025-12-31
// 23h and 2026-05..07, days 01..02, hours 00 and 12.
func orderlogs(t *testing.T, c *glue.Client) [][]string {
	t.Helper()
	createDB(t, c, "orderlogs")
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("orderlogs"), TableInput: orderlogsTable("orders")}))
	all := [][]string{{"2025", "12", "31", "23"}}
	for _, m := range []string{"05", "06", "07"} {
		for _, d := range []string{"01", "02"} {
			for _, h := range []string{"00", "12"} {
				all = append(all, []string{"2026", m, d, h})
			}
		}
	}
	var inputs []types.PartitionInput
	for _, v := range all {
		inputs = append(inputs, partitionInput(v...))
	}
	out := must(c.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders"), PartitionInputList: inputs}))
	if len(out.Errors) != 0 {
		t.Fatalf("BatchCreatePartition errors: %+v", out.Errors)
	}
	return all
}

func listPartitions(t *testing.T, c *glue.Client, in *glue.GetPartitionsInput) (keys []string, pages int) {
	t.Helper()
	p := glue.NewGetPartitionsPaginator(c, in)
	for p.HasMorePages() {
		out := must(p.NextPage(ctx))
		pages++
		for _, part := range out.Partitions {
			keys = append(keys, strings.Join(part.Values, "/"))
		}
	}
	sort.Strings(keys)
	return keys, pages
}

func TestPartitionsCRUD(t *testing.T) {
	c, _ := newClient(t)
	orderlogs(t, c)
	ref := func() (*string, *string) { return aws.String("orderlogs"), aws.String("orders") }
	db, tb := ref()

	before := time.Now().Add(-time.Second)
	in := partitionInput("2026", "08", "01", "00")
	in.LastAccessTime = aws.Time(time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC))
	must(c.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: tb, PartitionInput: &in}))
	got := must(c.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"2026", "08", "01", "00"}})).Partition
	if !reflect.DeepEqual(got.StorageDescriptor, in.StorageDescriptor) || !reflect.DeepEqual(got.Parameters, in.Parameters) ||
		!reflect.DeepEqual(got.Values, in.Values) || aws.ToString(got.DatabaseName) != "orderlogs" || aws.ToString(got.TableName) != "orders" ||
		aws.ToString(got.CatalogId) != "000000000000" || got.CreationTime.Before(before) || !got.LastAccessTime.Equal(*in.LastAccessTime) {
		t.Fatalf("partition = %+v", got)
	}

	_, err := c.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: tb, PartitionInput: &in})
	wantErr(t, err, "AlreadyExistsException", "Partition already exists.")
	short := partitionInput("2026")
	_, err = c.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: tb, PartitionInput: &short})
	wantErr(t, err, "InvalidInputException", "number of partition keys")
	_, err = c.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: aws.String("nope"), PartitionInput: &in})
	wantErr(t, err, "EntityNotFoundException", "Table nope not found.")
	_, err = c.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"1999", "01", "01", "00"}})
	wantErr(t, err, "EntityNotFoundException", "")

	// UpdatePartition replaces the definition, and may move it to new values.
	upd := partitionInput("2026", "08", "01", "00")
	upd.Parameters = map[string]string{"objectCount": "2"}
	must(c.UpdatePartition(ctx, &glue.UpdatePartitionInput{DatabaseName: db, TableName: tb, PartitionValueList: []string{"2026", "08", "01", "00"}, PartitionInput: &upd}))
	got = must(c.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"2026", "08", "01", "00"}})).Partition
	if got.Parameters["objectCount"] != "2" {
		t.Fatalf("after update: %v", got.Parameters)
	}
	moved := partitionInput("2026", "08", "01", "01")
	must(c.UpdatePartition(ctx, &glue.UpdatePartitionInput{DatabaseName: db, TableName: tb, PartitionValueList: []string{"2026", "08", "01", "00"}, PartitionInput: &moved}))
	must(c.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"2026", "08", "01", "01"}}))
	clash := partitionInput("2026", "05", "01", "00")
	_, err = c.UpdatePartition(ctx, &glue.UpdatePartitionInput{DatabaseName: db, TableName: tb, PartitionValueList: []string{"2026", "08", "01", "01"}, PartitionInput: &clash})
	wantErr(t, err, "AlreadyExistsException", "")
	_, err = c.UpdatePartition(ctx, &glue.UpdatePartitionInput{DatabaseName: db, TableName: tb, PartitionValueList: []string{"2026", "08", "01", "00"}, PartitionInput: &moved})
	wantErr(t, err, "EntityNotFoundException", "")

	// Batch create: duplicates and malformed entries fail alone.
	a, b := partitionInput("2027", "01", "01", "00"), partitionInput("2027", "01")
	dup := partitionInput("2026", "05", "01", "00")
	out := must(c.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: db, TableName: tb, PartitionInputList: []types.PartitionInput{a, b, dup}}))
	if len(out.Errors) != 2 || !reflect.DeepEqual(out.Errors[0].PartitionValues, []string{"2027", "01"}) ||
		aws.ToString(out.Errors[0].ErrorDetail.ErrorCode) != "InvalidInputException" ||
		!reflect.DeepEqual(out.Errors[1].PartitionValues, dup.Values) || aws.ToString(out.Errors[1].ErrorDetail.ErrorCode) != "AlreadyExistsException" {
		t.Fatalf("batch create errors: %+v", out.Errors)
	}
	must(c.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: a.Values}))
	_, err = c.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: db, TableName: aws.String("nope"), PartitionInputList: []types.PartitionInput{a}})
	wantErr(t, err, "EntityNotFoundException", "Table nope not found.")

	// Batch get returns what exists, in request order.
	bg := must(c.BatchGetPartition(ctx, &glue.BatchGetPartitionInput{DatabaseName: db, TableName: tb, PartitionsToGet: []types.PartitionValueList{
		{Values: []string{"2026", "06", "02", "12"}}, {Values: []string{"1999", "01", "01", "00"}}, {Values: []string{"2025", "12", "31", "23"}},
	}}))
	if len(bg.Partitions) != 2 || bg.Partitions[0].Values[1] != "06" || bg.Partitions[1].Values[0] != "2025" || len(bg.UnprocessedKeys) != 0 {
		t.Fatalf("batch get: %+v", bg.Partitions)
	}

	// Delete and batch delete.
	must(c.DeletePartition(ctx, &glue.DeletePartitionInput{DatabaseName: db, TableName: tb, PartitionValues: a.Values}))
	_, err = c.DeletePartition(ctx, &glue.DeletePartitionInput{DatabaseName: db, TableName: tb, PartitionValues: a.Values})
	wantErr(t, err, "EntityNotFoundException", "")
	bd := must(c.BatchDeletePartition(ctx, &glue.BatchDeletePartitionInput{DatabaseName: db, TableName: tb, PartitionsToDelete: []types.PartitionValueList{
		{Values: []string{"2026", "05", "01", "00"}}, {Values: a.Values}, {Values: []string{"2026", "05", "01", "12"}},
	}}))
	if len(bd.Errors) != 1 || !reflect.DeepEqual(bd.Errors[0].PartitionValues, a.Values) || aws.ToString(bd.Errors[0].ErrorDetail.ErrorCode) != "EntityNotFoundException" {
		t.Fatalf("batch delete errors: %+v", bd.Errors)
	}
	var tooMany []types.PartitionValueList
	for i := range 26 {
		tooMany = append(tooMany, types.PartitionValueList{Values: []string{fmt.Sprint(i), "1", "1", "1"}})
	}
	_, err = c.BatchDeletePartition(ctx, &glue.BatchDeletePartitionInput{DatabaseName: db, TableName: tb, PartitionsToDelete: tooMany})
	wantErr(t, err, "ValidationException", "25")

	// Deleting the table deletes its partitions.
	must(c.DeleteTable(ctx, &glue.DeleteTableInput{DatabaseName: db, Name: tb}))
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: db, TableInput: orderlogsTable("orders")}))
	if keys, _ := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb}); len(keys) != 0 {
		t.Fatalf("partitions survived their table: %v", keys)
	}
}

func TestGetPartitionsExpression(t *testing.T) {
	c, _ := newClient(t)
	all := orderlogs(t, c)
	get := func(expr string) []string {
		t.Helper()
		keys, _ := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders"), Expression: aws.String(expr)})
		return keys
	}
	tests := []struct {
		expr string
		want string
	}{
		{"partition_0 = '2026' AND partition_1 >= '06'",
			"2026/06/01/00,2026/06/01/12,2026/06/02/00,2026/06/02/12,2026/07/01/00,2026/07/01/12,2026/07/02/00,2026/07/02/12"},
		{"partition_1 IN ('05', '12') AND partition_3 = '12'", "2026/05/01/12,2026/05/02/12"},
		{"partition_1 BETWEEN '06' AND '07' AND partition_2 = '02' AND partition_3 = '00'", "2026/06/02/00,2026/07/02/00"},
		{"partition_0 LIKE '202_' AND partition_1 LIKE '1%'", "2025/12/31/23"},
		{"NOT (partition_0 = '2026') OR (partition_1 = '07' AND partition_2 = '02' AND partition_3 <> '00')", "2025/12/31/23,2026/07/02/12"},
		{"partition_0 = 'none'", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(get(tt.expr), ","); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
	if got := get(""); len(got) != len(all) {
		t.Errorf("no expression: %d partitions, want %d", len(got), len(all))
	}
	for _, bad := range []string{"partition_0 =", "nokey = '1'", "partition_0 = '2026' AND", "partition_0 IN ()", "partition_0 === '1'"} {
		_, err := c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders"), Expression: aws.String(bad)})
		wantErr(t, err, "InvalidInputException", "")
	}
	_, err := c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders"), TransactionId: aws.String("t")})
	wantErr(t, err, "InvalidInputException", "TransactionId")
	_, err = c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("nope")})
	wantErr(t, err, "EntityNotFoundException", "Table nope not found.")
}

func TestGetPartitionsNumericKeys(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "inv")
	in := inventoryTable()
	in.Name = aws.String("by_hour")
	in.PartitionKeys = []types.Column{col("store_id", "string"), col("year", "int"), col("hour", "bigint")}
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("inv"), TableInput: in}))
	var inputs []types.PartitionInput
	for _, v := range [][]string{{"STORE_1", "2026", "9"}, {"STORE_1", "2026", "10"}, {"STORE_2", "999", "23"}, {"STORE_10", "2026", "0"}} {
		inputs = append(inputs, types.PartitionInput{Values: v})
	}
	must(c.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: aws.String("inv"), TableName: aws.String("by_hour"), PartitionInputList: inputs}))
	get := func(expr string) string {
		keys, _ := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: aws.String("inv"), TableName: aws.String("by_hour"), Expression: aws.String(expr)})
		return strings.Join(keys, ",")
	}
	// As numbers 9 < 10; as strings "9" > "10".
	if got := get("hour >= 9"); got != "STORE_1/2026/10,STORE_1/2026/9,STORE_2/999/23" {
		t.Errorf("hour >= 9: %s", got)
	}
	if got := get("year < 2000"); got != "STORE_2/999/23" {
		t.Errorf("year < 2000: %s", got)
	}
	if got := get("year = 2026 AND hour BETWEEN 0 AND 9 AND store_id > 'STORE_1'"); got != "STORE_10/2026/0" {
		t.Errorf("mixed: %s", got)
	}
	if got := get("hour IN (0, 23)"); got != "STORE_10/2026/0,STORE_2/999/23" {
		t.Errorf("IN: %s", got)
	}
	_, err := c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("inv"), TableName: aws.String("by_hour"), Expression: aws.String("hour = 'noon'")})
	wantErr(t, err, "InvalidInputException", "numeric")
}

func TestGetPartitionsPaginationAndSegments(t *testing.T) {
	c, _ := newClient(t)
	all := orderlogs(t, c)
	db, tb := aws.String("orderlogs"), aws.String("orders")
	keys, pages := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb, MaxResults: aws.Int32(5)})
	if len(keys) != len(all) || pages != 3 {
		t.Fatalf("%d partitions in %d pages", len(keys), pages)
	}
	// A filtered listing pages over the matches only, with no empty last page.
	keys, pages = listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb, MaxResults: aws.Int32(2),
		Expression: aws.String("partition_1 = '06'")})
	if len(keys) != 4 || pages != 2 {
		t.Fatalf("filtered: %v in %d pages", keys, pages)
	}
	// Segments split the partitions into disjoint sets that cover them all.
	var union []string
	for seg := range int32(3) {
		k, _ := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb,
			Segment: &types.Segment{SegmentNumber: seg, TotalSegments: aws.Int32(3)}})
		union = append(union, k...)
	}
	sort.Strings(union)
	everything, _ := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb})
	if !reflect.DeepEqual(union, everything) {
		t.Fatalf("segments cover %v, want %v", union, everything)
	}
	_, err := c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb, Segment: &types.Segment{SegmentNumber: 3, TotalSegments: aws.Int32(3)}})
	wantErr(t, err, "InvalidInputException", "Segment")
	_, err = c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb, MaxResults: aws.Int32(1001)})
	wantErr(t, err, "ValidationException", "maxResults")

	// ExcludeColumnSchema drops the partitions' columns only.
	out := must(c.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: db, TableName: tb, MaxResults: aws.Int32(1), ExcludeColumnSchema: aws.Bool(true)}))
	if sd := out.Partitions[0].StorageDescriptor; sd.Columns != nil || sd.Location == nil {
		t.Fatalf("ExcludeColumnSchema: %+v", sd)
	}
}
