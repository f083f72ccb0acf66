package stream

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Stream statuses and modes as Kinesis names them.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusDeleting = "DELETING"
	StatusUpdating = "UPDATING"

	ModeProvisioned = "PROVISIONED"
	ModeOnDemand    = "ON_DEMAND"
)

const (
	metaBucket     = "shoal_kinesis_meta"
	iterKeyName    = "iterator-key"
	streamKeyPrefx = "stream."
	jsNamePrefix   = "KDS_"
	subjectPrefix  = "kds."
)

// streamMeta is the durable description of a data stream (one KV entry).
// It is never mutated once published: changes store a modified copy.
type streamMeta struct {
	ID             string            `json:"id"` // 16 hex digits
	Name           string            `json:"name"`
	Status         string            `json:"status"`
	Mode           string            `json:"mode"`
	ShardCount     int               `json:"shard_count"`
	RetentionHours int               `json:"retention_hours"`
	Created        time.Time         `json:"created"`
	Tags           map[string]string `json:"tags,omitempty"`
	// Shards is every shard, closed ones included, by number. Metadata
	// written before resharding existed has none: ShardCount uniform shards.
	Shards []shardMeta `json:"shards,omitempty"`
	// Scalings are the recent UpdateShardCount times (for its daily limit).
	Scalings []time.Time `json:"scalings,omitempty"`
}

// shardMeta is the durable description of one shard.
type shardMeta struct {
	Index    int       `json:"index"`
	Start    string    `json:"start"` // decimal hash keys
	End      string    `json:"end"`
	Parent   string    `json:"parent,omitempty"`
	Adjacent string    `json:"adjacent,omitempty"`
	Created  time.Time `json:"created"`
	Closed   time.Time `json:"closed,omitzero"`
	// EndSeq is the JetStream sequence of a closed shard's last message.
	EndSeq uint64 `json:"end_seq,omitempty"`
}

func (m *streamMeta) clone() *streamMeta {
	c := *m
	c.Tags = make(map[string]string, len(m.Tags))
	for k, v := range m.Tags {
		c.Tags[k] = v
	}
	c.Shards = append([]shardMeta(nil), m.Shards...)
	c.Scalings = append([]time.Time(nil), m.Scalings...)
	return &c
}

func shardSubject(streamID string, i int) string {
	return fmt.Sprintf("%s%s.%d", subjectPrefix, streamID, i)
}

// closedSubject is what a closed shard's storage listens on instead of its
// subject, so that a publish still in flight when the shard closed (its
// caller gave up waiting) is refused rather than stored past the shard's end.
func closedSubject(streamID string, i int) string {
	return fmt.Sprintf("%sclosed.%s.%d", subjectPrefix, streamID, i)
}

// shardStreamName names the JetStream stream of one shard. A stream per
// shard (rather than a subject per shard in one stream) keeps each shard's
// messages contiguous: readers need no subject filtering, and a reader that
// finishes a file block lets JetStream drop that block's cache at once,
// which bounds memory during large read-backs.
func shardStreamName(streamID string, i int) string {
	return fmt.Sprintf("%s%s_%d", jsNamePrefix, streamID, i)
}

func newDataStream(m *streamMeta) (*dataStream, error) {
	raw, err := hex.DecodeString(m.ID)
	if err != nil || len(raw) != 8 {
		return nil, fmt.Errorf("stream %s: bad id %q", m.Name, m.ID)
	}
	if m.Shards == nil {
		m.Shards = uniformShards(m.ShardCount, 0, m.Created)
	}
	all := make([]*shard, len(m.Shards))
	for i, sm := range m.Shards {
		if sm.Index != i {
			return nil, fmt.Errorf("stream %s: shard %d stored at %d", m.Name, sm.Index, i)
		}
		all[i] = newShard(m.ID, sm)
	}
	ds := &dataStream{idNum: binary.BigEndian.Uint64(raw)}
	ds.layout.Store(newLayout(all))
	ds.meta.Store(m)
	return ds, nil
}

// openMeta opens the metadata bucket and the iterator signing key, which is
// durable so iterators stay valid across a restart.
func (s *Service) openMeta(ctx context.Context) error {
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      metaBucket,
		Description: "Shoal data stream metadata",
		Storage:     jetstream.FileStorage,
		History:     1,
	})
	if err != nil {
		return fmt.Errorf("open stream metadata bucket: %w", err)
	}
	s.kv = kv
	entry, err := kv.Get(ctx, iterKeyName)
	if err == nil {
		s.iterKey = entry.Value()
		return nil
	}
	if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("read iterator key: %w", err)
	}
	key := randomBytes(32)
	if _, err := kv.Create(ctx, iterKeyName, key); err != nil {
		return fmt.Errorf("store iterator key: %w", err)
	}
	s.iterKey = key
	return nil
}

func (s *Service) saveMeta(ctx context.Context, m *streamMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode stream metadata: %w", err)
	}
	if _, err := s.kv.Put(ctx, streamKeyPrefx+m.ID, b); err != nil {
		return fmt.Errorf("store metadata of stream %s: %w", m.Name, err)
	}
	return nil
}

// loadStreams reads every stream's metadata and brings it to a steady state.
func (s *Service) loadStreams(ctx context.Context) error {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("list stream metadata: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		if strings.HasPrefix(k, streamKeyPrefx) {
			keys = append(keys, k)
		}
	}
	_ = lister.Stop() // the channel is drained; Stop only fails on an ended watcher
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		entry, err := s.kv.Get(ctx, k)
		if err != nil {
			return fmt.Errorf("read stream metadata %s: %w", k, err)
		}
		m := &streamMeta{}
		if err := json.Unmarshal(entry.Value(), m); err != nil {
			return fmt.Errorf("decode stream metadata %s: %w", k, err)
		}
		ds, err := newDataStream(m)
		if err != nil {
			return err
		}
		switch m.Status {
		case StatusDeleting:
			// A deletion was interrupted: finish it.
			if err := s.dropStorage(ctx, ds); err != nil {
				return err
			}
			continue
		case StatusCreating, StatusUpdating:
			if err := s.ensureStorage(ctx, m); err != nil {
				return err
			}
			m = m.clone()
			m.Status = StatusActive
			if err := s.saveMeta(ctx, m); err != nil {
				return err
			}
			ds.meta.Store(m)
		}
		if err := s.restoreTips(ctx, ds); err != nil {
			return err
		}
		s.publishStream(ds, false)
	}
	return nil
}

// jsConfig is the JetStream stream backing one shard: file storage,
// trimmed by age to the retention period, direct gets for batched reads.
func jsConfig(m *streamMeta, sm shardMeta) jetstream.StreamConfig {
	subject := shardSubject(m.ID, sm.Index)
	if !sm.Closed.IsZero() {
		subject = closedSubject(m.ID, sm.Index)
	}
	return jetstream.StreamConfig{
		Name:        shardStreamName(m.ID, sm.Index),
		Description: fmt.Sprintf("Kinesis data stream %s, %s", m.Name, shardID(sm.Index)),
		Subjects:    []string{subject},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      time.Duration(m.RetentionHours) * time.Hour,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		MaxMsgSize:  -1,
		Replicas:    1,
		AllowDirect: true,
		// Kinesis has no publish deduplication; keep the window small.
		Duplicates: time.Second,
	}
}

func (s *Service) ensureStorage(ctx context.Context, m *streamMeta) error {
	for _, sm := range m.Shards {
		if _, err := s.js.CreateOrUpdateStream(ctx, jsConfig(m, sm)); err != nil {
			return fmt.Errorf("create storage of stream %s: %w", m.Name, err)
		}
	}
	return nil
}

func (s *Service) dropStorage(ctx context.Context, ds *dataStream) error {
	m := ds.meta.Load()
	for _, sh := range ds.layout.Load().all {
		if err := s.js.DeleteStream(ctx, sh.jsName); err != nil && !isNotFound(err) {
			return fmt.Errorf("delete storage of stream %s: %w", m.Name, err)
		}
	}
	if err := s.kv.Purge(ctx, streamKeyPrefx+m.ID); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete metadata of stream %s: %w", m.Name, err)
	}
	return nil
}

// restoreTips loads each shard's newest message so LATEST and
// MillisBehindLatest are right after a restart. The stream's last sequence
// survives even when retention trimmed every message.
func (s *Service) restoreTips(ctx context.Context, ds *dataStream) error {
	var r msgReader
	for _, sh := range ds.layout.Load().all {
		st, err := s.js.Stream(ctx, sh.jsName)
		if err != nil {
			return fmt.Errorf("open storage of %s: %w", sh.jsName, err)
		}
		state := st.CachedInfo().State
		if state.Msgs == 0 {
			sh.noteAppend(state.LastSeq, 0, 1)
			continue
		}
		msg, err := st.GetMsg(ctx, state.LastSeq)
		if err != nil {
			return fmt.Errorf("read tip of %s: %w", sh.jsName, err)
		}
		if err := r.reset(msg.Data); err != nil {
			return fmt.Errorf("read tip of %s: %w", sh.jsName, err)
		}
		sh.noteAppend(msg.Sequence, r.arrival, r.count)
	}
	return nil
}
