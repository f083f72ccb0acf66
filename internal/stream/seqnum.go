package stream

import "strconv"

// Sequence numbers are fixed-width decimals, so that comparing them as
// strings agrees with comparing them as numbers:
//
//	"4" + JetStream message sequence (20 digits) + record index in the
//	message (4 digits) + shard index (6 digits)
//
// The message sequence increases within a shard (it is the JetStream stream
// sequence, which survives restarts) and records of one message keep their
// order, so sequence numbers strictly increase within a shard. The shard index
// lets AT_SEQUENCE_NUMBER detect a number from another shard.
const (
	seqLen      = 1 + 20 + 4 + 6
	seqLead     = '4'
	maxPerMsg   = 9999
	maxShardIdx = 999999
)

// SeqNum is a decoded record sequence number.
type SeqNum struct {
	MsgSeq uint64 // JetStream sequence of the message holding the record
	Index  int    // record index within that message
	Shard  int
}

// AppendSequenceNumber appends the decimal sequence number of n.
func AppendSequenceNumber(dst []byte, n SeqNum) []byte {
	dst = append(dst, seqLead)
	dst = appendPadded(dst, n.MsgSeq, 20)
	dst = appendPadded(dst, uint64(n.Index), 4)
	return appendPadded(dst, uint64(n.Shard), 6)
}

func appendPadded(dst []byte, v uint64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendUint(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// ParseSequenceNumber decodes a sequence number this service issued.
func ParseSequenceNumber(s string) (SeqNum, bool) {
	if len(s) != seqLen || s[0] != seqLead {
		return SeqNum{}, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return SeqNum{}, false
		}
	}
	msg, err1 := strconv.ParseUint(s[1:21], 10, 64)
	idx, err2 := strconv.Atoi(s[21:25])
	sh, err3 := strconv.Atoi(s[25:])
	if err1 != nil || err2 != nil || err3 != nil {
		return SeqNum{}, false
	}
	return SeqNum{MsgSeq: msg, Index: idx, Shard: sh}, true
}
