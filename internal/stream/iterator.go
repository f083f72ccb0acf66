package stream

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"time"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// Shard iterator types.
const (
	TrimHorizon         = "TRIM_HORIZON"
	Latest              = "LATEST"
	AtSequenceNumber    = "AT_SEQUENCE_NUMBER"
	AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER"
	AtTimestamp         = "AT_TIMESTAMP"
)

// position is where a reader is in a shard: the next record to return is
// the first one at or after record index of message msgSeq. minArrival,
// when set, skips records that arrived before it (AT_TIMESTAMP).
type position struct {
	stream     uint64
	shard      int
	msgSeq     uint64
	index      int
	minArrival int64
}

// An iterator is base64 of: version | stream id | shard | message seq |
// record index | min arrival | issue time (unix ms) | HMAC-SHA256/16. The
// MAC (keyed by a secret kept in the metadata bucket) makes forged or
// garbled iterators an InvalidArgumentException instead of a wild read.
const (
	iterVersion = 1
	iterBody    = 1 + 8 + 4 + 8 + 4 + 8 + 8
	iterMAC     = 16
	iterLen     = iterBody + iterMAC
)

func (s *Service) encodeIterator(p position) string {
	var b [iterLen]byte
	b[0] = iterVersion
	binary.BigEndian.PutUint64(b[1:], p.stream)
	binary.BigEndian.PutUint32(b[9:], uint32(p.shard))
	binary.BigEndian.PutUint64(b[13:], p.msgSeq)
	binary.BigEndian.PutUint32(b[21:], uint32(p.index))
	binary.BigEndian.PutUint64(b[25:], uint64(p.minArrival))
	binary.BigEndian.PutUint64(b[33:], uint64(s.opts.Now().UnixMilli()))
	mac := hmac.New(sha256.New, s.iterKey)
	mac.Write(b[:iterBody])
	copy(b[iterBody:], mac.Sum(nil))
	return base64.StdEncoding.EncodeToString(b[:])
}

var errBadIterator = awserr.New(awserr.InvalidArgument, "Invalid ShardIterator.")

// decodeIterator checks the MAC and the age of an iterator.
func (s *Service) decodeIterator(it string) (position, error) {
	var b [iterLen + 3]byte
	if base64.StdEncoding.DecodedLen(len(it)) > len(b) {
		return position{}, errBadIterator
	}
	n, err := base64.StdEncoding.Decode(b[:], []byte(it))
	if err != nil || n != iterLen || b[0] != iterVersion {
		return position{}, errBadIterator
	}
	mac := hmac.New(sha256.New, s.iterKey)
	mac.Write(b[:iterBody])
	if !hmac.Equal(mac.Sum(nil)[:iterMAC], b[iterBody:iterLen]) {
		return position{}, errBadIterator
	}
	p := position{
		stream:     binary.BigEndian.Uint64(b[1:]),
		shard:      int(binary.BigEndian.Uint32(b[9:])),
		msgSeq:     binary.BigEndian.Uint64(b[13:]),
		index:      int(binary.BigEndian.Uint32(b[21:])),
		minArrival: int64(binary.BigEndian.Uint64(b[25:])),
	}
	issued := time.UnixMilli(int64(binary.BigEndian.Uint64(b[33:])))
	if now := s.opts.Now(); now.Sub(issued) > s.opts.IteratorTTL {
		const javaDate = "Mon Jan 02 15:04:05 MST 2006"
		return position{}, awserr.New(awserr.ExpiredIterator, "Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
			issued.UTC().Format(javaDate), now.UTC().Format(javaDate), s.opts.IteratorTTL.Milliseconds())
	}
	return p, nil
}

// IteratorInput selects where a shard iterator starts.
type IteratorInput struct {
	ShardID string
	// Type is one of TrimHorizon, Latest, AtSequenceNumber,
	// AfterSequenceNumber, AtTimestamp.
	Type                   string
	StartingSequenceNumber string
	Timestamp              time.Time
}

// GetShardIterator returns an iterator valid for IteratorTTL.
func (s *Service) GetShardIterator(ctx context.Context, name string, in IteratorInput) (string, error) {
	ds, err := s.active(name)
	if err != nil {
		return "", err
	}
	idx, ok := parseShardID(in.ShardID)
	sh := ds.layout.Load().shard(idx)
	if !ok || sh == nil {
		return "", awserr.New(awserr.NotFound, "Shard %s in stream %s under account %s does not exist", in.ShardID, name, s.opts.AccountID)
	}
	p := position{stream: ds.idNum, shard: idx}
	switch in.Type {
	case TrimHorizon:
	case Latest:
		p.msgSeq = sh.lastSeq.Load() + 1
	case AtSequenceNumber, AfterSequenceNumber:
		if in.StartingSequenceNumber == "" {
			return "", awserr.New(awserr.InvalidArgument, "StartingSequenceNumber must be specified for ShardIteratorType %s.", in.Type)
		}
		n, ok := ParseSequenceNumber(in.StartingSequenceNumber)
		if !ok {
			return "", awserr.New(awserr.InvalidArgument, "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid.", in.StartingSequenceNumber, sh.id, name, s.opts.AccountID)
		}
		if n.Shard != idx {
			return "", awserr.New(awserr.InvalidArgument, "Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s", shardID(n.Shard), sh.id)
		}
		p.msgSeq, p.index = n.MsgSeq, n.Index
		if in.Type == AfterSequenceNumber {
			p.index++
		}
	case AtTimestamp:
		if in.Timestamp.IsZero() {
			return "", awserr.New(awserr.InvalidArgument, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
		}
		p.minArrival = in.Timestamp.UnixMilli()
		seq, err := s.seqAtTime(ctx, sh, in.Timestamp)
		if err != nil {
			return "", err
		}
		p.msgSeq = seq
	default:
		return "", awserr.New(awserr.InvalidArgument, "Unknown ShardIteratorType %s.", in.Type)
	}
	return s.encodeIterator(p), nil
}

// seqAtTime finds the first message of the shard JetStream stored at or after
// t. JetStream stamps a message after the record's arrival time was taken, so
// no record that arrived at or after t is before it; the iterator's
// minArrival skips the few that arrived just before t.
func (s *Service) seqAtTime(ctx context.Context, sh *shard, t time.Time) (uint64, error) {
	req := []byte(`{"start_time":"`)
	req = t.UTC().AppendFormat(req, time.RFC3339Nano)
	req = append(req, `","batch":1}`...)
	found := sh.lastSeq.Load() + 1
	_, _, err := s.directBatch(ctx, sh.jsName, req, 1, func(seq uint64, _ []byte) error {
		found = seq
		return nil
	})
	if err != nil {
		return 0, err
	}
	return found, nil
}

func appendUint(dst []byte, v uint64) []byte { return strconv.AppendUint(dst, v, 10) }

// IteratorStream is the name of the stream a shard iterator reads, so
// GetRecords can be authorized on that stream before it runs. It checks
// the iterator as GetRecords does.
func (s *Service) IteratorStream(iterator string) (string, error) {
	p, err := s.decodeIterator(iterator)
	if err != nil {
		return "", err
	}
	ds := (*s.byID.Load())[p.stream]
	if ds == nil {
		return "", awserr.New(awserr.NotFound, "Shard iterator refers to a stream that no longer exists under account %s.", s.opts.AccountID)
	}
	return ds.meta.Load().Name, nil
}
