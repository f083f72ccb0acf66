package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Exactly once into the lake. The worker reads the delivery stream's
// messages in sequence order and buffers records per partition. A record's
// position is (message sequence, ordinal) with ordinal = record index << 16 |
// sub-record index. Durable progress (one KV entry per delivery stream) is:
//
//   - Done: every record of messages <= Done is in the lake;
//   - Parts: for partitions that flushed records beyond Done, the last
//     flushed position.
//
// After each round of flushes the worker writes progress, so at most one
// object per partition is in the lake without being recorded. An object's
// key (prefix, timestamp and uuid) is a function of the partition and of
// its first record's position and arrival only, and replay starts each
// partition exactly after its recorded position, so a replayed partition's
// first object rewrites the unrecorded one under the same key (with
// possibly more or fewer records, never a record in two objects).
type pos struct {
	Seq uint64 `json:"s"`
	Ord uint64 `json:"o"`
}

func (p pos) after(q pos) bool { return p.Seq > q.Seq || (p.Seq == q.Seq && p.Ord > q.Ord) }

type progress struct {
	Done  uint64         `json:"done"`
	Parts map[string]pos `json:"parts,omitempty"`
}

// pbuf is one partition's buffer.
type pbuf struct {
	id           string
	keys         map[string]string
	errType      string // set for error-output partitions
	first, last  pos
	firstArrival int64
	size         int
	data         []byte           // raw records or error lines
	rows         []map[string]any // converted records (nested schemas)
	flat         rowBuf           // converted records (flat schemas)
	retryAt      time.Time        // after a failed write, when to retry
	attempts     int              // failed writes in a row, for backoff
	records      int              // records buffered, for Stats
	errMsg       string           // last error of an error-output buffer
}

type worker struct {
	svc    *Service
	cfg    *Config
	plan   *plan
	bucket string
	log    *slog.Logger
	conv   *converter
	cancel context.CancelFunc
	done   chan struct{}

	prog     progress
	lastRead uint64
	bufs     map[string]*pbuf
	slots    []*prepSlot // per preparing goroutine
	active   int         // data partitions buffered
	dirty    bool
	purged   time.Time

	stats                *counters
	bufRecords, bufBytes int64 // buffered totals, published per flush
}

func startWorker(s *Service, cfg *Config, stats *counters) *worker {
	p, err := validateDestination(&cfg.Destination, false)
	ctx, cancel := context.WithCancel(s.ctx)
	w := &worker{svc: s, cfg: cfg, plan: p, cancel: cancel, done: make(chan struct{}), bufs: map[string]*pbuf{},
		log: s.opts.Logger.With("delivery_stream", cfg.Name), stats: stats}
	if err != nil {
		// Stored configurations were validated; this only happens if rules
		// tightened across versions. Keep the records and say why.
		w.log.Error("delivery stream configuration is invalid; not delivering", "err", err)
		stats.setError("configuration is invalid; not delivering: " + err.Error())
		close(w.done)
		return w
	}
	w.bucket, _ = bucketOf(cfg.Destination.BucketARN)
	go w.run(ctx)
	return w
}

func (w *worker) stop() {
	w.cancel()
	<-w.done
}

func (w *worker) run(ctx context.Context) {
	defer close(w.done)
	failures := 0
	for ctx.Err() == nil {
		started := time.Now()
		err := w.loop(ctx)
		if err == nil || ctx.Err() != nil {
			continue
		}
		if time.Since(started) > w.svc.backoff(maxBackoffFactor) {
			failures = 0 // it worked for a while: a new run of failures
		}
		failures++
		w.log.Error("delivery worker failed; restarting from durable progress", "err", err, "attempt", failures)
		w.noteFailure(err)
		select {
		case <-ctx.Done():
		case <-time.After(w.svc.backoff(failures)):
		}
	}
}

func (w *worker) loadProgress(ctx context.Context) error {
	w.prog = progress{Parts: map[string]pos{}}
	kve, err := w.svc.progress.Get(ctx, w.cfg.ID)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return fmt.Errorf("load progress: %w", err)
	}
	if err := json.Unmarshal(kve.Value(), &w.prog); err != nil {
		return fmt.Errorf("decode progress: %w", err)
	}
	if w.prog.Parts == nil {
		w.prog.Parts = map[string]pos{}
	}
	return nil
}

// loop runs from durable progress until ctx ends or an error; buffers are
// dropped on return because replay rebuilds them.
func (w *worker) loop(ctx context.Context) error {
	if err := w.loadProgress(ctx); err != nil {
		return err
	}
	w.bufs, w.active, w.lastRead = map[string]*pbuf{}, 0, w.prog.Done
	w.resetBuffered()
	cons, err := w.svc.js.OrderedConsumer(ctx, jsName(w.cfg.ID), jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: w.prog.Done + 1,
	})
	if err != nil {
		return fmt.Errorf("read delivery stream: %w", err)
	}
	msgs := make(chan jetstream.Msg, 64)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case msgs <- m:
		case <-ctx.Done():
		}
	}, jetstream.PullMaxMessages(64))
	if err != nil {
		return fmt.Errorf("consume delivery stream: %w", err)
	}
	defer cc.Stop()
	// The ticker retries failed writes and saves progress; the deadline
	// timer fires when the oldest buffer's interval ends, so objects are
	// written on time rather than up to a tick late.
	tick := time.NewTicker(w.svc.opts.TickInterval)
	defer tick.Stop()
	deadline := time.NewTimer(time.Hour)
	defer deadline.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case m := <-msgs:
			md, err := m.Metadata()
			if err != nil {
				return fmt.Errorf("message metadata: %w", err)
			}
			if err := w.ingest(ctx, md.Sequence.Stream, m.Data()); err != nil {
				return err
			}
			if err := w.flush(ctx, w.plan.interval == 0); err != nil {
				return err
			}
		case <-deadline.C:
			if err := w.flush(ctx, true); err != nil {
				return err
			}
		case <-tick.C:
			if err := w.flush(ctx, true); err != nil {
				return err
			}
		}
		deadline.Reset(w.untilNextDeadline())
	}
}

// untilNextDeadline is how long until the oldest buffer's interval ends (an
// hour when nothing is buffered; the ticker covers buffers awaiting a retry).
func (w *worker) untilNextDeadline() time.Duration {
	next := time.Hour
	for _, b := range w.bufs {
		if d := time.Until(time.UnixMilli(b.firstArrival).Add(w.plan.interval)); d < next {
			next = d
		}
	}
	return max(next, 0)
}

// ingest buffers one message's records. Parsing, JQ and conversion run on
// all cores (they are pure); buffering then applies results in order.
func (w *worker) ingest(ctx context.Context, seq uint64, msg []byte) error {
	w.lastRead = seq
	type rec struct {
		i    int
		data []byte
	}
	var recs []rec
	var arrival int64
	_, err := decodeRecords(msg, func(a int64, i int, data []byte) {
		arrival = a
		recs = append(recs, rec{i, data})
	})
	if err != nil {
		// A message the server wrote cannot be corrupt unless storage is;
		// stop rather than skip accepted records.
		return fmt.Errorf("message %d: %w", seq, err)
	}
	w.dirty = true
	var conv *converter
	var convErr error
	if w.plan.convert != nil {
		conv, convErr = w.converter(ctx)
		if isDenied(convErr) {
			// The role may not read the schema: pause and retry from
			// durable progress, as for S3; the records are not malformed.
			return convErr
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(recs) < 64 || workers < 2 {
		workers = 1
	}
	outs := make([][]prepared, workers)
	for len(w.slots) < workers {
		w.slots = append(w.slots, &prepSlot{})
	}
	for _, sl := range w.slots[:workers] {
		sl.reset()
	}
	var wg sync.WaitGroup
	chunk := (len(recs) + workers - 1) / workers
	for g := 0; g < workers; g++ {
		lo, hi := g*chunk, min((g+1)*chunk, len(recs))
		run := func() {
			outs[g] = make([]prepared, 0, hi-lo)
			for _, r := range recs[lo:hi] {
				outs[g] = w.prepare(w.slots[g], conv, convErr, seq, arrival, r.i, r.data, outs[g])
			}
		}
		if workers == 1 {
			run()
			break
		}
		wg.Add(1)
		go func() { defer wg.Done(); run() }()
	}
	wg.Wait()
	for g, out := range outs {
		for k := range out {
			w.apply(w.slots[g], &out[k])
		}
	}
	return nil
}

// maxSubRecords is how many sub-records one de-aggregated record may hold.
const maxSubRecords = 1 << 16

// prepared is one (sub-)record after processing, ready to buffer.
type prepared struct {
	p       pos
	arrival int64
	data    []byte
	pid     string
	keys    map[string]string
	row     map[string]any
	cells   []uint64 // flat row; byte cells point into its slot's strs
	errType string
	errCode string
	errMsg  string
	convErr error
}

// prepare runs the processors and conversion on one put record; it touches
// no worker state but its slot, so records are prepared concurrently.
func (w *worker) prepare(sl *prepSlot, conv *converter, convErr error, seq uint64, arrival int64, i int, data []byte, out []prepared) []prepared {
	subs := [][]byte{data}
	var err error
	if w.plan.deaggregate != "" {
		subs, err = w.plan.splitRecord(data)
		// A position keeps 16 bits for the sub-record index; a record that
		// splits into more fails whole rather than reuse positions.
		if err == nil && len(subs) > maxSubRecords {
			err = fmt.Errorf("the record splits into %d sub-records; at most %d are supported", len(subs), maxSubRecords)
		}
	}
	if err != nil {
		return append(out, prepared{p: pos{seq, uint64(i) << 16}, arrival: arrival, data: data,
			errType: "processing-failed", errCode: "RecordDeAggregation.Failed", errMsg: err.Error()})
	}
	for j, sub := range subs {
		r := prepared{p: pos{seq, uint64(i)<<16 | uint64(j)}, arrival: arrival, data: sub}
		if !w.prepareFast(sl, conv, convErr, &r) {
			w.prepareGeneral(sl, conv, convErr, &r)
		}
		out = append(out, r)
	}
	return out
}

// prepareGeneral decodes the record into maps and runs gojq and the map
// converter: every record the fast path declines is decided here.
func (w *worker) prepareGeneral(sl *prepSlot, conv *converter, convErr error, r *prepared) {
	var doc any
	var err error
	if w.plan.dynamic {
		if doc, err = decodeJSON(r.data); err != nil {
			r.errType, r.errCode, r.errMsg = "partitioning-failed", "DynamicPartitioning.MetadataExtractionFailed", "Non JSON record provided"
			return
		}
		if r.keys, err = w.plan.partitionKeys(doc); err != nil {
			r.errType, r.errCode, r.errMsg = "partitioning-failed", "DynamicPartitioning.MetadataExtractionFailed", err.Error()
			return
		}
		r.pid = partitionID(r.keys)
	}
	if w.plan.convert == nil {
		return
	}
	err = convErr
	if err == nil && doc == nil {
		if doc, err = decodeJSON(r.data); err != nil {
			err = fmt.Errorf("The given JSON is malformed: %v", err)
		}
	}
	if err == nil {
		r.row, err = conv.row(doc)
	}
	if err == nil && conv.flat != nil {
		r.cells, err = conv.rowFromMap(r.row, &sl.rows)
		r.row = nil
	}
	if err != nil {
		r.convErr = err
	}
}

// apply buffers one prepared record, or sends it to the error output.
func (w *worker) apply(sl *prepSlot, r *prepared) {
	if r.errType != "" {
		w.addError(r.p, r.arrival, r.data, r.errType, r.errCode, r.errMsg)
		return
	}
	if w.skip(r.pid, r.p) {
		return
	}
	if r.convErr != nil {
		w.addConversionError(r.p, r.arrival, r.data, r.convErr)
		return
	}
	b := w.bufs[r.pid]
	if b == nil {
		if w.plan.dynamic && w.active >= MaxActivePartitions {
			// Firehose delivers records beyond the limit to the error
			// prefix under the type activePartitionExceeded.
			w.addError(r.p, r.arrival, r.data, "activePartitionExceeded", "DynamicPartitioning.ActivePartitionsLimitExceeded",
				"The number of active partitions has exceeded the configured limit")
			return
		}
		b = &pbuf{id: r.pid, keys: r.keys, first: r.p, firstArrival: r.arrival}
		w.bufs[r.pid] = b
		w.active++
	}
	b.last = r.p
	defer w.grew(b, b.size)
	if r.cells != nil {
		b.flat.appendRow(w.conv.flat.kinds, r.cells, sl.rows.strs)
		b.size += len(r.data)
		return
	}
	if r.row != nil {
		b.rows = append(b.rows, r.row)
		b.size += len(r.data)
		return
	}
	b.data = append(b.data, r.data...)
	if w.plan.appendDelim {
		b.data = append(b.data, '\n')
	}
	b.size = len(b.data)
}

func partitionID(keys map[string]string) string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, k := range names {
		sb.WriteString(k)
		sb.WriteByte('=')
		sb.WriteString(keys[k])
		sb.WriteByte(0)
	}
	return sb.String()
}

// skip reports whether a record at p was already delivered in partition pid.
func (w *worker) skip(pid string, p pos) bool {
	if p.Seq <= w.prog.Done {
		return true
	}
	last, ok := w.prog.Parts[pid]
	return ok && !p.after(last)
}

// flush writes the buffers that are full (or due, when timed) and then
// records progress once.
func (w *worker) flush(ctx context.Context, timed bool) error {
	// A started round finishes (writes and progress) even when the worker is
	// being stopped, so a clean stop leaves no unrecorded object behind.
	ctx = context.WithoutCancel(ctx)
	defer w.publishBuffered()
	now := time.Now()
	wrote := false
	for _, b := range w.bufs {
		due := b.size >= w.plan.sizeBytes ||
			(timed && now.Sub(time.UnixMilli(b.firstArrival)) >= w.plan.interval)
		if !due || now.Before(b.retryAt) {
			continue
		}
		if err := w.writeObject(ctx, b); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// Keep the records and retry: nothing is dropped.
			b.attempts++
			b.retryAt = now.Add(w.svc.backoff(b.attempts))
			w.noteFailure(err)
			w.log.Warn("write object failed; will retry", "bucket", w.bucket, "err", err, "attempt", b.attempts)
			continue
		}
		w.prog.Parts[b.id] = b.last
		delete(w.bufs, b.id)
		if b.errType == "" {
			w.active--
		}
		wrote = true
	}
	if wrote || (timed && w.dirty) {
		return w.saveProgress(ctx)
	}
	return nil
}

func (w *worker) saveProgress(ctx context.Context) error {
	done := w.lastRead
	for _, b := range w.bufs {
		if b.first.Seq-1 < done {
			done = b.first.Seq - 1
		}
	}
	w.prog.Done = done
	for pid, p := range w.prog.Parts {
		if p.Seq <= done {
			delete(w.prog.Parts, pid)
		}
	}
	b, err := json.Marshal(&w.prog)
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	if _, err := w.svc.progress.Put(ctx, w.cfg.ID, b); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	w.dirty = false
	if time.Since(w.purged) > 5*time.Second && done > 0 {
		w.purged = time.Now()
		if err := w.purgeDelivered(ctx, done); err != nil && !errors.Is(err, context.Canceled) {
			w.log.Warn("purge delivered records", "err", err)
		}
	}
	return nil
}
