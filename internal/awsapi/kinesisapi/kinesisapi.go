// Package kinesisapi adapts the stream service to the Kinesis JSON/CBOR API.
package kinesisapi

import (
	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

// TargetPrefix is the X-Amz-Target prefix of Kinesis Data Streams.
const TargetPrefix = "Kinesis_20131202"

type api struct {
	svc *stream.Service
	// arnPrefix is the stream ARN up to the name, for authorization.
	arnPrefix string
}

// Register adds the Kinesis operations to rt.
func Register(rt *awsapi.Router, svc *stream.Service) {
	a := &api{svc: svc, arnPrefix: svc.ARN("")}
	rt.HandleJSON(TargetPrefix, map[string]awsapi.JSONOp{
		"CreateStream":                  a.createStream,
		"DeleteStream":                  a.deleteStream,
		"DescribeStream":                a.describeStream,
		"DescribeStreamSummary":         a.describeStreamSummary,
		"ListStreams":                   a.listStreams,
		"ListShards":                    a.listShards,
		"PutRecord":                     a.putRecord,
		"PutRecords":                    a.putRecords,
		"GetShardIterator":              a.getShardIterator,
		"GetRecords":                    a.getRecords,
		"AddTagsToStream":               a.addTagsToStream,
		"ListTagsForStream":             a.listTagsForStream,
		"RemoveTagsFromStream":          a.removeTagsFromStream,
		"IncreaseStreamRetentionPeriod": a.increaseRetention,
		"DecreaseStreamRetentionPeriod": a.decreaseRetention,
		"TagResource":                   a.tagResource,
		"UntagResource":                 a.untagResource,
		"ListTagsForResource":           a.listTagsForResource,
		"SplitShard":                    a.splitShard,
		"MergeShards":                   a.mergeShards,
		"UpdateShardCount":              a.updateShardCount,
	})
}

// resolve returns the stream name a request addresses.
func (a *api) resolve(t target) (string, error) {
	name, err := a.svc.ResolveName(t.StreamName, t.StreamARN)
	return name, err
}

// decode reads the request and runs the member validation.
func decode(call *awsapi.Call, in any, validate func(v *violations)) error {
	if err := call.Decode(in); err != nil {
		return err
	}
	var v violations
	validate(&v)
	return v.err()
}
