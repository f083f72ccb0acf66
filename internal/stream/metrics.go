package stream

import (
	"sync"
	"sync/atomic"
	"time"
)

// Metrics are kept in memory per stream, in the role CloudWatch plays for
// Kinesis: a ring of fixed periods covering the last hour. They are lost on
// restart and reset when a stream is deleted and created again.
const (
	MetricsPeriod  = 10 * time.Second
	MetricsHistory = time.Hour
	metricsSlots   = int(MetricsHistory / MetricsPeriod)
	periodMillis   = int64(MetricsPeriod / time.Millisecond)
)

// MetricPoint is one period's totals.
type MetricPoint struct {
	Start           time.Time
	IncomingRecords int64 // records successfully put
	IncomingBytes   int64 // their data plus partition key bytes
	GetRecords      int64 // records returned by GetRecords
	// IteratorAgeMs is the largest MillisBehindLatest GetRecords returned.
	IteratorAgeMs int64
}

// Metrics is a stream's recent activity, oldest period first.
type Metrics struct {
	Stream string
	Shards int
	Period time.Duration
	Points []MetricPoint
}

// metricSlot is one period; period is its index since the epoch (unix ms /
// periodMillis), and the counters belong to that period only.
type metricSlot struct {
	period      atomic.Int64
	inRecords   atomic.Int64
	inBytes     atomic.Int64
	getRecords  atomic.Int64
	iteratorAge atomic.Int64
}

// streamMetrics is the ring. Writers add with atomics and take mu only to
// recycle a slot, once per period.
type streamMetrics struct {
	mu    sync.Mutex
	slots [metricsSlots]metricSlot
}

// slot returns the slot of the period holding unix ms at, recycling it if
// it still holds an older period. Counters are zeroed before the period is
// published, so an add that sees the new period never lands in stale data.
func (m *streamMetrics) slot(at int64) *metricSlot {
	p := at / periodMillis
	s := &m.slots[p%int64(metricsSlots)]
	if s.period.Load() == p {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur := s.period.Load(); cur != p {
		if cur > p {
			return nil // a writer that stalled for an hour: drop it
		}
		s.inRecords.Store(0)
		s.inBytes.Store(0)
		s.getRecords.Store(0)
		s.iteratorAge.Store(0)
		s.period.Store(p)
	}
	return s
}

// notePut counts one PutRecords call's stored records.
func (m *streamMetrics) notePut(at int64, records, bytes int) {
	if records == 0 {
		return
	}
	if s := m.slot(at); s != nil {
		s.inRecords.Add(int64(records))
		s.inBytes.Add(int64(bytes))
	}
}

// noteGet counts one GetRecords answer.
func (m *streamMetrics) noteGet(at int64, records int, behindMs int64) {
	s := m.slot(at)
	if s == nil {
		return
	}
	if records > 0 {
		s.getRecords.Add(int64(records))
	}
	for {
		cur := s.iteratorAge.Load()
		if behindMs <= cur || s.iteratorAge.CompareAndSwap(cur, behindMs) {
			return
		}
	}
}

// points returns every period of the window ending now, zeros included, so
// charts get an evenly spaced series.
func (m *streamMetrics) points(now time.Time, window time.Duration) []MetricPoint {
	last := now.UnixMilli() / periodMillis
	n := int64((min(max(window, MetricsPeriod), MetricsHistory) + MetricsPeriod - 1) / MetricsPeriod)
	out := make([]MetricPoint, 0, n)
	for p := last - n + 1; p <= last; p++ {
		pt := MetricPoint{Start: time.UnixMilli(p * periodMillis).UTC()}
		s := &m.slots[p%int64(metricsSlots)]
		if s.period.Load() == p {
			pt.IncomingRecords = s.inRecords.Load()
			pt.IncomingBytes = s.inBytes.Load()
			pt.GetRecords = s.getRecords.Load()
			pt.IteratorAgeMs = s.iteratorAge.Load()
			if s.period.Load() != p { // recycled while reading
				pt = MetricPoint{Start: pt.Start}
			}
		}
		out = append(out, pt)
	}
	return out
}

// Metrics returns the named stream's metrics for the last window (rounded
// up to whole periods, at most MetricsHistory).
func (s *Service) Metrics(name string, window time.Duration) (Metrics, error) {
	ds, err := s.lookup(name)
	if err != nil {
		return Metrics{}, err
	}
	return Metrics{
		Stream: name,
		Shards: len(ds.layout.Load().open),
		Period: MetricsPeriod,
		Points: ds.metrics.points(time.Now(), window),
	}, nil
}
