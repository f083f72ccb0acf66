package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/shoal-dev/shoal/internal/awserr"
	"github.com/shoal-dev/shoal/internal/delivery"
	"github.com/shoal-dev/shoal/internal/stream"
)

// StreamMetrics reads a data stream's recent metrics (*stream.Service).
type StreamMetrics interface {
	Metrics(name string, window time.Duration) (stream.Metrics, error)
}

// DeliveryStats reads a delivery stream's figures (*delivery.Service).
type DeliveryStats interface {
	Stats(ctx context.Context, name string) (delivery.Stats, error)
}

// ChangeFeed is the lake's change counter (*watch.Store).
type ChangeFeed interface {
	Version() uint64
	// Wait returns once the version exceeds since, or when ctx ends.
	Wait(ctx context.Context, since uint64) (uint64, error)
}

// Long-poll bounds of /api/changes, in seconds.
const (
	defaultChangesTimeout = 25
	maxChangesTimeout     = 60
)

type metricPoint struct {
	T               string `json:"t"`
	IncomingRecords int64  `json:"incomingRecords"`
	IncomingBytes   int64  `json:"incomingBytes"`
	GetRecords      int64  `json:"getRecords"`
	IteratorAgeMs   int64  `json:"iteratorAgeMs"`
}

func (c *Console) streamMetrics(w http.ResponseWriter, r *http.Request, _ *session) {
	if c.opts.Streams == nil {
		writeError(w, http.StatusNotImplemented, "NotImplemented", errNotConfigured.Error())
		return
	}
	minutes, ok := intParam(r, "minutes", 15, 1, int(stream.MetricsHistory/time.Minute))
	if !ok {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "minutes must be a whole number from 1 to 60")
		return
	}
	m, err := c.opts.Streams.Metrics(r.PathValue("name"), time.Duration(minutes)*time.Minute)
	if err != nil {
		c.serviceError(w, err)
		return
	}
	points := make([]metricPoint, len(m.Points))
	for i, p := range m.Points {
		points[i] = metricPoint{T: p.Start.UTC().Format(time.RFC3339), IncomingRecords: p.IncomingRecords,
			IncomingBytes: p.IncomingBytes, GetRecords: p.GetRecords, IteratorAgeMs: p.IteratorAgeMs}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"stream": m.Stream, "shards": m.Shards, "periodSeconds": int(m.Period / time.Second), "points": points,
	})
}

type deliveryStatsJSON struct {
	Name                  string  `json:"name"`
	BufferedRecords       int64   `json:"bufferedRecords"`
	BufferedBytes         int64   `json:"bufferedBytes"`
	BufferSizeBytes       int64   `json:"bufferSizeBytes"`
	BufferIntervalSeconds int64   `json:"bufferIntervalSeconds"`
	LastDelivery          *string `json:"lastDelivery"`
	RecordsDelivered      int64   `json:"recordsDelivered"`
	BytesDelivered        int64   `json:"bytesDelivered"`
	ObjectsDelivered      int64   `json:"objectsDelivered"`
	ErrorCount            int64   `json:"errorCount"`
	LastError             string  `json:"lastError"`
	ErrorOutputPrefix     string  `json:"errorOutputPrefix"`
	// Kinesis source only.
	Source *sourceJSON `json:"source,omitempty"`
}

type sourceJSON struct {
	MillisBehindLatest int64             `json:"millisBehindLatest"`
	Shards             []sourceShardJSON `json:"shards"`
	RecordsLost        int64             `json:"recordsLost"`
}

type sourceShardJSON struct {
	ShardID            string `json:"shardId"`
	MillisBehindLatest int64  `json:"millisBehindLatest"`
	Finished           bool   `json:"finished"`
}

func sourceStats(st delivery.Stats) *sourceJSON {
	if st.SourceShards == nil {
		return nil
	}
	out := &sourceJSON{MillisBehindLatest: st.MillisBehindLatest, RecordsLost: st.SourceRecordsLost, Shards: []sourceShardJSON{}}
	for _, sh := range st.SourceShards {
		out.Shards = append(out.Shards, sourceShardJSON{ShardID: sh.ShardID, MillisBehindLatest: sh.MillisBehindLatest, Finished: sh.Finished})
	}
	return out
}

func (c *Console) deliveryStats(w http.ResponseWriter, r *http.Request, _ *session) {
	if c.opts.Delivery == nil {
		writeError(w, http.StatusNotImplemented, "NotImplemented", errNotConfigured.Error())
		return
	}
	st, err := c.opts.Delivery.Stats(r.Context(), r.PathValue("name"))
	if err != nil {
		c.serviceError(w, err)
		return
	}
	out := deliveryStatsJSON{Name: st.Name, BufferedRecords: st.BufferedRecords, BufferedBytes: st.BufferedBytes,
		BufferSizeBytes: st.BufferSizeBytes, BufferIntervalSeconds: int64(st.BufferInterval / time.Second),
		RecordsDelivered: st.RecordsDelivered, BytesDelivered: st.BytesDelivered, ObjectsDelivered: st.ObjectsDelivered,
		ErrorCount: st.ErrorCount, LastError: st.LastError, ErrorOutputPrefix: st.ErrorOutputPrefix, Source: sourceStats(st)}
	if !st.LastDelivery.IsZero() {
		s := st.LastDelivery.UTC().Format(time.RFC3339)
		out.LastDelivery = &s
	}
	writeJSON(w, http.StatusOK, out)
}

// changes long-polls the lake's change counter. A since above the current
// version comes from before a restart (the counter is in memory), so it
// answers at once: the caller refreshes and continues from the new version.
func (c *Console) changes(w http.ResponseWriter, r *http.Request, _ *session) {
	if c.opts.Changes == nil {
		writeError(w, http.StatusNotImplemented, "NotImplemented", errNotConfigured.Error())
		return
	}
	var since uint64
	if s := r.URL.Query().Get("since"); s != "" {
		var err error
		if since, err = strconv.ParseUint(s, 10, 64); err != nil {
			writeError(w, http.StatusBadRequest, "InvalidParameter", "since must be a version number")
			return
		}
	}
	timeout, ok := intParam(r, "timeout", defaultChangesTimeout, 0, 1<<20)
	if !ok {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "timeout must be a whole number of seconds")
		return
	}
	feed := c.opts.Changes
	if v := feed.Version(); v != since || timeout == 0 {
		writeJSON(w, http.StatusOK, map[string]uint64{"version": v})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Duration(min(timeout, maxChangesTimeout))*time.Second)
	defer cancel()
	v, err := feed.Wait(ctx, since)
	if err != nil && r.Context().Err() != nil {
		return // the client went away
	}
	writeJSON(w, http.StatusOK, map[string]uint64{"version": v})
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// serviceError answers a stream or delivery service error: a missing
// resource is 404 with the AWS error code, anything else a logged 500.
func (c *Console) serviceError(w http.ResponseWriter, err error) {
	var se *awserr.Error
	if errors.As(err, &se) && se.Code == awserr.NotFound {
		writeError(w, http.StatusNotFound, string(se.Code), se.Message)
		return
	}
	c.opts.Logger.Error("console metrics", "err", err)
	writeError(w, http.StatusInternalServerError, "InternalFailure", "could not read metrics")
}
