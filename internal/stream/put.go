package stream

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// Record limits as in Kinesis.
const (
	MaxRecordsPerPut  = 500
	MaxRecordSize     = 1 << 20 // data + partition key
	MaxPutRecordsSize = 5 << 20 // all records of one PutRecords
	MaxPartitionKey   = 256
)

// PutEntry is one record to append.
type PutEntry struct {
	Data         []byte
	PartitionKey string
	// ExplicitHashKey, when not empty, routes the record instead of the
	// partition key's MD5 (a decimal in 0..2^128-1).
	ExplicitHashKey string
}

// PutResult is the outcome of one record: its sequence number (which
// carries the shard), or an error code and message.
type PutResult struct {
	Seq          SeqNum
	ErrorCode    string
	ErrorMessage string
}

// ShardID is the shard the record went to.
func (r *PutResult) ShardID() string { return shardID(r.Seq.Shard) }

// bufPool recycles message buffers; a 500-record call fills ~100 KiB.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// PutRecords appends entries (in order) and fills results, which must have
// the same length. Records of one call for one shard become one JetStream
// message; all messages are published asynchronously and acknowledged
// (durably stored) before this returns. A failed shard write fails only the
// records of that shard, as PutRecords reports per record.
func (s *Service) PutRecords(ctx context.Context, name string, entries []PutEntry, results []PutResult) (failed int, err error) {
	if len(entries) == 0 || len(entries) > MaxRecordsPerPut || len(results) != len(entries) {
		return 0, awserr.New(awserr.InvalidArgument, "PutRecords takes 1 to %d records.", MaxRecordsPerPut)
	}
	ds, err := s.active(name)
	if err != nil {
		return 0, err
	}
	ds.putMu.RLock()
	defer ds.putMu.RUnlock()
	// Until the end, Seq.Shard holds the position in open, not the number.
	open := ds.layout.Load().open
	nShards := len(open)
	counts := make([]int, nShards)
	sizes := make([]int, nShards)
	total := 0
	for i := range entries {
		e := &entries[i]
		var k hashKey
		if e.ExplicitHashKey != "" {
			var ok bool
			if k, ok = parseHashKey(e.ExplicitHashKey); !ok {
				return 0, awserr.New(awserr.InvalidArgument, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", e.ExplicitHashKey)
			}
		} else {
			k = partitionHash(e.PartitionKey)
		}
		size := len(e.Data) + len(e.PartitionKey)
		if size > MaxRecordSize || len(e.PartitionKey) == 0 || (len(e.PartitionKey) > MaxPartitionKey && utf8.RuneCountInString(e.PartitionKey) > MaxPartitionKey) {
			return 0, awserr.New(awserr.InvalidArgument, "Record %d is invalid: the partition key must have 1 to %d characters and data plus partition key at most %d bytes.", i, MaxPartitionKey, MaxRecordSize)
		}
		total += size
		sh := route(open, k)
		results[i] = PutResult{Seq: SeqNum{Shard: sh, Index: counts[sh]}}
		counts[sh]++
		sizes[sh] += recordSize(e.PartitionKey, e.Data)
	}
	if total > MaxPutRecordsSize {
		return 0, awserr.New(awserr.InvalidArgument, "Records size exceeds 5 MB limit")
	}

	arrival := time.Now().UnixMilli()
	bufs := make([]*[]byte, nShards)
	for sh, c := range counts {
		if c == 0 {
			continue
		}
		bp := bufPool.Get().(*[]byte)
		b := (*bp)[:0]
		if cap(b) < sizes[sh]+32 {
			b = make([]byte, 0, sizes[sh]+32)
		}
		*bp = appendMessageHeader(b, arrival, c)
		bufs[sh] = bp
	}
	for i := range entries {
		bp := bufs[results[i].Seq.Shard]
		*bp = appendRecord(*bp, entries[i].PartitionKey, entries[i].Data)
	}

	futures := make([]jetstream.PubAckFuture, nShards)
	errs := make([]error, nShards)
	for sh, bp := range bufs {
		if bp == nil {
			continue
		}
		futures[sh], errs[sh] = s.js.PublishMsgAsync(&nats.Msg{Subject: open[sh].subject, Data: *bp})
	}
	reusable := true
	for sh, f := range futures {
		if f == nil {
			continue
		}
		select {
		case ack := <-f.Ok():
			if ack.Stream != open[sh].jsName {
				errs[sh] = fmt.Errorf("acknowledged by stream %s, want %s", ack.Stream, open[sh].jsName)
				continue
			}
			open[sh].noteAppend(ack.Sequence, arrival, counts[sh])
			for i := range results {
				if results[i].Seq.Shard == sh {
					results[i].Seq.MsgSeq = ack.Sequence
				}
			}
		case errs[sh] = <-f.Err():
		case <-ctx.Done():
			// The message may still be stored; the caller only learns the
			// records failed, which PutRecords permits (a retry duplicates).
			errs[sh] = ctx.Err()
			reusable = false
		}
	}
	for sh, bp := range bufs {
		if bp != nil && reusable {
			bufPool.Put(bp)
		}
		if errs[sh] == nil {
			continue
		}
		s.opts.Logger.Error("store records", "stream", name, "shard", open[sh].id, "err", errs[sh])
		for i := range results {
			if results[i].Seq.Shard == sh {
				results[i].ErrorCode, results[i].ErrorMessage = string(awserr.Internal), "Internal service failure."
				failed++
				total -= len(entries[i].Data) + len(entries[i].PartitionKey)
			}
		}
	}
	for i := range results {
		results[i].Seq.Shard = open[results[i].Seq.Shard].index
	}
	ds.metrics.notePut(arrival, len(entries)-failed, total)
	return failed, nil
}

// PutRecord appends one record; unlike PutRecords a storage failure is the
// call's error.
func (s *Service) PutRecord(ctx context.Context, name string, e PutEntry) (SeqNum, error) {
	var res [1]PutResult
	failed, err := s.PutRecords(ctx, name, []PutEntry{e}, res[:])
	if err != nil {
		return SeqNum{}, err
	}
	if failed > 0 {
		return SeqNum{}, awserr.New(awserr.Internal, "%s", res[0].ErrorMessage)
	}
	return res[0].Seq, nil
}
