package kinesisapi

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/stream"
)

// putRecordsResponse is the PutRecords output on the hot path: JSON is
// appended straight from the service results; CBOR goes through the model.
type putRecordsResponse struct {
	results []stream.PutResult
	failed  int
}

func (p *putRecordsResponse) model() *PutRecordsOutput {
	out := &PutRecordsOutput{EncryptionType: "NONE", FailedRecordCount: int32(p.failed), Records: make([]PutRecordsResultEntry, len(p.results))}
	for i := range p.results {
		r := &p.results[i]
		if r.ErrorCode != "" {
			out.Records[i] = PutRecordsResultEntry{ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage}
			continue
		}
		out.Records[i] = PutRecordsResultEntry{SequenceNumber: string(stream.AppendSequenceNumber(nil, r.Seq)), ShardId: r.ShardID()}
	}
	return out
}

func (p *putRecordsResponse) MarshalCBOR() ([]byte, error) { return cbor.Marshal(p.model()) }

func (p *putRecordsResponse) AppendJSON(dst []byte) []byte {
	dst = grow(dst, 64+len(p.results)*96)
	dst = append(dst, `{"EncryptionType":"NONE","FailedRecordCount":`...)
	dst = strconv.AppendInt(dst, int64(p.failed), 10)
	dst = append(dst, `,"Records":[`...)
	for i := range p.results {
		r := &p.results[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		if r.ErrorCode != "" {
			dst = append(dst, `{"ErrorCode":`...)
			dst = appendString(dst, r.ErrorCode)
			dst = append(dst, `,"ErrorMessage":`...)
			dst = appendString(dst, r.ErrorMessage)
			dst = append(dst, '}')
			continue
		}
		dst = append(dst, `{"SequenceNumber":"`...)
		dst = stream.AppendSequenceNumber(dst, r.Seq)
		dst = append(dst, `","ShardId":"shardId-`...)
		dst = appendPadded(dst, r.Seq.Shard, 12)
		dst = append(dst, `"}`...)
	}
	return append(dst, "]}"...)
}

// getRecordsResponse is the GetRecords output on the hot path.
type getRecordsResponse struct{ out *stream.GetRecordsOutput }

func (g *getRecordsResponse) model() *GetRecordsOutput {
	out := &GetRecordsOutput{Records: make([]Record, len(g.out.Records)), MillisBehindLatest: g.out.MillisBehindLatest, ChildShards: wireChildShards(g.out.ChildShards)}
	if g.out.NextShardIterator != "" {
		out.NextShardIterator = &g.out.NextShardIterator
	}
	for i, r := range g.out.Records {
		out.Records[i] = Record{
			SequenceNumber:              string(stream.AppendSequenceNumber(nil, r.Seq)),
			ApproximateArrivalTimestamp: awsapi.Timestamp{Time: time.UnixMilli(r.Arrival).UTC()},
			Data:                        r.Data,
			PartitionKey:                r.PartitionKey,
		}
	}
	return out
}

func (g *getRecordsResponse) MarshalCBOR() ([]byte, error) { return cbor.Marshal(g.model()) }

func (g *getRecordsResponse) AppendJSON(dst []byte) []byte {
	size := 128 + len(g.out.NextShardIterator)
	for i := range g.out.Records {
		r := &g.out.Records[i]
		size += 160 + base64.StdEncoding.EncodedLen(len(r.Data)) + len(r.PartitionKey)
	}
	dst = grow(dst, size)
	dst = append(dst, `{"Records":[`...)
	for i := range g.out.Records {
		r := &g.out.Records[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"SequenceNumber":"`...)
		dst = stream.AppendSequenceNumber(dst, r.Seq)
		dst = append(dst, `","ApproximateArrivalTimestamp":`...)
		dst = awsapi.AppendEpochSeconds(dst, time.UnixMilli(r.Arrival))
		dst = append(dst, `,"Data":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, r.Data)
		dst = append(dst, `","PartitionKey":`...)
		dst = appendString(dst, r.PartitionKey)
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	if g.out.NextShardIterator != "" {
		dst = append(dst, `,"NextShardIterator":`...)
		dst = appendString(dst, g.out.NextShardIterator)
	}
	dst = append(dst, `,"MillisBehindLatest":`...)
	dst = strconv.AppendInt(dst, g.out.MillisBehindLatest, 10)
	if len(g.out.ChildShards) > 0 {
		// Only at the end of a closed shard: off the hot path.
		b, _ := json.Marshal(wireChildShards(g.out.ChildShards))
		dst = append(dst, `,"ChildShards":`...)
		dst = append(dst, b...)
	}
	return append(dst, '}')
}

func wireChildShards(cs []stream.ChildShard) []ChildShard {
	if len(cs) == 0 {
		return nil
	}
	out := make([]ChildShard, len(cs))
	for i, c := range cs {
		out[i] = ChildShard{ShardId: c.ShardID, ParentShards: c.ParentShards,
			HashKeyRange: HashKeyRange{StartingHashKey: c.StartingHashKey, EndingHashKey: c.EndingHashKey}}
	}
	return out
}

func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	b := make([]byte, len(dst), len(dst)+n)
	copy(b, dst)
	return b
}

func appendPadded(dst []byte, v, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as encoding/json does
// (HTML-safe escapes, invalid UTF-8 as U+FFFD), so both paths agree.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
