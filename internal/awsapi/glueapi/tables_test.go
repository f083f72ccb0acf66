package glueapi_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// fullStorage sets every StorageDescriptor field.
func fullStorage() *types.StorageDescriptor {
	return &types.StorageDescriptor{
		Columns: []types.Column{
			{Name: aws.String("id"), Type: aws.String("bigint"), Comment: aws.String("key"), Parameters: map[string]string{"pii": "false"}},
			{Name: aws.String("tags"), Type: aws.String("map<string,array<struct<k:string,v:decimal(10,2)>>>")},
		},
		Location:            aws.String("s3://bucket/path/"),
		AdditionalLocations: []string{"s3://bucket/other/", "s3://bucket/third/"},
		InputFormat:         aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"),
		OutputFormat:        aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"),
		Compressed:          true,
		NumberOfBuckets:     4,
		SerdeInfo: &types.SerDeInfo{
			Name:                 aws.String("serde"),
			SerializationLibrary: aws.String("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
			Parameters:           map[string]string{"serialization.format": "1", "parquet.compression": "SNAPPY"},
		},
		BucketColumns: []string{"id"},
		SortColumns:   []types.Order{{Column: aws.String("id"), SortOrder: 1}, {Column: aws.String("tags"), SortOrder: 0}},
		Parameters:    map[string]string{"compressionType": "snappy", "typeOfData": "file"},
		SkewedInfo: &types.SkewedInfo{
			SkewedColumnNames:             []string{"id"},
			SkewedColumnValues:            []string{"1", "2"},
			SkewedColumnValueLocationMaps: map[string]string{"1": "s3://bucket/skew/1/"},
		},
		StoredAsSubDirectories: true,
		SchemaReference: &types.SchemaReference{
			SchemaId:            &types.SchemaId{RegistryName: aws.String("reg"), SchemaName: aws.String("schema")},
			SchemaVersionNumber: aws.Int64(3),
		},
	}
}

func TestTableRoundTrip(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "db")
	accessed := time.Date(2026, 7, 17, 3, 10, 31, 0, time.UTC)
	in := &types.TableInput{
		Name:              aws.String("full"),
		Description:       aws.String("every field"),
		Owner:             aws.String("hadoop"),
		LastAccessTime:    aws.Time(accessed),
		LastAnalyzedTime:  aws.Time(accessed.Add(time.Hour)),
		Retention:         7,
		StorageDescriptor: fullStorage(),
		PartitionKeys: []types.Column{
			{Name: aws.String("dt"), Type: aws.String("date"), Comment: aws.String("day")},
			{Name: aws.String("hour"), Type: aws.String("int")},
		},
		ViewOriginalText: aws.String("/* Presto View */"),
		ViewExpandedText: aws.String("/* Presto View */"),
		TableType:        aws.String("EXTERNAL_TABLE"),
		Parameters:       map[string]string{"EXTERNAL": "TRUE", "classification": "parquet"},
		TargetTable:      &types.TableIdentifier{CatalogId: aws.String("000000000000"), DatabaseName: aws.String("src"), Name: aws.String("t"), Region: aws.String("us-east-1")},
	}
	before := time.Now().Add(-time.Second)
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("DB"), TableInput: in}))
	got := must(c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("FULL")})).Table

	if !reflect.DeepEqual(got.StorageDescriptor, in.StorageDescriptor) {
		t.Errorf("StorageDescriptor:\n got %+v\nwant %+v", got.StorageDescriptor, in.StorageDescriptor)
	}
	if !reflect.DeepEqual(got.PartitionKeys, in.PartitionKeys) || !reflect.DeepEqual(got.Parameters, in.Parameters) ||
		!reflect.DeepEqual(got.TargetTable, in.TargetTable) {
		t.Errorf("keys/parameters/target: %+v %+v %+v", got.PartitionKeys, got.Parameters, got.TargetTable)
	}
	for field, pair := range map[string][2]string{
		"Name":             {aws.ToString(got.Name), "full"},
		"DatabaseName":     {aws.ToString(got.DatabaseName), "db"},
		"Description":      {aws.ToString(got.Description), "every field"},
		"Owner":            {aws.ToString(got.Owner), "hadoop"},
		"ViewOriginalText": {aws.ToString(got.ViewOriginalText), "/* Presto View */"},
		"ViewExpandedText": {aws.ToString(got.ViewExpandedText), "/* Presto View */"},
		"TableType":        {aws.ToString(got.TableType), "EXTERNAL_TABLE"},
		"CatalogId":        {aws.ToString(got.CatalogId), "000000000000"},
		"VersionId":        {aws.ToString(got.VersionId), "0"},
		"CreatedBy":        {aws.ToString(got.CreatedBy), "arn:aws:iam::000000000000:root"},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s = %q, want %q", field, pair[0], pair[1])
		}
	}
	if got.Retention != 7 || !got.LastAccessTime.Equal(accessed) || !got.LastAnalyzedTime.Equal(accessed.Add(time.Hour)) || got.IsRegisteredWithLakeFormation {
		t.Errorf("retention %d, times %v %v", got.Retention, got.LastAccessTime, got.LastAnalyzedTime)
	}
	if got.CreateTime.Before(before) || got.UpdateTime.Before(before) {
		t.Errorf("CreateTime %v UpdateTime %v", got.CreateTime, got.UpdateTime)
	}
}

func TestInventoryTable(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "conversion_db")
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: inventoryTable()}))
	got := must(c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("conversion_db"), Name: aws.String("conversion_table")})).Table
	want := inventoryTable()
	if !reflect.DeepEqual(got.StorageDescriptor, want.StorageDescriptor) || got.Parameters["classification"] != "parquet" {
		t.Fatalf("got %+v", got.StorageDescriptor)
	}
	if got.PartitionKeys == nil || len(got.PartitionKeys) != 0 {
		t.Fatalf("PartitionKeys = %#v, want an empty list", got.PartitionKeys)
	}

	_, err := c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("conversion_db"), TableInput: inventoryTable()})
	wantErr(t, err, "AlreadyExistsException", "Table already exists.")
	_, err = c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("nope"), TableInput: inventoryTable()})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")
	_, err = c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("conversion_db"), Name: aws.String("missing")})
	wantErr(t, err, "EntityNotFoundException", "Table missing not found.")
	_, err = c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("nope"), Name: aws.String("conversion_table")})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")
}

func TestColumnNamesAreLowerCased(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "db")
	in := orderlogsTable("Orders")
	in.StorageDescriptor.Columns = []types.Column{col("InvoiceNo", "string"), col("UnitPrice", "double")}
	in.PartitionKeys = []types.Column{col("Year", "string")}
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: in}))
	got := must(c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("orders")})).Table
	if aws.ToString(got.Name) != "orders" || aws.ToString(got.StorageDescriptor.Columns[0].Name) != "invoiceno" ||
		aws.ToString(got.StorageDescriptor.Columns[1].Name) != "unitprice" || aws.ToString(got.PartitionKeys[0].Name) != "year" {
		t.Fatalf("names not folded: %s %+v %+v", aws.ToString(got.Name), got.StorageDescriptor.Columns, got.PartitionKeys)
	}
}

func TestTableValidation(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "db")
	create := func(in *types.TableInput) error {
		_, err := c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: in})
		return err
	}
	wantErr(t, create(&types.TableInput{Name: aws.String("")}), "ValidationException", "tableInput.name")
	wantErr(t, create(&types.TableInput{Name: aws.String(strings.Repeat("x", 256))}), "ValidationException", "255")
	bad := inventoryTable()
	bad.StorageDescriptor.Columns[0].Name = aws.String("")
	wantErr(t, create(bad), "InvalidInputException", "Column name")
	wantErr(t, create(&types.TableInput{Name: aws.String("v"), ViewDefinition: &types.ViewDefinitionInput{Definer: aws.String("x")}}), "InvalidInputException", "ViewDefinition")
	wantErr(t, create(&types.TableInput{Name: aws.String("f"), FederatedTable: &types.FederatedTable{Identifier: aws.String("x")}}), "InvalidInputException", "FederatedTable")

	_, err := c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: inventoryTable(),
		PartitionIndexes: []types.PartitionIndex{{IndexName: aws.String("i"), Keys: []string{"a"}}}})
	wantErr(t, err, "InvalidInputException", "PartitionIndexes")
	_, err = c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: inventoryTable(), TransactionId: aws.String("tx")})
	wantErr(t, err, "InvalidInputException", "TransactionId")
	_, err = c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), Name: aws.String("t"),
		OpenTableFormatInput: &types.OpenTableFormatInput{IcebergInput: &types.IcebergInput{MetadataOperation: types.MetadataOperationCreate}}})
	wantErr(t, err, "InvalidInputException", "OpenTableFormatInput")
	_, err = c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("t"), QueryAsOfTime: aws.Time(time.Now())})
	wantErr(t, err, "InvalidInputException", "QueryAsOfTime")
	_, err = c.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("db"), TransactionId: aws.String("tx")})
	wantErr(t, err, "InvalidInputException", "TransactionId")
	_, err = c.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("db"), Expression: aws.String("bad(")})
	wantErr(t, err, "InvalidInputException", "Expression")
	_, err = c.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("nope")})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")
}

func TestGetTablesExpressionAndPagination(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "db")
	var all []string
	for i := range 5 {
		for _, prefix := range []string{"sales_", "orders_"} {
			name := fmt.Sprintf("%s%d", prefix, i)
			all = append(all, name)
			must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: orderlogsTable(name)}))
		}
	}
	list := func(expr string, max int32) (names []string, pages int) {
		in := &glue.GetTablesInput{DatabaseName: aws.String("db"), MaxResults: aws.Int32(max)}
		if expr != "" {
			in.Expression = aws.String(expr)
		}
		p := glue.NewGetTablesPaginator(c, in)
		for p.HasMorePages() {
			out := must(p.NextPage(ctx))
			pages++
			for _, tb := range out.TableList {
				names = append(names, aws.ToString(tb.Name))
			}
		}
		return names, pages
	}
	if names, pages := list("", 4); len(names) != 10 || pages != 3 {
		t.Fatalf("all: %v in %d pages", names, pages)
	}
	if names, pages := list("sales*", 2); strings.Join(names, ",") != "sales_0,sales_1,sales_2,sales_3,sales_4" || pages != 3 {
		t.Fatalf("sales*: %v in %d pages", names, pages)
	}
	if names, _ := list("*_3", 100); strings.Join(names, ",") != "orders_3,sales_3" {
		t.Fatalf("*_3: %v", names)
	}
	if names, _ := list("orders_[0-1]|sales_4", 100); strings.Join(names, ",") != "orders_0,orders_1,sales_4" {
		t.Fatalf("regex: %v", names)
	}
	summary := must(c.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("db"), Expression: aws.String("sales_0"),
		AttributesToGet: []types.TableAttributes{types.TableAttributesName, types.TableAttributesTableType}}))
	if len(summary.TableList) != 1 || aws.ToString(summary.TableList[0].TableType) != "EXTERNAL_TABLE" || summary.TableList[0].StorageDescriptor != nil {
		t.Fatalf("AttributesToGet: %+v", summary.TableList)
	}

	// BatchDeleteTable reports the missing ones and deletes the rest.
	out := must(c.BatchDeleteTable(ctx, &glue.BatchDeleteTableInput{DatabaseName: aws.String("db"), TablesToDelete: []string{"sales_0", "nope", "SALES_1"}}))
	if len(out.Errors) != 1 || aws.ToString(out.Errors[0].TableName) != "nope" ||
		aws.ToString(out.Errors[0].ErrorDetail.ErrorCode) != "EntityNotFoundException" {
		t.Fatalf("errors: %+v", out.Errors)
	}
	if names, _ := list("sales*", 100); strings.Join(names, ",") != "sales_2,sales_3,sales_4" {
		t.Fatalf("after batch delete: %v", names)
	}
	must(c.DeleteTable(ctx, &glue.DeleteTableInput{DatabaseName: aws.String("db"), Name: aws.String("sales_2")}))
	_, err := c.DeleteTable(ctx, &glue.DeleteTableInput{DatabaseName: aws.String("db"), Name: aws.String("sales_2")})
	wantErr(t, err, "EntityNotFoundException", "Table sales_2 not found.")
	_, err = c.BatchDeleteTable(ctx, &glue.BatchDeleteTableInput{DatabaseName: aws.String("nope"), TablesToDelete: []string{"x"}})
	wantErr(t, err, "EntityNotFoundException", "Database nope not found.")
}

func TestTableVersions(t *testing.T) {
	c, _ := newClient(t)
	createDB(t, c, "db")
	in := inventoryTable()
	must(c.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: in}))
	get := func() *types.Table {
		return must(c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("conversion_table")})).Table
	}
	created := get()
	update := func(desc string, mutate func(*glue.UpdateTableInput)) error {
		in := inventoryTable()
		in.Description = aws.String(desc)
		u := &glue.UpdateTableInput{DatabaseName: aws.String("db"), TableInput: in}
		if mutate != nil {
			mutate(u)
		}
		_, err := c.UpdateTable(ctx, u)
		return err
	}
	time.Sleep(10 * time.Millisecond)
	noErr(t, update("v1", nil))
	noErr(t, update("v2", func(u *glue.UpdateTableInput) { u.VersionId = aws.String("1") }))
	cur := get()
	if aws.ToString(cur.VersionId) != "2" || aws.ToString(cur.Description) != "v2" ||
		!cur.CreateTime.Equal(*created.CreateTime) || !cur.UpdateTime.After(*created.UpdateTime) {
		t.Fatalf("current: version %s desc %s create %v update %v", aws.ToString(cur.VersionId), aws.ToString(cur.Description), cur.CreateTime, cur.UpdateTime)
	}
	// A stale VersionId is a concurrent modification and changes nothing.
	wantErr(t, update("stale", func(u *glue.UpdateTableInput) { u.VersionId = aws.String("1") }), "ConcurrentModificationException", "")
	wantErr(t, update("x", func(u *glue.UpdateTableInput) { u.TransactionId = aws.String("t") }), "InvalidInputException", "TransactionId")
	wantErr(t, update("x", func(u *glue.UpdateTableInput) { u.ViewUpdateAction = types.ViewUpdateActionAdd }), "InvalidInputException", "ViewUpdateAction")
	_, err := c.UpdateTable(ctx, &glue.UpdateTableInput{DatabaseName: aws.String("db"), TableInput: &types.TableInput{Name: aws.String("nope")}})
	wantErr(t, err, "EntityNotFoundException", "Table nope not found.")

	versions := func(max int32) (ids []string, descs []string) {
		p := glue.NewGetTableVersionsPaginator(c, &glue.GetTableVersionsInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"), MaxResults: aws.Int32(max)})
		for p.HasMorePages() {
			for _, v := range must(p.NextPage(ctx)).TableVersions {
				if aws.ToString(v.VersionId) != aws.ToString(v.Table.VersionId) {
					t.Fatalf("VersionId %s vs Table.VersionId %s", aws.ToString(v.VersionId), aws.ToString(v.Table.VersionId))
				}
				ids = append(ids, aws.ToString(v.VersionId))
				descs = append(descs, aws.ToString(v.Table.Description))
			}
		}
		return ids, descs
	}
	if ids, descs := versions(2); strings.Join(ids, ",") != "2,1,0" || strings.Join(descs, ",") != "v2,v1," {
		t.Fatalf("versions %v %v", ids, descs)
	}
	v1 := must(c.GetTableVersion(ctx, &glue.GetTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"), VersionId: aws.String("1")}))
	if aws.ToString(v1.TableVersion.Table.Description) != "v1" || aws.ToString(v1.TableVersion.VersionId) != "1" {
		t.Fatalf("version 1: %+v", v1.TableVersion)
	}
	_, err = c.GetTableVersion(ctx, &glue.GetTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"), VersionId: aws.String("9")})
	wantErr(t, err, "EntityNotFoundException", "")
	_, err = c.GetTableVersion(ctx, &glue.GetTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"), VersionId: aws.String("x")})
	wantErr(t, err, "InvalidInputException", "")

	// SkipArchive replaces the current version without keeping it.
	noErr(t, update("v3", func(u *glue.UpdateTableInput) { u.SkipArchive = aws.Bool(true) }))
	if ids, _ := versions(100); strings.Join(ids, ",") != "3,1,0" {
		t.Fatalf("after SkipArchive: %v", ids)
	}

	// Deleting versions: archived ones go, the current one stays.
	_, err = c.DeleteTableVersion(ctx, &glue.DeleteTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"), VersionId: aws.String("3")})
	wantErr(t, err, "InvalidInputException", "current version")
	must(c.DeleteTableVersion(ctx, &glue.DeleteTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"), VersionId: aws.String("0")}))
	out := must(c.BatchDeleteTableVersion(ctx, &glue.BatchDeleteTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("conversion_table"),
		VersionIds: []string{"1", "0", "3"}}))
	if len(out.Errors) != 2 || aws.ToString(out.Errors[0].VersionId) != "0" || aws.ToString(out.Errors[0].ErrorDetail.ErrorCode) != "EntityNotFoundException" ||
		aws.ToString(out.Errors[1].VersionId) != "3" || aws.ToString(out.Errors[1].ErrorDetail.ErrorCode) != "InvalidInputException" ||
		aws.ToString(out.Errors[1].TableName) != "conversion_table" {
		t.Fatalf("batch errors: %+v", out.Errors)
	}
	if ids, _ := versions(100); strings.Join(ids, ",") != "3" {
		t.Fatalf("after deletes: %v", ids)
	}
	// Version numbers keep increasing after deletions.
	noErr(t, update("v4", nil))
	if cur := get(); aws.ToString(cur.VersionId) != "4" {
		t.Fatalf("next version = %s", aws.ToString(cur.VersionId))
	}
}
