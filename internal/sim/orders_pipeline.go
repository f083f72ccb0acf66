package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// OrdersPipeline names the parts of the order-history flow (DESIGN.md,
// "A second flow, order history"): a data stream, a delivery stream from it
// writing Firehose's default YYYY/MM/dd/HH/ layout, and a crawler that
// catalogs what lands.
type OrdersPipeline struct {
	Bucket         string
	Stream         string
	Shards         int32
	DeliveryStream string
	Database       string
	Crawler        string
	// CrawlSchedule is the crawler's Glue cron expression, so new hourly
	// partitions are catalogued without anybody starting it.
	CrawlSchedule string
	// Role is what the delivery stream and the crawler act as.
	Role ServiceRole
	// BufferInterval is the delivery stream's buffering interval.
	BufferInterval time.Duration
}

// ReferenceOrders is the order-history flow writing to bucket, for account.
func ReferenceOrders(bucket, account string) OrdersPipeline {
	return OrdersPipeline{
		Bucket: bucket, Stream: "CadabraOrders", Shards: 2, DeliveryStream: "CadabraOrdersToS3",
		Database: "orderlogs", Crawler: "orderlogs-crawler", CrawlSchedule: "cron(0/10 * * * ? *)",
		Role: ServiceRole{
			ARN:      roleARN(account, "cadabra-pipeline"),
			Services: []string{"firehose.amazonaws.com", "glue.amazonaws.com"},
			Policies: []string{PolicyS3FullAccess, PolicyGlueServiceRole, PolicyKinesisReadOnly},
		},
		BufferInterval: time.Second,
	}
}

// Ensure creates what is missing of the flow and returns what it created.
func (p OrdersPipeline) Ensure(ctx context.Context, cfg aws.Config) (created []string, err error) {
	bucket := Pipeline{Bucket: p.Bucket}
	return ensureAll(ctx, cfg, []ensureStep{
		{"bucket " + p.Bucket, bucket.ensureBucket},
		{"role " + p.Role.Name(), p.Role.Ensure},
		{"stream " + p.Stream, p.ensureStream},
		{"delivery stream " + p.DeliveryStream, p.ensureDeliveryStream},
		{"crawler " + p.Crawler, p.ensureCrawler},
	})
}

func (p OrdersPipeline) ensureStream(ctx context.Context, cfg aws.Config) (bool, error) {
	client := kinesis.NewFromConfig(cfg)
	_, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(p.Stream), ShardCount: aws.Int32(p.Shards)})
	if err != nil && errorCode(err) != "ResourceInUseException" {
		return false, err
	}
	made := err == nil
	w := kinesis.NewStreamExistsWaiter(client, func(o *kinesis.StreamExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return made, w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(p.Stream)}, time.Minute)
}

func (p OrdersPipeline) streamARN(ctx context.Context, cfg aws.Config) (string, error) {
	out, err := kinesis.NewFromConfig(cfg).DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(p.Stream)})
	if err != nil {
		return "", err
	}
	if out.StreamDescriptionSummary.StreamStatus != ktypes.StreamStatusActive {
		return "", fmt.Errorf("stream %s is %s", p.Stream, out.StreamDescriptionSummary.StreamStatus)
	}
	return aws.ToString(out.StreamDescriptionSummary.StreamARN), nil
}

// ensureDeliveryStream reads the data stream and writes its records as they
// are, under Firehose's default prefix (YYYY/MM/dd/HH/ in UTC).
func (p OrdersPipeline) ensureDeliveryStream(ctx context.Context, cfg aws.Config) (bool, error) {
	client := firehose.NewFromConfig(cfg)
	_, err := client.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(p.DeliveryStream)})
	if err == nil {
		return false, waitActive(ctx, client, p.DeliveryStream)
	}
	if errorCode(err) != "ResourceNotFoundException" {
		return false, err
	}
	arn, err := p.streamARN(ctx, cfg)
	if err != nil {
		return false, err
	}
	_, err = client.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String(p.DeliveryStream),
		DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &fhtypes.KinesisStreamSourceConfiguration{
			KinesisStreamARN: aws.String(arn), RoleARN: aws.String(p.Role.ARN)},
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::" + p.Bucket), RoleARN: aws.String(p.Role.ARN),
			BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(5),
				IntervalInSeconds: aws.Int32(int32(max(p.BufferInterval, time.Second) / time.Second))},
		},
	})
	if err != nil && errorCode(err) != "ResourceInUseException" {
		return false, err
	}
	return err == nil, waitActive(ctx, client, p.DeliveryStream)
}

func (p OrdersPipeline) ensureCrawler(ctx context.Context, cfg aws.Config) (bool, error) {
	in := &glue.CreateCrawlerInput{
		Name: aws.String(p.Crawler), Role: aws.String(p.Role.ARN), DatabaseName: aws.String(p.Database),
		Description: aws.String("catalogs the order lines that the delivery stream writes"),
		Targets:     &gluetypes.CrawlerTargets{S3Targets: []gluetypes.S3Target{{Path: aws.String("s3://" + p.Bucket + "/")}}},
		SchemaChangePolicy: &gluetypes.SchemaChangePolicy{
			UpdateBehavior: gluetypes.UpdateBehaviorUpdateInDatabase,
			DeleteBehavior: gluetypes.DeleteBehaviorDeprecateInDatabase,
		},
	}
	if p.CrawlSchedule != "" {
		in.Schedule = aws.String(p.CrawlSchedule)
	}
	_, err := glue.NewFromConfig(cfg).CreateCrawler(ctx, in)
	if errorCode(err) == "AlreadyExistsException" {
		return false, nil
	}
	return err == nil, err
}

// Crawl runs the crawler once and waits for it, returning the tables of the
// pipeline's database afterwards. A crawl already running is waited for.
func (p OrdersPipeline) Crawl(ctx context.Context, cfg aws.Config) ([]string, error) {
	client := glue.NewFromConfig(cfg)
	_, err := client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String(p.Crawler)})
	if err != nil && errorCode(err) != "CrawlerRunningException" {
		return nil, fmt.Errorf("start crawler: %w", err)
	}
	for {
		out, err := client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String(p.Crawler)})
		if err != nil {
			return nil, fmt.Errorf("crawler state: %w", err)
		}
		if c := out.Crawler; c.State == gluetypes.CrawlerStateReady && c.LastCrawl != nil {
			if c.LastCrawl.Status != gluetypes.LastCrawlStatusSucceeded {
				return nil, fmt.Errorf("crawl %s: %s", c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
			}
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	tables, err := client.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String(p.Database)})
	if err != nil {
		return nil, fmt.Errorf("crawled tables: %w", err)
	}
	var names []string
	for _, t := range tables.TableList {
		names = append(names, aws.ToString(t.Name))
	}
	return names, nil
}
