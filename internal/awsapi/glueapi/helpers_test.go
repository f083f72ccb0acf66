package glueapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"

	"github.com/shoal-dev/shoal/internal/testenv"
)

var ctx = context.Background()

func newClient(t *testing.T) (*glue.Client, *testenv.Env) {
	t.Helper()
	env := testenv.Start(t)
	return glue.NewFromConfig(env.AWSConfig()), env
}

// wantErr checks that err is the AWS error code, with msg in its message
// when msg is not empty.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s message %q does not contain %q", code, ae.ErrorMessage(), msg)
	}
}

// must returns v, or panics on err: Go cannot spread a call's two results
// after a *testing.T argument, and a panic fails the test with the stack
// pointing at the call.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func createDB(t *testing.T, c *glue.Client, name string) {
	t.Helper()
	must(c.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String(name)}}))
}

func col(name, typ string) types.Column {
	return types.Column{Name: aws.String(name), Type: aws.String(typ)}
}

// inventoryTable is the store-inventory table of DESIGN.md, as the workshop
// creates it for Firehose's Parquet conversion.
func inventoryTable() *types.TableInput {
	return &types.TableInput{
		Name:      aws.String("conversion_table"),
		TableType: aws.String("EXTERNAL_TABLE"),
		Parameters: map[string]string{
			"classification": "parquet",
		},
		StorageDescriptor: &types.StorageDescriptor{
			Columns: []types.Column{
				col("store_id", "string"), col("product_id", "string"), col("product_name", "string"),
				col("current_stock", "int"), col("threshold_level", "int"), col("is_stock_low", "boolean"),
				col("check_timestamp", "bigint"), col("notification_sent", "boolean"), col("restock_status", "string"),
			},
			Location:     aws.String("s3://inventory/store-data/"),
			InputFormat:  aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"),
			OutputFormat: aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"),
			SerdeInfo: &types.SerDeInfo{
				SerializationLibrary: aws.String("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
				Parameters:           map[string]string{"serialization.format": "1"},
			},
		},
	}
}

// orderlogsTable is what a crawler makes of the default Firehose layout
// YYYY/MM/dd/HH: four string partition keys.
func orderlogsTable(name string) *types.TableInput {
	return &types.TableInput{
		Name:      aws.String(name),
		TableType: aws.String("EXTERNAL_TABLE"),
		Parameters: map[string]string{
			"classification": "json",
		},
		StorageDescriptor: &types.StorageDescriptor{
			Columns: []types.Column{
				col("invoiceno", "string"), col("stockcode", "string"), col("description", "string"),
				col("quantity", "int"), col("invoicedate", "string"), col("unitprice", "double"),
				col("customer", "int"), col("country", "string"),
			},
			Location:     aws.String("s3://orders/"),
			InputFormat:  aws.String("org.apache.hadoop.mapred.TextInputFormat"),
			OutputFormat: aws.String("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
			SerdeInfo:    &types.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
		},
		PartitionKeys: []types.Column{
			col("partition_0", "string"), col("partition_1", "string"), col("partition_2", "string"), col("partition_3", "string"),
		},
	}
}
