// Package kinesisapi adapts the stream service to the Kinesis JSON/CBOR API.
package kinesisapi

import (
	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

// TargetPrefix is the X-Amz-Target prefix of Kinesis Data Streams.
const TargetPrefix = "Kinesis_20131202"

// Register adds the Kinesis operations to rt. STUB.
func Register(rt *awsapi.Router, svc *stream.Service) {
	rt.HandleJSON(TargetPrefix, map[string]awsapi.JSONOp{})
}
