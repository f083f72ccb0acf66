// Package stream is the data-stream service (the Kinesis Data Streams role),
// stored in JetStream: one JetStream stream per data stream, one subject per
// shard, many records per message (see codec.go), metadata in a KV bucket.
package stream

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// Defaults and limits that mirror Kinesis.
const (
	DefaultIteratorTTL    = 5 * time.Minute
	DefaultRetentionHours = 24
	MinRetentionHours     = 24
	MaxRetentionHours     = 8760
	OnDemandShards        = 4
	// MaxShardsPerAccount bounds what one server will create, as the Kinesis
	// account shard quota does.
	MaxShardsPerAccount = 1000
)

// Options configures the service.
type Options struct {
	AccountID string
	Region    string
	Logger    *slog.Logger
	// IteratorTTL is how long shard iterators and ListShards tokens stay
	// valid (default 5 minutes, as in Kinesis).
	IteratorTTL time.Duration
	// Now is the clock for iterator and token expiry (default time.Now);
	// tests inject one to expire iterators without waiting. Record arrival
	// times always use the real clock because JetStream timestamps do.
	Now func() time.Time
	// ReshardDelay keeps a resharded stream UPDATING this long before the
	// new shards take over (default 0: at once); tests use it to observe
	// the state machine.
	ReshardDelay time.Duration
}

// Service manages data streams.
type Service struct {
	opts    Options
	js      jetstream.JetStream
	nc      *nats.Conn
	kv      jetstream.KeyValue
	iterKey []byte
	mux     *directMux

	// mu serializes metadata changes; readers use the copy-on-write maps.
	mu     sync.Mutex
	byName atomic.Pointer[map[string]*dataStream]
	byID   atomic.Pointer[map[uint64]*dataStream]
}

// dataStream is one data stream: copy-on-write shard layout and metadata.
type dataStream struct {
	idNum  uint64
	layout atomic.Pointer[layout]
	meta   atomic.Pointer[streamMeta]
	// putMu is held shared by writers from routing until their records are
	// stored, and exclusively by a reshard while it closes shards, so no
	// record lands in a shard after its ending sequence number was taken.
	putMu sync.RWMutex
	// metrics are in memory only (see metrics.go).
	metrics streamMetrics
}

// Open loads stream metadata from JetStream, finishes creations and deletions
// a crash interrupted, and restores each shard's tip.
func Open(ctx context.Context, js jetstream.JetStream, o Options) (*Service, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.IteratorTTL <= 0 {
		o.IteratorTTL = DefaultIteratorTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{opts: o, js: js, nc: js.Conn()}
	empty := map[string]*dataStream{}
	emptyID := map[uint64]*dataStream{}
	s.byName.Store(&empty)
	s.byID.Store(&emptyID)
	var err error
	if s.mux, err = newDirectMux(s.nc); err != nil {
		return nil, err
	}
	if err := s.openMeta(ctx); err != nil {
		return nil, err
	}
	if err := s.loadStreams(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops background work: only the direct-get reply subscription;
// all state is in JetStream.
func (s *Service) Close(ctx context.Context) error {
	s.mux.close()
	return nil
}

// ARN returns the ARN of the named stream.
func (s *Service) ARN(name string) string {
	return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", s.opts.Region, s.opts.AccountID, name)
}

// AccountID is the account streams belong to.
func (s *Service) AccountID() string { return s.opts.AccountID }

// ResolveName returns the stream name addressed by a StreamName and/or a
// StreamARN, as every Kinesis operation accepts either.
func (s *Service) ResolveName(name, arn string) (string, error) {
	if arn == "" {
		if name == "" {
			return "", awserr.New(awserr.InvalidArgument, "Either StreamName or StreamARN must be provided.")
		}
		return name, nil
	}
	fromARN, err := s.nameFromARN(arn)
	if err != nil {
		return "", err
	}
	if name != "" && name != fromARN {
		return "", awserr.New(awserr.InvalidArgument, "StreamARN %s does not match StreamName %s.", arn, name)
	}
	return fromARN, nil
}

func (s *Service) nameFromARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" {
		return "", awserr.New(awserr.InvalidArgument, "Invalid StreamARN %s.", arn)
	}
	name, ok := strings.CutPrefix(parts[5], "stream/")
	if !ok || name == "" {
		return "", awserr.New(awserr.InvalidArgument, "Invalid StreamARN %s.", arn)
	}
	if parts[3] != s.opts.Region || parts[4] != s.opts.AccountID {
		// Another account or region is another Kinesis endpoint: not here.
		return "", awserr.New(awserr.NotFound, "Stream %s under account %s not found.", name, parts[4])
	}
	return name, nil
}

// lookup returns an existing stream by name (any status).
func (s *Service) lookup(name string) (*dataStream, error) {
	ds := (*s.byName.Load())[name]
	if ds == nil {
		return nil, s.streamNotFound(name)
	}
	return ds, nil
}

// active returns a stream that accepts reads and writes.
func (s *Service) active(name string) (*dataStream, error) {
	ds, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	if st := ds.meta.Load().Status; st != StatusActive && st != StatusUpdating {
		if st == StatusCreating {
			return nil, awserr.New(awserr.NotFound, "Stream %s under account %s not found.", name, s.opts.AccountID)
		}
		return nil, awserr.New(awserr.InUse, "Stream %s under account %s is currently %s.", name, s.opts.AccountID, st)
	}
	return ds, nil
}

// publish swaps in new lookup maps with ds added (or removed when remove).
// Callers hold s.mu.
func (s *Service) publishStream(ds *dataStream, remove bool) {
	name := ds.meta.Load().Name
	byName := make(map[string]*dataStream, len(*s.byName.Load())+1)
	for k, v := range *s.byName.Load() {
		byName[k] = v
	}
	byID := make(map[uint64]*dataStream, len(byName)+1)
	for k, v := range *s.byID.Load() {
		byID[k] = v
	}
	if remove {
		delete(byName, name)
		delete(byID, ds.idNum)
	} else {
		byName[name] = ds
		byID[ds.idNum] = ds
	}
	s.byName.Store(&byName)
	s.byID.Store(&byID)
}

// sortedStreams returns all streams ordered by name.
func (s *Service) sortedStreams() []*dataStream {
	m := *s.byName.Load()
	out := make([]*dataStream, 0, len(m))
	for _, ds := range m {
		out = append(out, ds)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].meta.Load().Name < out[j].meta.Load().Name })
	return out
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on Linux
	}
	return b
}

func isNotFound(err error) bool {
	return errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrMsgNotFound)
}

// Now is the service clock (the one iterators expire by).
func (s *Service) Now() time.Time { return s.opts.Now() }

// TokenTTL is how long pagination tokens and iterators stay valid.
func (s *Service) TokenTTL() time.Duration { return s.opts.IteratorTTL }
