package kinesisapi

import (
	"context"
	"sort"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

func (a *api) createStream(ctx context.Context, call *awsapi.Call) (any, error) {
	var in CreateStreamInput
	err := decode(call, &in, func(v *violations) {
		if in.StreamName == "" {
			v.add(nil, "streamName", mustNotBeNull)
		}
		v.streamName(in.StreamName, "streamName")
		v.intRange(in.ShardCount, "shardCount", 1, 1<<31-1)
		v.tagMap(in.Tags, "tags")
		if in.StreamModeDetails != nil && in.StreamModeDetails.StreamMode != stream.ModeProvisioned && in.StreamModeDetails.StreamMode != stream.ModeOnDemand {
			v.add(in.StreamModeDetails.StreamMode, "streamModeDetails.streamMode", "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]")
		}
	})
	if err != nil {
		return nil, err
	}
	if in.MaxRecordSizeInKiB != nil && *in.MaxRecordSizeInKiB != 1024 {
		return nil, unsupported("MaxRecordSizeInKiB", "records are limited to 1024 KiB")
	}
	if in.WarmThroughputMiBps != nil {
		return nil, unsupported("WarmThroughputMiBps", "there is no throughput provisioning")
	}
	if in.RecordDistributionStrategy != "" && in.RecordDistributionStrategy != "USER_PARTITION_KEY" {
		return nil, unsupported("RecordDistributionStrategy "+in.RecordDistributionStrategy, "records are routed by partition key")
	}
	if err := awsapi.Authorize(ctx, "kinesis:CreateStream", a.streamARN(in.StreamName), requestTagKeys(in.Tags)); err != nil {
		return nil, err
	}
	cs := stream.CreateStreamInput{Name: in.StreamName, Tags: in.Tags}
	if in.ShardCount != nil {
		cs.ShardCount = int(*in.ShardCount)
	}
	if in.StreamModeDetails != nil {
		cs.Mode = in.StreamModeDetails.StreamMode
	}
	return empty{}, a.svc.CreateStream(ctx, cs)
}

func (a *api) deleteStream(ctx context.Context, call *awsapi.Call) (any, error) {
	var in DeleteStreamInput
	if err := decode(call, &in, func(v *violations) { v.target(in.target) }); err != nil {
		return nil, err
	}
	if err := checkCommon(in.target, nil); err != nil {
		return nil, err
	}
	name, err := a.resolveFor(ctx, "kinesis:DeleteStream", in.target)
	if err != nil {
		return nil, err
	}
	// EnforceConsumerDeletion is accepted either way: Shoal has no
	// registered (enhanced fan-out) consumers to protect.
	return empty{}, a.svc.DeleteStream(ctx, name)
}

func wireShards(shards []stream.Shard) []Shard {
	out := make([]Shard, len(shards))
	for i, sh := range shards {
		out[i] = Shard{
			ShardId:               sh.ID,
			ParentShardId:         sh.ParentShardID,
			AdjacentParentShardId: sh.AdjacentParentShardID,
			HashKeyRange:          HashKeyRange{StartingHashKey: sh.StartingHashKey, EndingHashKey: sh.EndingHashKey},
			SequenceNumberRange:   SequenceNumberRange{StartingSequenceNumber: sh.StartingSequenceNumber, EndingSequenceNumber: sh.EndingSequenceNumber},
		}
	}
	return out
}

func (a *api) describe(ctx context.Context, action string, t target) (stream.Description, error) {
	if err := checkCommon(t, nil); err != nil {
		return stream.Description{}, err
	}
	name, err := a.resolveFor(ctx, action, t)
	if err != nil {
		return stream.Description{}, err
	}
	d, err := a.svc.DescribeStream(ctx, name)
	return d, err
}

func (a *api) describeStream(ctx context.Context, call *awsapi.Call) (any, error) {
	var in DescribeStreamInput
	err := decode(call, &in, func(v *violations) {
		v.target(in.target)
		v.intRange(in.Limit, "limit", 1, 10000)
		v.str(in.ExclusiveStartShardId, "exclusiveStartShardId", 1, 128, nameRE, namePattern)
	})
	if err != nil {
		return nil, err
	}
	d, err := a.describe(ctx, "kinesis:DescribeStream", in.target)
	if err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	shards := d.Shards
	if in.ExclusiveStartShardId != "" {
		i := sort.Search(len(shards), func(i int) bool { return shards[i].ID > in.ExclusiveStartShardId })
		shards = shards[i:]
	}
	more := len(shards) > limit
	if more {
		shards = shards[:limit]
	}
	return &DescribeStreamOutput{StreamDescription: StreamDescription{
		StreamName:              d.Name,
		StreamARN:               d.ARN,
		StreamStatus:            d.Status,
		StreamModeDetails:       &StreamModeDetails{StreamMode: d.Mode},
		Shards:                  wireShards(shards),
		HasMoreShards:           more,
		RetentionPeriodHours:    int32(d.RetentionHours),
		StreamCreationTimestamp: awsapi.Timestamp{Time: d.Created},
		EnhancedMonitoring:      []EnhancedMetrics{{ShardLevelMetrics: []string{}}},
		EncryptionType:          "NONE",
	}}, nil
}

func (a *api) describeStreamSummary(ctx context.Context, call *awsapi.Call) (any, error) {
	var in DescribeStreamSummaryInput
	if err := decode(call, &in, func(v *violations) { v.target(in.target) }); err != nil {
		return nil, err
	}
	d, err := a.describe(ctx, "kinesis:DescribeStreamSummary", in.target)
	if err != nil {
		return nil, err
	}
	return &DescribeStreamSummaryOutput{StreamDescriptionSummary: StreamDescriptionSummary{
		StreamName:              d.Name,
		StreamARN:               d.ARN,
		StreamStatus:            d.Status,
		StreamModeDetails:       &StreamModeDetails{StreamMode: d.Mode},
		RetentionPeriodHours:    int32(d.RetentionHours),
		StreamCreationTimestamp: awsapi.Timestamp{Time: d.Created},
		EnhancedMonitoring:      []EnhancedMetrics{{ShardLevelMetrics: []string{}}},
		EncryptionType:          "NONE",
		OpenShardCount:          int32(d.OpenShardCount),
		MaxRecordSizeInKiB:      1024,
	}}, nil
}

func (a *api) listStreams(ctx context.Context, call *awsapi.Call) (any, error) {
	var in ListStreamsInput
	err := decode(call, &in, func(v *violations) {
		v.intRange(in.Limit, "limit", 1, 10000)
		v.streamName(in.ExclusiveStartStreamName, "exclusiveStartStreamName")
		v.str(in.NextToken, "nextToken", 1, 1048576, nil, "")
	})
	if err != nil {
		return nil, err
	}
	after := in.ExclusiveStartStreamName
	if in.NextToken != "" {
		tok, err := decodeToken(in.NextToken, a.now())
		if err != nil {
			return nil, err
		}
		after = tok.After
	}
	if err := awsapi.Authorize(ctx, "kinesis:ListStreams", "*", nil); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := &ListStreamsOutput{StreamNames: []string{}, StreamSummaries: []StreamSummary{}}
	for _, s := range a.svc.ListStreams(ctx) {
		if s.Name <= after {
			continue
		}
		if len(out.StreamNames) == limit {
			out.HasMoreStreams = true
			out.NextToken = encodeToken(listToken{After: out.StreamNames[limit-1]}, a.now())
			break
		}
		out.StreamNames = append(out.StreamNames, s.Name)
		out.StreamSummaries = append(out.StreamSummaries, StreamSummary{
			StreamName: s.Name, StreamARN: s.ARN, StreamStatus: s.Status,
			StreamModeDetails:       &StreamModeDetails{StreamMode: s.Mode},
			StreamCreationTimestamp: awsapi.Timestamp{Time: s.Created},
		})
	}
	return out, nil
}
