package stream

import (
	"context"
	"fmt"
	"strconv"
	"time"
	"unsafe"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// GetRecords limits as in Kinesis.
const (
	MaxGetRecordsLimit = 10000
	MaxGetRecordsBytes = 10 << 20
	// maxBatch bounds one batched direct get, in messages.
	maxBatch = 4096
)

// Record is one record read from a shard. Data and PartitionKey alias the
// stored message, which is never modified, so reading allocates per message
// and not per record.
type Record struct {
	Data         []byte
	PartitionKey string
	Seq          SeqNum
	Arrival      int64 // unix ms
	// LastInMessage is set on the last record stored with its message, so
	// a reader that checkpoints can tell a trimmed gap after it from none.
	LastInMessage bool
}

// GetRecordsOutput is one page of records. At the end of a closed shard
// NextShardIterator is empty and ChildShards names the shards to read next.
type GetRecordsOutput struct {
	Records            []Record
	NextShardIterator  string
	MillisBehindLatest int64
	ChildShards        []ChildShard
}

// ChildShard is a shard created from the one being read.
type ChildShard struct {
	ShardID         string
	ParentShards    []string
	StartingHashKey string
	EndingHashKey   string
}

// GetRecords reads up to limit records (0 means MaxGetRecordsLimit) and at
// most MaxGetRecordsBytes from the iterator's position, in batched direct
// gets sized from the shard's records-per-message estimate.
func (s *Service) GetRecords(ctx context.Context, iterator string, limit int) (*GetRecordsOutput, error) {
	if limit <= 0 || limit > MaxGetRecordsLimit {
		limit = MaxGetRecordsLimit
	}
	p, err := s.decodeIterator(iterator)
	if err != nil {
		return nil, err
	}
	ds := (*s.byID.Load())[p.stream]
	if ds == nil {
		return nil, awserr.New(awserr.NotFound, "Shard iterator refers to a stream that no longer exists under account %s.", s.opts.AccountID)
	}
	lay := ds.layout.Load()
	sh := lay.shard(p.shard)
	if sh == nil {
		return nil, errBadIterator
	}
	out := &GetRecordsOutput{}
	budget := MaxGetRecordsBytes
	caughtUp, full := false, false
	var lastArrival int64
	var r msgReader
	for !full {
		tip := sh.lastSeq.Load()
		from := max(p.msgSeq, 1)
		if from > tip {
			caughtUp = true
			break
		}
		remaining := limit - len(out.Records)
		batch := (remaining + sh.estimateRecsPerMsg() - 1) / sh.estimateRecsPerMsg()
		batch = int(min(uint64(batch), uint64(maxBatch), tip-from+1))
		if out.Records == nil {
			out.Records = make([]Record, 0, min(limit, batch*sh.estimateRecsPerMsg()))
		}
		req := append(make([]byte, 0, 128), `{"seq":`...)
		req = appendUint(req, from)
		req = append(req, `,"batch":`...)
		req = strconv.AppendInt(req, int64(batch), 10)
		req = append(req, `,"max_bytes":`...)
		req = strconv.AppendInt(req, int64(budget+64<<10), 10)
		req = append(req, '}')
		got, pending, err := s.directBatch(ctx, sh.jsName, req, batch, func(seq uint64, data []byte) error {
			if full {
				return nil // drain the rest of the batch
			}
			if err := r.reset(data); err != nil {
				return fmt.Errorf("message %d of %s: %w", seq, sh.subject, err)
			}
			lastArrival = r.arrival
			skip := 0
			if seq == p.msgSeq {
				skip = p.index
			}
			for i := 0; i < r.count; i++ {
				pk, d, err := r.next()
				if err != nil {
					return fmt.Errorf("message %d of %s: %w", seq, sh.subject, err)
				}
				if i < skip {
					continue
				}
				if p.minArrival != 0 {
					if r.arrival < p.minArrival {
						continue
					}
					p.minArrival = 0
				}
				size := len(d) + len(pk)
				if len(out.Records) >= limit || (size > budget && len(out.Records) > 0) {
					p.msgSeq, p.index, full = seq, i, true
					return nil
				}
				budget -= size
				out.Records = append(out.Records, Record{
					Data:          d,
					PartitionKey:  unsafe.String(unsafe.SliceData(pk), len(pk)),
					Seq:           SeqNum{MsgSeq: seq, Index: i, Shard: p.shard},
					Arrival:       r.arrival,
					LastInMessage: i == r.count-1,
				})
			}
			p.msgSeq, p.index = seq+1, 0
			if len(out.Records) >= limit {
				full = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if got == 0 {
			// Nothing is stored from `from` to the tip: retention trimmed it.
			p.msgSeq, p.index = tip+1, 0
		}
		if got == 0 || (!full && pending == 0) {
			caughtUp = true
			break
		}
	}
	if caughtUp && len(out.Records) == 0 && sh.closed() && p.msgSeq > sh.endMsgSeq.Load() {
		out.ChildShards = childShards(lay, sh)
		ds.metrics.noteGet(time.Now().UnixMilli(), 0, 0)
		return out, nil
	}
	if !caughtUp && lastArrival != 0 {
		out.MillisBehindLatest = max(0, sh.lastArrival.Load()-lastArrival)
	}
	out.NextShardIterator = s.encodeIterator(p)
	ds.metrics.noteGet(time.Now().UnixMilli(), len(out.Records), out.MillisBehindLatest)
	return out, nil
}

func childShards(lay *layout, sh *shard) []ChildShard {
	children := lay.children(sh)
	out := make([]ChildShard, len(children))
	for i, c := range children {
		parents := []string{c.parent}
		if c.adjacent != "" {
			parents = append(parents, c.adjacent)
		}
		out[i] = ChildShard{ShardID: c.id, ParentShards: parents, StartingHashKey: c.startKey, EndingHashKey: c.endKey}
	}
	return out
}
