package sim

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// MaxBatch is the most records one PutRecordBatch or PutRecords call takes.
const MaxBatch = 500

// entry is a record on its way: its payload, partition key and attempts.
type entry struct {
	data     []byte
	key      string
	attempts int
}

// sink puts one batch and reports, per entry, the error code of those that
// were not accepted ("" for accepted). A call error means none were.
type sink interface {
	put(ctx context.Context, batch []*entry) (codes []string, err error)
}

// firehoseSink puts into a delivery stream with PutRecordBatch.
type firehoseSink struct {
	client *firehose.Client
	name   string
}

func (s *firehoseSink) put(ctx context.Context, batch []*entry) ([]string, error) {
	recs := make([]fhtypes.Record, len(batch))
	for i, e := range batch {
		recs[i] = fhtypes.Record{Data: e.data}
	}
	out, err := s.client.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(s.name), Records: recs})
	if err != nil {
		return nil, fmt.Errorf("PutRecordBatch %s: %w", s.name, err)
	}
	if len(out.RequestResponses) != len(batch) {
		return nil, fmt.Errorf("PutRecordBatch %s: %d responses for %d records", s.name, len(out.RequestResponses), len(batch))
	}
	codes := make([]string, len(batch))
	if aws.ToInt32(out.FailedPutCount) > 0 {
		for i, r := range out.RequestResponses {
			if r.RecordId == nil {
				codes[i] = failureCode(r.ErrorCode)
			}
		}
	}
	return codes, nil
}

// kinesisSink puts into a data stream with PutRecords, keyed by store so
// that one store's checks stay in order on one shard.
type kinesisSink struct {
	client *kinesis.Client
	name   string
}

func (s *kinesisSink) put(ctx context.Context, batch []*entry) ([]string, error) {
	recs := make([]kintypes.PutRecordsRequestEntry, len(batch))
	for i, e := range batch {
		recs[i] = kintypes.PutRecordsRequestEntry{Data: e.data, PartitionKey: aws.String(e.key)}
	}
	out, err := s.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(s.name), Records: recs})
	if err != nil {
		return nil, fmt.Errorf("PutRecords %s: %w", s.name, err)
	}
	if len(out.Records) != len(batch) {
		return nil, fmt.Errorf("PutRecords %s: %d results for %d records", s.name, len(out.Records), len(batch))
	}
	codes := make([]string, len(batch))
	if aws.ToInt32(out.FailedRecordCount) > 0 {
		for i, r := range out.Records {
			if r.SequenceNumber == nil {
				codes[i] = failureCode(r.ErrorCode)
			}
		}
	}
	return codes, nil
}

// failureCode never returns "", which would read as success.
func failureCode(code *string) string {
	if c := aws.ToString(code); c != "" {
		return c
	}
	return "UnknownError"
}
