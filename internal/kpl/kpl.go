// Package kpl reads and writes the record aggregation format of the Kinesis
// Producer Library: many user records packed into one Kinesis record as
//
//	magic (F3 89 9A C2) | protobuf AggregatedRecord | MD5 of the protobuf (16 bytes)
//
// The protobuf message (proto2) is
//
//	message AggregatedRecord {
//	  repeated string partition_key_table     = 1;
//	  repeated string explicit_hash_key_table = 2;
//	  repeated Record records                 = 3;
//	}
//	message Record {
//	  required uint64 partition_key_index     = 1;
//	  optional uint64 explicit_hash_key_index = 2;
//	  required bytes  data                    = 3;
//	  repeated Tag    tags                    = 4;
//	}
//	message Tag { required string key = 1; optional string value = 2; }
package kpl

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
)

// Magic starts every aggregated record.
const Magic = "\xF3\x89\x9A\xC2"

// MaxRecordSize is the largest Kinesis record (the data blob), so the largest
// aggregated record the KPL will emit (its AggregationMaxSize ceiling).
const MaxRecordSize = 1 << 20

const digestSize = md5.Size

// Record is one user record: what a producer handed the KPL.
type Record struct {
	PartitionKey string
	// ExplicitHashKey is a decimal 128-bit hash key; "" means none, so the
	// partition key's MD5 places the record.
	ExplicitHashKey string
	Data            []byte
}

// Errors that Deaggregate wraps, so callers can tell them apart.
var (
	ErrBadDigest = errors.New("kpl: MD5 digest does not match")
	ErrMalformed = errors.New("kpl: malformed aggregated record")
	ErrTooLarge  = errors.New("kpl: aggregated record exceeds 1 MiB")
)

// IsAggregated reports whether data starts with the aggregation magic.
func IsAggregated(data []byte) bool {
	return len(data) >= len(Magic) && string(data[:len(Magic)]) == Magic
}

// Aggregate packs records into one aggregated record, sharing repeated
// partition and explicit hash keys through the key tables as the KPL does.
// It refuses an empty batch, a record without a partition key, and a result
// over MaxRecordSize.
func Aggregate(records []Record) ([]byte, error) {
	if len(records) == 0 {
		return nil, errors.New("kpl: no records to aggregate")
	}
	for i, r := range records {
		if r.PartitionKey == "" {
			return nil, fmt.Errorf("kpl: record %d has no partition key", i)
		}
	}
	msg := encode(records)
	out := make([]byte, 0, len(Magic)+len(msg)+digestSize)
	out = append(out, Magic...)
	out = append(out, msg...)
	sum := md5.Sum(msg)
	out = append(out, sum[:]...)
	if len(out) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes for %d records", ErrTooLarge, len(out), len(records))
	}
	return out, nil
}

// Deaggregate unpacks an aggregated record. When data does not start with
// the magic it is one plain record, and Deaggregate returns (nil, false, nil)
// so the caller uses data as is. A digest mismatch wraps ErrBadDigest; a
// truncated or undecodable message wraps ErrMalformed.
//
// The returned records' Data alias data.
func Deaggregate(data []byte) ([]Record, bool, error) {
	if !IsAggregated(data) {
		return nil, false, nil
	}
	if len(data) < len(Magic)+digestSize {
		return nil, true, fmt.Errorf("%w: %d bytes is too short for magic and digest", ErrMalformed, len(data))
	}
	msg := data[len(Magic) : len(data)-digestSize]
	if sum := md5.Sum(msg); !bytes.Equal(sum[:], data[len(data)-digestSize:]) {
		return nil, true, ErrBadDigest
	}
	recs, err := decode(msg)
	if err != nil {
		return nil, true, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return recs, true, nil
}
