package delivery

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Stats is a delivery stream's activity, in the role Firehose's CloudWatch
// metrics play. Counters are in memory since the process started (or the
// delivery stream was created); buffered figures are the worker's buffers
// now, which replay rebuilds after a restart.
type Stats struct {
	Name string
	// BufferedRecords and BufferedBytes are accepted records not yet in an
	// object, error-output records included; bytes are as the buffer size
	// hint counts them.
	BufferedRecords int64
	BufferedBytes   int64
	BufferSizeBytes int64
	BufferInterval  time.Duration
	// LastDelivery is when the last data object was written (zero if none
	// since the process started).
	LastDelivery     time.Time
	RecordsDelivered int64
	BytesDelivered   int64 // object bytes, after conversion and compression
	ObjectsDelivered int64
	// ErrorCount is records written to the error output plus failed
	// attempts to write an object (each retried until it succeeds).
	ErrorCount int64
	LastError  string
	// Failure is set while delivery is paused because a role lacks a
	// permission; records stay buffered and delivery retries.
	Failure           *FailureDescription
	ErrorOutputPrefix string // s3://bucket/prefix as configured

	// Kinesis source only (see lag.go): each source shard's lag and the
	// largest, and data the source's retention trimmed before delivery.
	SourceShards       []SourceShard
	MillisBehindLatest int64
	SourceDataLoss     []SourceLoss
	SourceRecordsLost  int64 // at least this many
}

// counters are one delivery stream's live figures; the worker writes them,
// Stats reads them. A nil *counters (workers built by tests) ignores writes.
type counters struct {
	bufferedRecords, bufferedBytes    atomic.Int64
	records, bytes, objects, failures atomic.Int64
	lastDelivery                      atomic.Int64 // unix ms

	mu          sync.Mutex
	lastError   string
	failure     *FailureDescription // why delivery is paused (see roles.go)
	failureArea string

	source sourceState
}

func (c *counters) setError(msg string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.lastError = msg
	c.mu.Unlock()
}

func (c *counters) lastErr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastError
}

// grew accounts for one record appended to b, which held oldSize bytes.
func (w *worker) grew(b *pbuf, oldSize int) {
	b.records++
	w.bufRecords++
	w.bufBytes += int64(b.size - oldSize)
}

// grewError is grew for a record sent to an error-output buffer.
func (w *worker) grewError(b *pbuf, oldSize int, code, msg string) {
	b.errMsg = code + ": " + msg
	w.grew(b, oldSize)
}

// publishBuffered makes the worker's buffer totals visible to Stats; the
// worker calls it once per flush round, not per record.
func (w *worker) publishBuffered() {
	if w.stats == nil {
		return
	}
	w.stats.bufferedRecords.Store(w.bufRecords)
	w.stats.bufferedBytes.Store(w.bufBytes)
}

// noteWritten accounts for b written as an object of size bytes.
func (w *worker) noteWritten(b *pbuf, size int) {
	w.bufRecords -= int64(b.records)
	w.bufBytes -= int64(b.size)
	// Published before the delivered counts, so a reader that sees the
	// object never sees its records still buffered.
	w.publishBuffered()
	c := w.stats
	if c == nil {
		return
	}
	if b.errType != "" {
		c.failures.Add(int64(b.records))
		c.setError(b.errType + ": " + b.errMsg)
		return
	}
	c.records.Add(int64(b.records))
	c.bytes.Add(int64(size))
	c.objects.Add(1)
	c.lastDelivery.Store(time.Now().UnixMilli())
}

// noteFailure counts a failed delivery attempt (it will be retried).
func (w *worker) noteFailure(err error) {
	if w.stats == nil {
		return
	}
	w.stats.noteFailure(err)
}

func (c *counters) noteFailure(err error) {
	if c == nil {
		return
	}
	c.failures.Add(1)
	c.setError(err.Error())
	c.noteDenied(err)
}

// resetBuffered forgets the buffers, which a restarted loop rebuilds.
func (w *worker) resetBuffered() {
	w.bufRecords, w.bufBytes = 0, 0
	w.publishBuffered()
}

// Stats returns the named delivery stream's figures.
func (s *Service) Stats(ctx context.Context, name string) (Stats, error) {
	s.mu.Lock()
	e, ok := s.streams[name]
	var cfg *Config
	var p *plan
	var c *counters
	if ok {
		cfg, c = e.cfg, e.stats
		if e.worker != nil {
			p = e.worker.plan
		}
	}
	s.mu.Unlock()
	if !ok {
		return Stats{}, s.notFound(name)
	}
	st := Stats{Name: name, BufferSizeBytes: DefaultSizeMB << 20, BufferInterval: DefaultIntervalSec * time.Second}
	if p != nil {
		st.BufferSizeBytes, st.BufferInterval = int64(p.sizeBytes), p.interval
	}
	if bucket, err := bucketOf(cfg.Destination.BucketARN); err == nil {
		st.ErrorOutputPrefix = "s3://" + bucket + "/" + strVal(cfg.Destination.ErrorOutputPrefix)
	}
	if c == nil {
		return st, nil
	}
	st.BufferedRecords, st.BufferedBytes = c.bufferedRecords.Load(), c.bufferedBytes.Load()
	st.RecordsDelivered, st.BytesDelivered, st.ObjectsDelivered = c.records.Load(), c.bytes.Load(), c.objects.Load()
	st.ErrorCount, st.LastError = c.failures.Load(), c.lastErr()
	st.Failure = c.currentFailure()
	if ms := c.lastDelivery.Load(); ms != 0 {
		st.LastDelivery = time.UnixMilli(ms).UTC()
	}
	c.fillSource(&st)
	return st, nil
}
