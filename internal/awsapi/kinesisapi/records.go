package kinesisapi

import (
	"context"
	"strconv"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

func (a *api) putRecord(ctx context.Context, call *awsapi.Call) (any, error) {
	var in PutRecordInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		v.record("", in.Data, in.PartitionKey, in.ExplicitHashKey)
		if in.SequenceNumberForOrdering != "" && !seqRE.MatchString(in.SequenceNumberForOrdering) {
			v.add(in.SequenceNumberForOrdering, "sequenceNumberForOrdering", pattern(seqPattern))
		}
	})
	if err != nil {
		return nil, err
	}
	if err := checkCommon(in.target, in.DryRun); err != nil {
		return nil, err
	}
	name, err := a.resolveFor(ctx, "kinesis:PutRecord", in.target)
	if err != nil {
		return nil, err
	}
	// SequenceNumberForOrdering needs no handling beyond validation: every
	// record's sequence number already exceeds all earlier ones in its shard.
	seq, err := a.svc.PutRecord(ctx, name, stream.PutEntry{Data: in.Data, PartitionKey: in.PartitionKey, ExplicitHashKey: in.ExplicitHashKey})
	if err != nil {
		return nil, err
	}
	return &PutRecordOutput{
		SequenceNumber: string(stream.AppendSequenceNumber(nil, seq)),
		ShardId:        (&stream.PutResult{Seq: seq}).ShardID(),
		EncryptionType: "NONE",
	}, nil
}

func (a *api) putRecords(ctx context.Context, call *awsapi.Call) (any, error) {
	var in PutRecordsInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		switch n := len(in.Records); {
		case in.Records == nil:
			v.add(nil, "records", mustNotBeNull)
		case n < 1:
			v.add("[]", "records", lenMin(1))
		case n > stream.MaxRecordsPerPut:
			v.add("[...]", "records", lenMax(stream.MaxRecordsPerPut))
		}
		for i := range in.Records {
			r := &in.Records[i]
			if r.Data == nil || len(r.Data) > 1<<20 || r.PartitionKey == "" || len(r.PartitionKey) > 256 || r.ExplicitHashKey != "" {
				v.record("records."+strconv.Itoa(i+1)+".member.", r.Data, r.PartitionKey, r.ExplicitHashKey)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if err := checkCommon(in.target, in.DryRun); err != nil {
		return nil, err
	}
	name, err := a.resolveFor(ctx, "kinesis:PutRecords", in.target)
	if err != nil {
		return nil, err
	}
	entries := make([]stream.PutEntry, len(in.Records))
	for i, r := range in.Records {
		entries[i] = stream.PutEntry{Data: r.Data, PartitionKey: r.PartitionKey, ExplicitHashKey: r.ExplicitHashKey}
	}
	results := make([]stream.PutResult, len(entries))
	failed, err := a.svc.PutRecords(ctx, name, entries, results)
	if err != nil {
		return nil, err
	}
	return &putRecordsResponse{results: results, failed: failed}, nil
}

func (a *api) getShardIterator(ctx context.Context, call *awsapi.Call) (any, error) {
	var in GetShardIteratorInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		if in.ShardId == "" {
			v.add(nil, "shardId", mustNotBeNull)
		}
		v.str(in.ShardId, "shardId", 1, 128, nameRE, namePattern)
		switch in.ShardIteratorType {
		case "":
			v.add(nil, "shardIteratorType", mustNotBeNull)
		case stream.TrimHorizon, stream.Latest, stream.AtSequenceNumber, stream.AfterSequenceNumber, stream.AtTimestamp:
		default:
			v.add(in.ShardIteratorType, "shardIteratorType", "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]")
		}
		if in.StartingSequenceNumber != "" && !seqRE.MatchString(in.StartingSequenceNumber) {
			v.add(in.StartingSequenceNumber, "startingSequenceNumber", pattern(seqPattern))
		}
	})
	if err != nil {
		return nil, err
	}
	if err := checkCommon(in.target, in.DryRun); err != nil {
		return nil, err
	}
	name, err := a.resolveFor(ctx, "kinesis:GetShardIterator", in.target)
	if err != nil {
		return nil, err
	}
	ii := stream.IteratorInput{ShardID: in.ShardId, Type: in.ShardIteratorType, StartingSequenceNumber: in.StartingSequenceNumber}
	if in.Timestamp != nil {
		ii.Timestamp = in.Timestamp.Time
	}
	it, err := a.svc.GetShardIterator(ctx, name, ii)
	if err != nil {
		return nil, err
	}
	return &GetShardIteratorOutput{ShardIterator: it}, nil
}

func (a *api) getRecords(ctx context.Context, call *awsapi.Call) (any, error) {
	var in GetRecordsInput
	err := decode(call, &in, func(v *violations) {
		if in.ShardIterator == "" {
			v.add(nil, "shardIterator", mustNotBeNull)
		}
		v.str(in.ShardIterator, "shardIterator", 1, 512, nil, "")
		v.intRange(in.Limit, "limit", 1, stream.MaxGetRecordsLimit)
		v.str(in.StreamARN, "streamARN", 1, 2048, arnRE, arnPattern)
	})
	if err != nil {
		return nil, err
	}
	if err := checkCommon(target{StreamId: in.StreamId}, in.DryRun); err != nil {
		return nil, err
	}
	if err := a.authorizeIterator(ctx, in.ShardIterator); err != nil {
		return nil, err
	}
	limit := 0
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out, err := a.svc.GetRecords(ctx, in.ShardIterator, limit)
	if err != nil {
		return nil, err
	}
	return &getRecordsResponse{out: out}, nil
}
