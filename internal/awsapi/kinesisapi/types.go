package kinesisapi

import "github.com/shoal-dev/shoal/internal/awsapi"

// Wire shapes of the Kinesis API (Kinesis_20131202). Field names are the
// member names; the same structs serve JSON and CBOR. Every member of the
// operations' inputs is modelled so that the codec's unknown-field check only
// rejects fields Kinesis does not have; members Shoal does not support are
// rejected by the handlers with a message naming them.

// target addresses a stream; embedded in every stream-level input.
type target struct {
	StreamName string `json:"StreamName,omitempty"`
	StreamARN  string `json:"StreamARN,omitempty"`
	StreamId   string `json:"StreamId,omitempty"`
}

type StreamModeDetails struct {
	StreamMode string `json:"StreamMode"`
}

type CreateStreamInput struct {
	StreamName                 string             `json:"StreamName,omitempty"`
	ShardCount                 *int32             `json:"ShardCount,omitempty"`
	StreamModeDetails          *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	Tags                       map[string]string  `json:"Tags,omitempty"`
	MaxRecordSizeInKiB         *int32             `json:"MaxRecordSizeInKiB,omitempty"`
	WarmThroughputMiBps        *int32             `json:"WarmThroughputMiBps,omitempty"`
	RecordDistributionStrategy string             `json:"RecordDistributionStrategy,omitempty"`
}

type DeleteStreamInput struct {
	target
	EnforceConsumerDeletion *bool `json:"EnforceConsumerDeletion,omitempty"`
}

type DescribeStreamInput struct {
	target
	Limit                 *int32 `json:"Limit,omitempty"`
	ExclusiveStartShardId string `json:"ExclusiveStartShardId,omitempty"`
}

type HashKeyRange struct {
	StartingHashKey string `json:"StartingHashKey"`
	EndingHashKey   string `json:"EndingHashKey"`
}

type SequenceNumberRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type Shard struct {
	ShardId               string              `json:"ShardId"`
	ParentShardId         string              `json:"ParentShardId,omitempty"`
	AdjacentParentShardId string              `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          HashKeyRange        `json:"HashKeyRange"`
	SequenceNumberRange   SequenceNumberRange `json:"SequenceNumberRange"`
}

type EnhancedMetrics struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

type StreamDescription struct {
	StreamName              string             `json:"StreamName"`
	StreamARN               string             `json:"StreamARN"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamModeDetails       *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	Shards                  []Shard            `json:"Shards"`
	HasMoreShards           bool               `json:"HasMoreShards"`
	RetentionPeriodHours    int32              `json:"RetentionPeriodHours"`
	StreamCreationTimestamp awsapi.Timestamp   `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []EnhancedMetrics  `json:"EnhancedMonitoring"`
	EncryptionType          string             `json:"EncryptionType"`
}

type DescribeStreamOutput struct {
	StreamDescription StreamDescription `json:"StreamDescription"`
}

type DescribeStreamSummaryInput struct {
	target
}

type StreamDescriptionSummary struct {
	StreamName                 string             `json:"StreamName"`
	StreamARN                  string             `json:"StreamARN"`
	StreamStatus               string             `json:"StreamStatus"`
	StreamModeDetails          *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	RetentionPeriodHours       int32              `json:"RetentionPeriodHours"`
	StreamCreationTimestamp    awsapi.Timestamp   `json:"StreamCreationTimestamp"`
	EnhancedMonitoring         []EnhancedMetrics  `json:"EnhancedMonitoring"`
	EncryptionType             string             `json:"EncryptionType"`
	OpenShardCount             int32              `json:"OpenShardCount"`
	ConsumerCount              int32              `json:"ConsumerCount"`
	MaxRecordSizeInKiB         int32              `json:"MaxRecordSizeInKiB"`
	RecordDistributionStrategy string             `json:"RecordDistributionStrategy,omitempty"`
}

type DescribeStreamSummaryOutput struct {
	StreamDescriptionSummary StreamDescriptionSummary `json:"StreamDescriptionSummary"`
}

type ListStreamsInput struct {
	Limit                    *int32 `json:"Limit,omitempty"`
	ExclusiveStartStreamName string `json:"ExclusiveStartStreamName,omitempty"`
	NextToken                string `json:"NextToken,omitempty"`
}

type StreamSummary struct {
	StreamName              string             `json:"StreamName"`
	StreamARN               string             `json:"StreamARN"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamModeDetails       *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	StreamCreationTimestamp awsapi.Timestamp   `json:"StreamCreationTimestamp"`
}

type ListStreamsOutput struct {
	StreamNames     []string        `json:"StreamNames"`
	StreamSummaries []StreamSummary `json:"StreamSummaries"`
	HasMoreStreams  bool            `json:"HasMoreStreams"`
	NextToken       string          `json:"NextToken,omitempty"`
}

type ShardFilter struct {
	Type      string            `json:"Type"`
	ShardId   string            `json:"ShardId,omitempty"`
	Timestamp *awsapi.Timestamp `json:"Timestamp,omitempty"`
}

type ListShardsInput struct {
	target
	NextToken               string            `json:"NextToken,omitempty"`
	ExclusiveStartShardId   string            `json:"ExclusiveStartShardId,omitempty"`
	MaxResults              *int32            `json:"MaxResults,omitempty"`
	StreamCreationTimestamp *awsapi.Timestamp `json:"StreamCreationTimestamp,omitempty"`
	ShardFilter             *ShardFilter      `json:"ShardFilter,omitempty"`
}

type ListShardsOutput struct {
	Shards    []Shard `json:"Shards"`
	NextToken string  `json:"NextToken,omitempty"`
}

type PutRecordInput struct {
	target
	Data                      []byte `json:"Data"`
	PartitionKey              string `json:"PartitionKey,omitempty"`
	ExplicitHashKey           string `json:"ExplicitHashKey,omitempty"`
	SequenceNumberForOrdering string `json:"SequenceNumberForOrdering,omitempty"`
	DryRun                    *bool  `json:"DryRun,omitempty"`
}

type PutRecordOutput struct {
	SequenceNumber string `json:"SequenceNumber"`
	ShardId        string `json:"ShardId"`
	EncryptionType string `json:"EncryptionType"`
}

type PutRecordsRequestEntry struct {
	Data            []byte `json:"Data"`
	PartitionKey    string `json:"PartitionKey,omitempty"`
	ExplicitHashKey string `json:"ExplicitHashKey,omitempty"`
}

// PutRecordsInput decodes itself on the JSON hot path (fastjson.go).
type PutRecordsInput struct {
	target
	Records []PutRecordsRequestEntry `json:"Records"`
	DryRun  *bool                    `json:"DryRun,omitempty"`
}

type PutRecordsResultEntry struct {
	SequenceNumber string `json:"SequenceNumber,omitempty"`
	ShardId        string `json:"ShardId,omitempty"`
	ErrorCode      string `json:"ErrorCode,omitempty"`
	ErrorMessage   string `json:"ErrorMessage,omitempty"`
}

type PutRecordsOutput struct {
	EncryptionType    string                  `json:"EncryptionType"`
	FailedRecordCount int32                   `json:"FailedRecordCount"`
	Records           []PutRecordsResultEntry `json:"Records"`
}

type GetShardIteratorInput struct {
	target
	ShardId                string            `json:"ShardId,omitempty"`
	ShardIteratorType      string            `json:"ShardIteratorType,omitempty"`
	StartingSequenceNumber string            `json:"StartingSequenceNumber,omitempty"`
	Timestamp              *awsapi.Timestamp `json:"Timestamp,omitempty"`
	DryRun                 *bool             `json:"DryRun,omitempty"`
}

type GetShardIteratorOutput struct {
	ShardIterator string `json:"ShardIterator"`
}

type GetRecordsInput struct {
	ShardIterator string `json:"ShardIterator,omitempty"`
	Limit         *int32 `json:"Limit,omitempty"`
	StreamARN     string `json:"StreamARN,omitempty"`
	StreamId      string `json:"StreamId,omitempty"`
	DryRun        *bool  `json:"DryRun,omitempty"`
}

type Record struct {
	SequenceNumber              string           `json:"SequenceNumber"`
	ApproximateArrivalTimestamp awsapi.Timestamp `json:"ApproximateArrivalTimestamp"`
	Data                        []byte           `json:"Data"`
	PartitionKey                string           `json:"PartitionKey"`
}

// GetRecordsOutput has no NextShardIterator and has ChildShards at the end
// of a closed shard.
type GetRecordsOutput struct {
	Records            []Record     `json:"Records"`
	NextShardIterator  *string      `json:"NextShardIterator,omitempty"`
	MillisBehindLatest int64        `json:"MillisBehindLatest"`
	ChildShards        []ChildShard `json:"ChildShards,omitempty"`
}

type ChildShard struct {
	ShardId      string       `json:"ShardId"`
	ParentShards []string     `json:"ParentShards"`
	HashKeyRange HashKeyRange `json:"HashKeyRange"`
}

type SplitShardInput struct {
	target
	ShardToSplit       string `json:"ShardToSplit,omitempty"`
	NewStartingHashKey string `json:"NewStartingHashKey,omitempty"`
}

type MergeShardsInput struct {
	target
	ShardToMerge         string `json:"ShardToMerge,omitempty"`
	AdjacentShardToMerge string `json:"AdjacentShardToMerge,omitempty"`
}

type UpdateShardCountInput struct {
	target
	TargetShardCount *int32 `json:"TargetShardCount,omitempty"`
	ScalingType      string `json:"ScalingType,omitempty"`
}

type UpdateShardCountOutput struct {
	CurrentShardCount int32  `json:"CurrentShardCount"`
	StreamARN         string `json:"StreamARN"`
	StreamName        string `json:"StreamName"`
	TargetShardCount  int32  `json:"TargetShardCount"`
}

type AddTagsToStreamInput struct {
	target
	Tags map[string]string `json:"Tags"`
}

type ListTagsForStreamInput struct {
	target
	ExclusiveStartTagKey string `json:"ExclusiveStartTagKey,omitempty"`
	Limit                *int32 `json:"Limit,omitempty"`
}

type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type ListTagsForStreamOutput struct {
	Tags        []Tag `json:"Tags"`
	HasMoreTags bool  `json:"HasMoreTags"`
}

type RemoveTagsFromStreamInput struct {
	target
	TagKeys []string `json:"TagKeys"`
}

type RetentionInput struct {
	target
	RetentionPeriodHours *int32 `json:"RetentionPeriodHours,omitempty"`
}

type TagResourceInput struct {
	ResourceARN string            `json:"ResourceARN,omitempty"`
	Tags        map[string]string `json:"Tags"`
	StreamId    string            `json:"StreamId,omitempty"`
}

type UntagResourceInput struct {
	ResourceARN string   `json:"ResourceARN,omitempty"`
	TagKeys     []string `json:"TagKeys"`
	StreamId    string   `json:"StreamId,omitempty"`
}

type ListTagsForResourceInput struct {
	ResourceARN string `json:"ResourceARN,omitempty"`
	StreamId    string `json:"StreamId,omitempty"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"Tags"`
}

type empty struct{}
