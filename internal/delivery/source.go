package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/stream"
)

// A Kinesis source copies every shard of the data stream into the delivery
// stream's JetStream stream, one message per page, each stamped with the
// shard's checkpoint (see checkpoint.go). It follows resharding as the KCL
// does: a shard is read only once its parents are drained, so records of a
// partition key stay in order across a split or merge.
type sourceReader struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// sourcePoll is how often the reader looks for new shards and how long an
// idle shard reader waits before asking again.
const (
	sourcePoll     = time.Second
	sourceIdleWait = 200 * time.Millisecond
	sourcePageSize = 2000
)

func startSource(s *Service, cfg *Config, c *counters) *sourceReader {
	ctx, cancel := context.WithCancel(s.ctx)
	r := &sourceReader{cancel: cancel}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		src := &source{svc: s, cfg: cfg, stats: c, log: s.opts.Logger.With("delivery_stream", cfg.Name),
			known: map[string]checkpoint{}, running: map[string]bool{}, finished: make(chan string)}
		src.run(ctx)
	}()
	return r
}

func (r *sourceReader) stop() {
	r.cancel()
	r.wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// source schedules the shard readers of one delivery stream.
type source struct {
	svc   *Service
	cfg   *Config
	stats *counters
	log   *slog.Logger

	known    map[string]checkpoint // checkpoints loaded, by shard id
	running  map[string]bool
	finished chan string // shard readers report drained shards here
	wg       sync.WaitGroup
}

func (src *source) run(ctx context.Context) {
	defer src.wg.Wait()
	for ctx.Err() == nil {
		name, shards, err := src.describe(ctx)
		if err != nil {
			src.log.Warn("source stream unavailable; retrying", "err", err)
			src.noteError(err)
			sleep(ctx, sourcePoll)
			continue
		}
		if err := src.schedule(ctx, name, shards); err != nil {
			src.log.Warn("read source checkpoints; retrying", "err", err)
		}
		t := time.NewTimer(sourcePoll)
		select {
		case id := <-src.finished:
			delete(src.running, id)
			src.known[id] = checkpoint{Done: true}
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

func (src *source) describe(ctx context.Context) (string, []stream.Shard, error) {
	for _, action := range []string{"kinesis:DescribeStream", "kinesis:ListShards"} {
		if err := src.authorizeSource(ctx, action); err != nil {
			return "", nil, err
		}
	}
	name, err := src.svc.opts.Streams.ResolveName("", src.cfg.Source.KinesisStreamARN)
	if err != nil {
		return "", nil, err
	}
	d, err := src.svc.opts.Streams.DescribeStream(ctx, name)
	return name, d.Shards, err
}

// schedule starts a reader for each shard that is not drained, not being
// read, and whose parents are drained. Shards come ordered by id, and a
// parent's id is below its children's, so parents are looked at first.
func (src *source) schedule(ctx context.Context, name string, shards []stream.Shard) error {
	listed := map[string]bool{}
	for _, sh := range shards {
		listed[sh.ID] = true
	}
	for _, sh := range shards {
		cp, ok := src.known[sh.ID]
		if !ok {
			idx, err := shardIndex(sh.ID)
			if err != nil {
				return err
			}
			if cp, err = src.svc.loadCheckpoint(ctx, src.cfg, idx); err != nil {
				return err
			}
			src.known[sh.ID] = cp
		}
		if cp.Done {
			src.stats.noteFinished(sh.ID)
			continue
		}
		if src.running[sh.ID] || !src.drained(sh.ParentShardID, listed) || !src.drained(sh.AdjacentParentShardID, listed) {
			continue
		}
		src.running[sh.ID] = true
		src.wg.Add(1)
		go func() {
			defer src.wg.Done()
			if src.copyShard(ctx, name, sh) {
				select {
				case src.finished <- sh.ID:
				case <-ctx.Done():
				}
			}
		}()
	}
	return nil
}

// drained reports whether parent (a shard id or "") needs no more reading.
// A parent no longer listed was closed longer ago than the retention period.
func (src *source) drained(parent string, listed map[string]bool) bool {
	return parent == "" || !listed[parent] || src.known[parent].Done
}

func shardIndex(id string) (int, error) {
	var n int
	if _, err := fmt.Sscanf(id, "shardId-%d", &n); err != nil {
		return 0, fmt.Errorf("shard id %q: %w", id, err)
	}
	return n, nil
}

// copyShard copies one shard until it is drained (true) or ctx ends.
func (src *source) copyShard(ctx context.Context, streamName string, sh stream.Shard) bool {
	for ctx.Err() == nil {
		done, err := src.copyShardOnce(ctx, streamName, sh)
		if done {
			return true
		}
		if err != nil && ctx.Err() == nil {
			src.log.Warn("copy source shard; retrying", "shard", sh.ID, "err", err)
			src.noteError(err)
			sleep(ctx, sourcePoll)
		}
	}
	return false
}

// shardCopy is one shard reader's state between pages.
type shardCopy struct {
	shardID string
	idx     int
	subject string
	cp      checkpoint
}

func (src *source) copyShardOnce(ctx context.Context, streamName string, sh stream.Shard) (bool, error) {
	idx, err := shardIndex(sh.ID)
	if err != nil {
		return false, err
	}
	sc := &shardCopy{shardID: sh.ID, idx: idx, subject: srcSubject(src.cfg.ID, idx)}
	if sc.cp, err = src.svc.loadCheckpoint(ctx, src.cfg, idx); err != nil || sc.cp.Done {
		return sc.cp.Done, err
	}
	in := stream.IteratorInput{ShardID: sh.ID, Type: stream.AtTimestamp, Timestamp: src.cfg.SourceStarted}
	if sc.cp.Seq != "" {
		in = stream.IteratorInput{ShardID: sh.ID, Type: stream.AfterSequenceNumber, StartingSequenceNumber: sc.cp.Seq}
	}
	if err := src.authorizeSource(ctx, "kinesis:GetShardIterator"); err != nil {
		return false, err
	}
	it, err := src.svc.opts.Streams.GetShardIterator(ctx, streamName, in)
	if err != nil {
		return false, fmt.Errorf("shard iterator: %w", err)
	}
	for ctx.Err() == nil {
		if err := src.authorizeSource(ctx, "kinesis:GetRecords"); err != nil {
			return false, err
		}
		out, err := src.svc.opts.Streams.GetRecords(ctx, it, sourcePageSize)
		if err != nil {
			return false, fmt.Errorf("get records: %w", err)
		}
		src.stats.clearFailure(areaSource)
		src.stats.noteLag(src.log, sh.ID, out.MillisBehindLatest)
		if len(out.Records) > 0 {
			src.checkGap(sc, out.Records[0])
			if err := src.store(ctx, sc, out.Records); err != nil {
				return false, err
			}
		}
		if out.NextShardIterator == "" {
			// The end of a closed shard: record that it is drained.
			sc.cp.Done = true
			return true, src.publish(ctx, sc, nil, 0)
		}
		it = out.NextShardIterator
		if len(out.Records) == 0 {
			sleep(ctx, sourceIdleWait)
		}
	}
	return false, ctx.Err()
}

// noteError shows a denied source read in Stats and as the delivery
// stream's failure; the reader retries.
func (src *source) noteError(err error) {
	if isDenied(err) {
		src.stats.noteFailure(err)
	}
}

// checkGap reports records retention trimmed between the checkpoint and
// first, the next record the shard still holds.
func (src *source) checkGap(sc *shardCopy, first stream.Record) {
	want, ok := sc.cp.nextExpected()
	if !ok || first.Seq.MsgSeq == want.MsgSeq && first.Seq.Index <= want.Index || first.Seq.MsgSeq < want.MsgSeq {
		return
	}
	lost := int64(first.Seq.MsgSeq - want.MsgSeq) // whole stored messages
	if want.Index > 0 {
		lost = max(lost, 1) // at least the rest of the checkpoint's message
	}
	src.stats.noteLoss(src.log, SourceLoss{ShardID: sc.shardID, RecordsAtLeast: lost,
		From: time.UnixMilli(sc.cp.Arrival).UTC(), To: time.UnixMilli(first.Arrival).UTC(), Detected: time.Now().UTC()})
}

// store copies records into delivery messages of at most MaxBatchRecords
// records and MaxBatchBytes, split only between source records, so each
// message's checkpoint is a whole source record. KPL-aggregated records
// become their user records.
func (src *source) store(ctx context.Context, sc *shardCopy, recs []stream.Record) error {
	var page [][]byte
	size, first := 0, 0
	for i := range recs {
		subs := src.userRecords(sc.shardID, recs[i])
		n := 0
		for _, d := range subs {
			n += len(d)
		}
		if len(page) > 0 && (len(page)+len(subs) > MaxBatchRecords || size+n > MaxBatchBytes) {
			if err := src.flushPage(ctx, sc, page, recs[first], recs[i-1]); err != nil {
				return err
			}
			page, size, first = nil, 0, i
		}
		page = append(page, subs...)
		size += n
	}
	return src.flushPage(ctx, sc, page, recs[first], recs[len(recs)-1])
}

// flushPage stores one page whose source records run from first to last.
// A source record that holds no user record still advances the checkpoint.
func (src *source) flushPage(ctx context.Context, sc *shardCopy, page [][]byte, first, last stream.Record) error {
	sc.cp = checkpoint{Seq: string(stream.AppendSequenceNumber(nil, last.Seq)), Arrival: last.Arrival, MsgEnd: last.LastInMessage}
	return src.publish(ctx, sc, page, first.Arrival)
}

// publish stores records with the shard's checkpoint, then mirrors the
// checkpoint into the progress bucket (see checkpoint.go).
func (src *source) publish(ctx context.Context, sc *shardCopy, records [][]byte, arrival int64) error {
	msg := nats.NewMsg(sc.subject)
	msg.Data = encodeRecords(arrival, records)
	sc.cp.setHeaders(msg.Header)
	if _, err := src.svc.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(jsName(src.cfg.ID))); err != nil {
		return fmt.Errorf("store source records: %w", err)
	}
	if sc.cp.Done {
		src.stats.noteFinished(sc.shardID)
	}
	return src.svc.saveCheckpoint(ctx, src.cfg, sc.idx, sc.cp)
}
