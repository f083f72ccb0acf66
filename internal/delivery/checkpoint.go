package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/stream"
)

// A source shard's checkpoint is carried by the headers of the last message
// the reader stored for that shard, in the same JetStream write as the
// records it covers, so a crash neither skips nor repeats a record. The
// worker's purge of delivered messages keeps each shard's last message. The
// reader also keeps a copy in the progress bucket, written right after each
// message; at start the newer of the two wins (the copy outlives a deleted
// stream's messages).
const (
	srcSeqHeader     = "Shoal-Source-Seq"     // last copied source sequence number
	srcArrivalHeader = "Shoal-Source-Arrival" // its arrival (unix ms)
	srcMsgEndHeader  = "Shoal-Source-Msg-End" // "1": it was the last of its stored message
	srcDoneHeader    = "Shoal-Source-Done"    // "1": the closed shard is drained
)

// checkpoint is where the reader of one source shard is.
type checkpoint struct {
	Seq     string `json:"seq,omitempty"` // "" before the first record
	Arrival int64  `json:"arrival,omitempty"`
	MsgEnd  bool   `json:"msg_end,omitempty"`
	Done    bool   `json:"done,omitempty"`
}

// newer reports whether c is further along than o (same shard).
func (c checkpoint) newer(o checkpoint) bool {
	if c.Done != o.Done {
		return c.Done
	}
	return c.Seq > o.Seq // fixed-width decimals compare as numbers
}

func (c checkpoint) setHeaders(h nats.Header) {
	h.Set(srcSeqHeader, c.Seq)
	h.Set(srcArrivalHeader, strconv.FormatInt(c.Arrival, 10))
	if c.MsgEnd {
		h.Set(srcMsgEndHeader, "1")
	}
	if c.Done {
		h.Set(srcDoneHeader, "1")
	}
}

func checkpointFromHeaders(h nats.Header) checkpoint {
	arrival, _ := strconv.ParseInt(h.Get(srcArrivalHeader), 10, 64)
	return checkpoint{Seq: h.Get(srcSeqHeader), Arrival: arrival, MsgEnd: h.Get(srcMsgEndHeader) == "1", Done: h.Get(srcDoneHeader) == "1"}
}

func srcSubject(id string, shard int) string { return "shoal.fh." + id + ".src." + strconv.Itoa(shard) }

// srcSubjects matches every source shard's subject of a delivery stream.
func srcSubjects(id string) string { return "shoal.fh." + id + ".src.*" }

func srcKey(id string, shard int) string { return id + ".src." + strconv.Itoa(shard) }

// loadCheckpoint returns the newer of the shard's last stored message and
// its copy in the progress bucket, and brings the copy up to date.
func (s *Service) loadCheckpoint(ctx context.Context, cfg *Config, shard int) (checkpoint, error) {
	var fromMsg, fromKV checkpoint
	st, err := s.js.Stream(ctx, jsName(cfg.ID))
	if err != nil {
		return checkpoint{}, fmt.Errorf("delivery storage: %w", err)
	}
	last, err := st.GetLastMsgForSubject(ctx, srcSubject(cfg.ID, shard))
	switch {
	case err == nil:
		fromMsg = checkpointFromHeaders(last.Header)
	case !isNotFound(err):
		return checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}
	e, err := s.progress.Get(ctx, srcKey(cfg.ID, shard))
	switch {
	case err == nil:
		if err := json.Unmarshal(e.Value(), &fromKV); err != nil {
			return checkpoint{}, fmt.Errorf("decode checkpoint: %w", err)
		}
	case !isNotFound(err):
		return checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}
	if !fromMsg.newer(fromKV) {
		return fromKV, nil
	}
	return fromMsg, s.saveCheckpoint(ctx, cfg, shard, fromMsg)
}

func (s *Service) saveCheckpoint(ctx context.Context, cfg *Config, shard int, c checkpoint) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	if _, err := s.progress.Put(ctx, srcKey(cfg.ID, shard), b); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// nextExpected is the position right after c: the next record of the same
// stored message, or the first of the next one. A record read after c that
// lies beyond it means retention trimmed what was in between.
func (c checkpoint) nextExpected() (stream.SeqNum, bool) {
	n, ok := stream.ParseSequenceNumber(c.Seq)
	if !ok {
		return stream.SeqNum{}, false
	}
	if c.MsgEnd {
		return stream.SeqNum{MsgSeq: n.MsgSeq + 1, Shard: n.Shard}, true
	}
	n.Index++
	return n, true
}

// dropCheckpoints removes a deleted delivery stream's source checkpoints.
func (s *Service) dropCheckpoints(ctx context.Context, cfg *Config) error {
	lister, err := s.progress.ListKeysFiltered(ctx, cfg.ID+".src.>")
	if err != nil {
		if isNotFound(err) || errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil
		}
		return fmt.Errorf("list source checkpoints: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	for _, k := range keys {
		if err := s.progress.Purge(ctx, k); err != nil && !isNotFound(err) {
			return fmt.Errorf("delete source checkpoint: %w", err)
		}
	}
	return nil
}
