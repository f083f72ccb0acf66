package delivery

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// One JetStream message carries all records of one put call (or one page of
// a Kinesis source):
//
//	version (1 byte) | arrival unix ms (8 bytes, big endian) | count (uvarint)
//	then per record: data length (uvarint) | data
const msgVersion = 1

var errCorrupt = errors.New("corrupt delivery message")

func encodeRecords(arrival int64, records [][]byte) []byte {
	size := 16
	for _, r := range records {
		size += len(r) + binary.MaxVarintLen32
	}
	b := make([]byte, 0, size)
	b = append(b, msgVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(arrival))
	b = binary.AppendUvarint(b, uint64(len(records)))
	for _, r := range records {
		b = binary.AppendUvarint(b, uint64(len(r)))
		b = append(b, r...)
	}
	return b
}

// decodeRecords calls fn per record; data aliases msg.
func decodeRecords(msg []byte, fn func(arrival int64, i int, data []byte)) (arrival int64, err error) {
	if len(msg) < 10 || msg[0] != msgVersion {
		return 0, errCorrupt
	}
	arrival = int64(binary.BigEndian.Uint64(msg[1:9]))
	n, w := binary.Uvarint(msg[9:])
	if w <= 0 {
		return 0, errCorrupt
	}
	rest := msg[9+w:]
	for i := 0; i < int(n); i++ {
		l, w := binary.Uvarint(rest)
		if w <= 0 || l > uint64(len(rest)-w) {
			return 0, errCorrupt
		}
		fn(arrival, i, rest[w:w+int(l):w+int(l)])
		rest = rest[w+int(l):]
	}
	return arrival, nil
}

// PutResult is one record's outcome.
type PutResult struct {
	RecordID     string
	ErrorCode    string
	ErrorMessage string
}

// PutRecords stores records durably (one JetStream message) and returns
// their ids; it returns only after JetStream acknowledged the message.
func (s *Service) PutRecords(ctx context.Context, name string, records [][]byte) ([]PutResult, int, error) {
	s.mu.Lock()
	e, ok := s.streams[name]
	var cfg *Config
	if ok {
		cfg = e.cfg
	}
	s.mu.Unlock()
	if !ok {
		return nil, 0, s.notFound(name)
	}
	if cfg.Type == KinesisStreamAsSource {
		return nil, 0, invalidArg("This operation is not permitted on KinesisStreamAsSource delivery stream type.")
	}
	if len(records) == 0 || len(records) > MaxBatchRecords {
		return nil, 0, awserr.New(awserr.Validation, "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to %d and greater than or equal to 1", MaxBatchRecords)
	}
	total := 0
	for i, r := range records {
		if len(r) > MaxRecordSize {
			return nil, 0, awserr.New(awserr.Validation, "1 validation error detected: Value at 'records.%d.member.data' failed to satisfy constraint: Member must have length less than or equal to %d", i+1, MaxRecordSize)
		}
		total += len(r)
	}
	if total > MaxBatchBytes {
		return nil, 0, invalidArg("Records size exceeds 4 MiB limit")
	}
	arrival := time.Now().UnixMilli()
	ack, err := s.js.PublishMsg(ctx, &nats.Msg{Subject: putSubject(cfg.ID), Data: encodeRecords(arrival, records)}, jetstream.WithExpectStream(jsName(cfg.ID)))
	results := make([]PutResult, len(records))
	if err != nil {
		s.opts.Logger.Error("store delivery records", "name", name, "err", err)
		for i := range results {
			results[i] = PutResult{ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down."}
		}
		return results, len(records), nil
	}
	for i := range results {
		results[i].RecordID = fmt.Sprintf("%s%020d%04d", cfg.ID, ack.Sequence, i)
	}
	return results, 0, nil
}

// maxTags is how many tags a delivery stream may carry.
const maxTags = 50

func validateTags(tags []Tag) error {
	if len(tags) > maxTags {
		return awserr.New(awserr.Validation, "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", maxTags)
	}
	for _, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128", t.Key)
		}
		if t.Value != nil && len(*t.Value) > 256 {
			return awserr.New(awserr.Validation, "1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256")
		}
	}
	return nil
}

// Tag adds or replaces tags.
func (s *Service) Tag(ctx context.Context, name string, tags []Tag) error {
	if err := validateTags(tags); err != nil {
		return err
	}
	return s.updateTags(ctx, name, func(cur []Tag) ([]Tag, error) {
		for _, t := range tags {
			replaced := false
			for i := range cur {
				if cur[i].Key == t.Key {
					cur[i], replaced = t, true
				}
			}
			if !replaced {
				cur = append(cur, t)
			}
		}
		if len(cur) > maxTags {
			return nil, awserr.New(awserr.LimitExceeded, "A delivery stream cannot have more than %d tags.", maxTags)
		}
		return cur, nil
	})
}

// Untag removes tags by key.
func (s *Service) Untag(ctx context.Context, name string, keys []string) error {
	return s.updateTags(ctx, name, func(cur []Tag) ([]Tag, error) {
		out := cur[:0]
		for _, t := range cur {
			keep := true
			for _, k := range keys {
				if k == t.Key {
					keep = false
				}
			}
			if keep {
				out = append(out, t)
			}
		}
		return out, nil
	})
}

func (s *Service) updateTags(ctx context.Context, name string, change func([]Tag) ([]Tag, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.streams[name]
	if !ok {
		return s.notFound(name)
	}
	cfg := e.cfg.clone()
	tags, err := change(cfg.Tags)
	if err != nil {
		return err
	}
	cfg.Tags = tags
	if err := s.saveConfig(ctx, cfg); err != nil {
		return err
	}
	// Tags do not affect delivery: the running worker keeps its snapshot.
	e.cfg = cfg
	return nil
}
