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

// shard is one shard's static layout plus its in-memory tip, which serves
// LATEST, MillisBehindLatest and lets readers at the tip skip JetStream.
type shard struct {
	index    int
	id       string // shardId-000000000000
	subject  string
	jsName   string // the JetStream stream holding this shard
	start    hashKey
	startKey string // decimal StartingHashKey
	endKey   string // decimal EndingHashKey
	startSeq string // SequenceNumberRange.StartingSequenceNumber

	lastSeq     atomic.Uint64 // JetStream sequence of the shard's newest message
	lastArrival atomic.Int64  // arrival (unix ms) of that message
	// recsPerMsg is a running estimate of records per message, so a reader
	// can size its batched direct get close to what it needs.
	recsPerMsg atomic.Int64
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

// buildShards splits the hash key space 0..2^128-1 evenly into n shards the
// way Kinesis does: shard i starts at i*floor(2^128/n), the last one ends at
// 2^128-1.
func buildShards(streamID string, n int) []*shard {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	width := new(big.Int).Div(space, big.NewInt(int64(n)))
	maxKey := new(big.Int).Sub(space, big.NewInt(1))
	shards := make([]*shard, n)
	for i := range n {
		start := new(big.Int).Mul(width, big.NewInt(int64(i)))
		end := new(big.Int).Sub(new(big.Int).Add(start, width), big.NewInt(1))
		if i == n-1 {
			end = maxKey
		}
		var b [16]byte
		start.FillBytes(b[:])
		sh := &shard{
			index:    i,
			id:       shardID(i),
			subject:  shardSubject(streamID, i),
			jsName:   shardStreamName(streamID, i),
			start:    hashKey{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])},
			startKey: start.String(),
			endKey:   end.String(),
			startSeq: string(AppendSequenceNumber(nil, SeqNum{Shard: i})),
		}
		sh.recsPerMsg.Store(16)
		shards[i] = sh
	}
	return shards
}

// route returns the shard whose hash key range contains k.
func route(shards []*shard, k hashKey) int {
	// First shard whose start is greater than k, minus one.
	i := sort.Search(len(shards), func(i int) bool { return k.less(shards[i].start) })
	return i - 1
}
