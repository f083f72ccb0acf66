package stream

import (
	"encoding/binary"
	"errors"
)

// One JetStream message carries all records of one put call destined for one
// shard, so a 500-record PutRecords costs one store write per shard:
//
//	version (1 byte) | arrival unix ms (8 bytes, big endian) | record count (uvarint)
//	then per record: partition key length (uvarint) | key | data length (uvarint) | data
//
// The explicit hash key is not stored: it only routes, and GetRecords never
// returns it.
const msgVersion = 1

var errCorrupt = errors.New("corrupt stream message")

// messageSize returns an upper bound of the encoded size of records.
func recordSize(pk string, data []byte) int {
	return 2*binary.MaxVarintLen32 + len(pk) + len(data)
}

func appendMessageHeader(dst []byte, arrival int64, count int) []byte {
	dst = append(dst, msgVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(arrival))
	return binary.AppendUvarint(dst, uint64(count))
}

func appendRecord(dst []byte, pk string, data []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(pk)))
	dst = append(dst, pk...)
	dst = binary.AppendUvarint(dst, uint64(len(data)))
	return append(dst, data...)
}

// msgReader walks the records of one message without copying.
type msgReader struct {
	buf     []byte
	arrival int64
	count   int
	read    int
}

func (r *msgReader) reset(buf []byte) error {
	if len(buf) < 10 || buf[0] != msgVersion {
		return errCorrupt
	}
	r.arrival = int64(binary.BigEndian.Uint64(buf[1:9]))
	n, w := binary.Uvarint(buf[9:])
	if w <= 0 || n > maxPerMsg {
		return errCorrupt
	}
	r.count, r.read, r.buf = int(n), 0, buf[9+w:]
	return nil
}

// next returns the next record; the slices alias the message buffer.
func (r *msgReader) next() (pk, data []byte, err error) {
	if r.read >= r.count {
		return nil, nil, errCorrupt
	}
	pk, err = r.chunk()
	if err != nil {
		return nil, nil, err
	}
	data, err = r.chunk()
	if err != nil {
		return nil, nil, err
	}
	r.read++
	return pk, data, nil
}

func (r *msgReader) chunk() ([]byte, error) {
	n, w := binary.Uvarint(r.buf)
	if w <= 0 || n > uint64(len(r.buf)-w) {
		return nil, errCorrupt
	}
	c := r.buf[w : w+int(n) : w+int(n)]
	r.buf = r.buf[w+int(n):]
	return c, nil
}
