package sim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// The workshop's reference pipeline (DESIGN.md, "Running example").
const (
	// PartitionQuery is the MetadataExtraction JQ query: partition keys
	// from the record's store and the hour of its check.
	PartitionQuery = `{store_id:.store_id,year:.check_timestamp|strftime("%Y"),month:.check_timestamp|strftime("%m"),day:.check_timestamp|strftime("%d"),hour:.check_timestamp|strftime("%H")}`
	// DataPrefix is where converted records land, under DataDir.
	DataPrefix = "store-data/store_id=!{partitionKeyFromQuery:store_id}/!{partitionKeyFromQuery:year}/!{partitionKeyFromQuery:month}/!{partitionKeyFromQuery:day}/!{partitionKeyFromQuery:hour}/"
	DataDir    = "store-data/"
	// ErrorPrefix is where records that fail conversion or partitioning go.
	ErrorPrefix = "error"
	// PlanningQuery finds the shelves to restock that nobody was told about.
	PlanningQuery = "SELECT * FROM conversion_db.conversion_table WHERE is_stock_low = true AND notification_sent = false"

	// MinDynamicBufferMB is the buffer size AWS requires with dynamic
	// partitioning; MinDynamicIntervalSec the shortest interval it allows
	// (zero buffering is not available with dynamic partitioning).
	MinDynamicBufferMB    = 64
	MinDynamicIntervalSec = 1
)

// Columns are the workshop's record schema as Glue column types.
var Columns = [][2]string{
	{"store_id", "string"}, {"product_id", "string"}, {"product_name", "string"},
	{"current_stock", "int"}, {"threshold_level", "int"}, {"is_stock_low", "boolean"},
	{"check_timestamp", "bigint"}, {"notification_sent", "boolean"}, {"restock_status", "string"},
}

// Pipeline names the parts of the reference pipeline.
type Pipeline struct {
	Bucket         string
	Database       string
	Table          string
	DeliveryStream string
	// Role is the delivery stream's role: it writes the bucket and reads
	// the table for conversion as this role.
	Role ServiceRole
	// BufferInterval is the delivery stream's buffering interval.
	BufferInterval time.Duration
}

// Reference is the reference pipeline writing to bucket, for account.
func Reference(bucket, account string) Pipeline {
	return Pipeline{
		Bucket: bucket, Database: "conversion_db", Table: "conversion_table", DeliveryStream: "SI-Firehose",
		Role: ServiceRole{
			ARN:      roleARN(account, "firehose-delivery-role"),
			Services: []string{"firehose.amazonaws.com"},
			Policies: []string{PolicyS3FullAccess, PolicyGlueServiceRole},
		},
		BufferInterval: MinDynamicIntervalSec * time.Second,
	}
}

// Ensure creates what is missing of the pipeline and leaves what exists as it
// is, so a second run on the same data reuses the first one's. It returns
// what it created.
func (p Pipeline) Ensure(ctx context.Context, cfg aws.Config) (created []string, err error) {
	return ensureAll(ctx, cfg, []ensureStep{
		{"bucket " + p.Bucket, p.ensureBucket},
		{"role " + p.Role.Name(), p.Role.Ensure},
		{"database " + p.Database, p.ensureDatabase},
		{"table " + p.Database + "." + p.Table, p.ensureTable},
		{"delivery stream " + p.DeliveryStream, p.ensureDeliveryStream},
	})
}

// ensureStep creates one part of a pipeline unless it exists, and tells
// whether it did.
type ensureStep struct {
	what string
	fn   func(context.Context, aws.Config) (bool, error)
}

// ensureAll runs the steps in order and returns what they created.
func ensureAll(ctx context.Context, cfg aws.Config, steps []ensureStep) (created []string, err error) {
	for _, s := range steps {
		made, err := s.fn(ctx, cfg)
		if err != nil {
			return created, fmt.Errorf("%s: %w", s.what, err)
		}
		if made {
			created = append(created, s.what)
		}
	}
	return created, nil
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func (p Pipeline) ensureBucket(ctx context.Context, cfg aws.Config) (bool, error) {
	_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).
		CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(p.Bucket)})
	if c := errorCode(err); c == "BucketAlreadyOwnedByYou" || c == "BucketAlreadyExists" {
		return false, nil
	}
	return err == nil, err
}

func (p Pipeline) ensureDatabase(ctx context.Context, cfg aws.Config) (bool, error) {
	_, err := glue.NewFromConfig(cfg).CreateDatabase(ctx, &glue.CreateDatabaseInput{
		DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(p.Database), Description: aws.String("store inventory workshop")}})
	if errorCode(err) == "AlreadyExistsException" {
		return false, nil
	}
	return err == nil, err
}

// ensureTable declares the records as Parquet under store-data/. The table
// has no partition keys, as in the workshop: store_id is a data column (and
// the conversion schema), and the year/month/day/hour levels below it are
// not key=value directories, so Athena reads the whole tree under LOCATION.
func (p Pipeline) ensureTable(ctx context.Context, cfg aws.Config) (bool, error) {
	cols := make([]gluetypes.Column, len(Columns))
	for i, c := range Columns {
		cols[i] = gluetypes.Column{Name: aws.String(c[0]), Type: aws.String(c[1])}
	}
	_, err := glue.NewFromConfig(cfg).CreateTable(ctx, &glue.CreateTableInput{
		DatabaseName: aws.String(p.Database),
		TableInput: &gluetypes.TableInput{
			Name:       aws.String(p.Table),
			TableType:  aws.String("EXTERNAL_TABLE"),
			Parameters: map[string]string{"classification": "parquet", "EXTERNAL": "TRUE"},
			StorageDescriptor: &gluetypes.StorageDescriptor{
				Columns:      cols,
				Location:     aws.String("s3://" + p.Bucket + "/" + DataDir),
				InputFormat:  aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"),
				OutputFormat: aws.String("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"),
				SerdeInfo: &gluetypes.SerDeInfo{
					SerializationLibrary: aws.String("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
					Parameters:           map[string]string{"serialization.format": "1"},
				},
			},
		}})
	if errorCode(err) == "AlreadyExistsException" {
		return false, nil
	}
	return err == nil, err
}

func (p Pipeline) ensureDeliveryStream(ctx context.Context, cfg aws.Config) (bool, error) {
	client := firehose.NewFromConfig(cfg)
	_, err := client.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(p.DeliveryStream)})
	made := false
	switch {
	case errorCode(err) == "ResourceNotFoundException":
		_, err = client.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
			DeliveryStreamName:                 aws.String(p.DeliveryStream),
			DeliveryStreamType:                 fhtypes.DeliveryStreamTypeDirectPut,
			ExtendedS3DestinationConfiguration: p.destination(),
		})
		if err != nil && errorCode(err) != "ResourceInUseException" {
			return false, err
		}
		made = err == nil
	case err != nil:
		return false, err
	}
	return made, waitActive(ctx, client, p.DeliveryStream)
}

func (p Pipeline) destination() *fhtypes.ExtendedS3DestinationConfiguration {
	return &fhtypes.ExtendedS3DestinationConfiguration{
		BucketARN:         aws.String("arn:aws:s3:::" + p.Bucket),
		RoleARN:           aws.String(p.Role.ARN),
		Prefix:            aws.String(DataPrefix),
		ErrorOutputPrefix: aws.String(ErrorPrefix),
		BufferingHints: &fhtypes.BufferingHints{
			SizeInMBs:         aws.Int32(MinDynamicBufferMB),
			IntervalInSeconds: aws.Int32(int32(max(p.BufferInterval, MinDynamicIntervalSec*time.Second) / time.Second)),
		},
		DynamicPartitioningConfiguration: &fhtypes.DynamicPartitioningConfiguration{
			Enabled: aws.Bool(true), RetryOptions: &fhtypes.RetryOptions{DurationInSeconds: aws.Int32(300)},
		},
		ProcessingConfiguration: &fhtypes.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fhtypes.Processor{{
			Type: fhtypes.ProcessorTypeMetadataExtraction,
			Parameters: []fhtypes.ProcessorParameter{
				{ParameterName: fhtypes.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String(PartitionQuery)},
				{ParameterName: fhtypes.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")},
			},
		}}},
		DataFormatConversionConfiguration: &fhtypes.DataFormatConversionConfiguration{
			Enabled: aws.Bool(true),
			SchemaConfiguration: &fhtypes.SchemaConfiguration{
				DatabaseName: aws.String(p.Database), TableName: aws.String(p.Table),
				RoleARN: aws.String(p.Role.ARN), VersionId: aws.String("LATEST"),
			},
			InputFormatConfiguration: &fhtypes.InputFormatConfiguration{Deserializer: &fhtypes.Deserializer{
				OpenXJsonSerDe: &fhtypes.OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &fhtypes.OutputFormatConfiguration{Serializer: &fhtypes.Serializer{
				ParquetSerDe: &fhtypes.ParquetSerDe{Compression: fhtypes.ParquetCompressionSnappy}}},
		},
	}
}

// waitActive polls until the delivery stream can take records.
func waitActive(ctx context.Context, client *firehose.Client, name string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		out, err := client.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
		if err != nil {
			return fmt.Errorf("wait for ACTIVE: %w", err)
		}
		if st := out.DeliveryStreamDescription.DeliveryStreamStatus; st == fhtypes.DeliveryStreamStatusActive {
			return nil
		} else if st != fhtypes.DeliveryStreamStatusCreating {
			return fmt.Errorf("delivery stream %s is %s", name, st)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for ACTIVE: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
