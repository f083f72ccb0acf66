package stream

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// hashKey is a 128-bit hash key as (hi, lo) so routing needs no big.Int.
type hashKey struct{ hi, lo uint64 }

func (a hashKey) less(b hashKey) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a hashKey) String() string {
	return new(big.Int).Or(new(big.Int).Lsh(new(big.Int).SetUint64(a.hi), 64), new(big.Int).SetUint64(a.lo)).String()
}

// partitionHash is the MD5 of the partition key read as a big-endian
// unsigned 128-bit integer, as Kinesis maps partition keys to shards.
func partitionHash(pk string) hashKey {
	sum := md5.Sum([]byte(pk))
	return hashKey{hi: binary.BigEndian.Uint64(sum[:8]), lo: binary.BigEndian.Uint64(sum[8:])}
}

// parseHashKey parses a decimal ExplicitHashKey; ok is false when it is not
// a plain decimal or exceeds 2^128-1.
func parseHashKey(s string) (hashKey, bool) {
	if s == "" || len(s) > 39 {
		return hashKey{}, false
	}
	var k hashKey
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return hashKey{}, false
		}
		// k = k*10 + d with overflow detection.
		hiHi, hiLo := bits.Mul64(k.hi, 10)
		loHi, loLo := bits.Mul64(k.lo, 10)
		if hiHi != 0 {
			return hashKey{}, false
		}
		hi, carry := bits.Add64(hiLo, loHi, 0)
		if carry != 0 {
			return hashKey{}, false
		}
		lo, c2 := bits.Add64(loLo, uint64(c-'0'), 0)
		hi, carry = bits.Add64(hi, 0, c2)
		if carry != 0 {
			return hashKey{}, false
		}
		k = hashKey{hi, lo}
	}
	return k, true
}

// shard is one shard's layout plus its in-memory tip, which serves LATEST,
// MillisBehindLatest and lets readers at the tip skip JetStream. Only the
// closing fields change after creation (a reshard closes the shard).
type shard struct {
	index    int
	id       string // shardId-000000000000
	subject  string
	jsName   string // the JetStream stream holding this shard
	start    hashKey
	startKey string // decimal StartingHashKey
	endKey   string // decimal EndingHashKey
	startSeq string // SequenceNumberRange.StartingSequenceNumber
	parent   string // ParentShardId
	adjacent string // AdjacentParentShardId
	created  time.Time

	// closedAt (unix ms, 0 while open) and endMsgSeq (the JetStream
	// sequence of the shard's last message) are set when a reshard closes
	// the shard, before the layout without it is published.
	closedAt  atomic.Int64
	endMsgSeq atomic.Uint64

	lastSeq     atomic.Uint64 // JetStream sequence of the shard's newest message
	lastArrival atomic.Int64  // arrival (unix ms) of that message
	// recsPerMsg is a running estimate of records per message, so a reader
	// can size its batched direct get close to what it needs.
	recsPerMsg atomic.Int64
}

// closed reports whether a reshard closed the shard.
func (sh *shard) closed() bool { return sh.closedAt.Load() != 0 }

// endSeq is the EndingSequenceNumber of a closed shard: no record of the
// shard has a larger sequence number.
func (sh *shard) endSeq() string {
	return string(AppendSequenceNumber(nil, SeqNum{MsgSeq: sh.endMsgSeq.Load(), Index: maxPerMsg, Shard: sh.index}))
}

// layout is a stream's shards at one moment; a reshard publishes a new one.
type layout struct {
	all  []*shard // indexed by shard number, closed ones included
	open []*shard // open shards ordered by starting hash key, for routing
}

func newLayout(all []*shard) *layout {
	l := &layout{all: all}
	for _, sh := range all {
		if !sh.closed() {
			l.open = append(l.open, sh)
		}
	}
	sort.Slice(l.open, func(i, j int) bool { return l.open[i].start.less(l.open[j].start) })
	return l
}

// shard returns shard number i, or nil.
func (l *layout) shard(i int) *shard {
	if i < 0 || i >= len(l.all) {
		return nil
	}
	return l.all[i]
}

// children returns the shards created from sh by a split or merge.
func (l *layout) children(sh *shard) []*shard {
	var out []*shard
	for _, c := range l.all[sh.index+1:] {
		if c.parent == sh.id || c.adjacent == sh.id {
			out = append(out, c)
		}
	}
	return out
}

// noteAppend advances the tip after an acknowledged publish; publishes ack
// out of order across goroutines, so only move forward.
func (sh *shard) noteAppend(seq uint64, arrival int64, records int) {
	for {
		cur := sh.lastSeq.Load()
		if seq <= cur {
			break
		}
		if sh.lastSeq.CompareAndSwap(cur, seq) {
			sh.lastArrival.Store(arrival)
			break
		}
	}
	old := sh.recsPerMsg.Load()
	sh.recsPerMsg.Store((old*7 + int64(records)*16 + 7) / 8) // EWMA in 1/16 units
}

// estimateRecsPerMsg returns the average number of records per message (≥ 1).
func (sh *shard) estimateRecsPerMsg() int {
	v := int(sh.recsPerMsg.Load() / 16)
	if v < 1 {
		return 1
	}
	return v
}

// shardID formats a shard index as Kinesis does.
func shardID(i int) string { return fmt.Sprintf("shardId-%012d", i) }

// parseShardID accepts "shardId-000000000001" and, like Kinesis, the bare
// numeric suffix.
func parseShardID(s string) (int, bool) {
	s = strings.TrimPrefix(s, "shardId-")
	if s == "" || len(s) > 12 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// uniformShards splits the hash key space 0..2^128-1 evenly into n shards
// the way Kinesis does: shard i starts at i*floor(2^128/n), the last one
// ends at 2^128-1. first numbers the shards.
func uniformShards(n, first int, created time.Time) []shardMeta {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	width := new(big.Int).Div(space, big.NewInt(int64(n)))
	maxKey := new(big.Int).Sub(space, big.NewInt(1))
	out := make([]shardMeta, n)
	for i := range n {
		start := new(big.Int).Mul(width, big.NewInt(int64(i)))
		end := new(big.Int).Sub(new(big.Int).Add(start, width), big.NewInt(1))
		if i == n-1 {
			end = maxKey
		}
		out[i] = shardMeta{Index: first + i, Start: start.String(), End: end.String(), Created: created}
	}
	return out
}

// newShard builds the runtime shard of one durable shard description.
func newShard(streamID string, m shardMeta) *shard {
	start, _ := parseHashKey(m.Start) // validated before it was stored
	sh := &shard{
		index:    m.Index,
		id:       shardID(m.Index),
		subject:  shardSubject(streamID, m.Index),
		jsName:   shardStreamName(streamID, m.Index),
		start:    start,
		startKey: m.Start,
		endKey:   m.End,
		startSeq: string(AppendSequenceNumber(nil, SeqNum{Shard: m.Index})),
		parent:   m.Parent,
		adjacent: m.Adjacent,
		created:  m.Created,
	}
	if !m.Closed.IsZero() {
		sh.closedAt.Store(m.Closed.UnixMilli())
		sh.endMsgSeq.Store(m.EndSeq)
	}
	sh.recsPerMsg.Store(16)
	return sh
}

// buildShards returns n uniform open shards.
func buildShards(streamID string, n int) []*shard {
	metas := uniformShards(n, 0, time.Time{})
	shards := make([]*shard, n)
	for i, m := range metas {
		shards[i] = newShard(streamID, m)
	}
	return shards
}

// route returns the shard whose hash key range contains k.
func route(shards []*shard, k hashKey) int {
	// First shard whose start is greater than k, minus one.
	i := sort.Search(len(shards), func(i int) bool { return k.less(shards[i].start) })
	return i - 1
}
