package delivery

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/shoal-dev/shoal/internal/stream"
)

// A Kinesis source copies each shard of the data stream into the delivery
// stream's JetStream stream, one message per page, each stamped with the last
// source sequence number it holds. The last stamped message of a shard is the
// durable checkpoint: it is written in the same JetStream write as the
// records, so a crash neither skips nor repeats a record.
const srcSeqHeader = "Shoal-Source-Seq"

type sourceReader struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func srcSubject(id string, shard int) string { return "shoal.fh." + id + ".src." + strconv.Itoa(shard) }

func startSource(s *Service, cfg *Config) *sourceReader {
	ctx, cancel := context.WithCancel(s.ctx)
	r := &sourceReader{cancel: cancel}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		log := s.opts.Logger.With("delivery_stream", cfg.Name)
		for ctx.Err() == nil {
			name, err := s.opts.Streams.ResolveName("", cfg.Source.KinesisStreamARN)
			var d stream.Description
			if err == nil {
				d, err = s.opts.Streams.DescribeStream(ctx, name)
			}
			if err != nil {
				log.Warn("source stream unavailable; retrying", "err", err)
				sleep(ctx, time.Second)
				continue
			}
			var shards sync.WaitGroup
			for i, sh := range d.Shards {
				shards.Add(1)
				go func() {
					defer shards.Done()
					s.copyShard(ctx, cfg, name, i, sh.ID, log)
				}()
			}
			shards.Wait()
		}
	}()
	return r
}

func (r *sourceReader) stop() {
	r.cancel()
	r.wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// copyShard copies one shard until ctx ends, resuming after its checkpoint.
func (s *Service) copyShard(ctx context.Context, cfg *Config, streamName string, idx int, shardID string, log interface {
	Warn(string, ...any)
}) {
	subject := srcSubject(cfg.ID, idx)
	for ctx.Err() == nil {
		if err := s.copyShardOnce(ctx, cfg, streamName, idx, shardID, subject); err != nil && ctx.Err() == nil {
			log.Warn("copy source shard; retrying", "shard", shardID, "err", err)
			sleep(ctx, time.Second)
		}
	}
}

func (s *Service) copyShardOnce(ctx context.Context, cfg *Config, streamName string, idx int, shardID, subject string) error {
	in := stream.IteratorInput{ShardID: shardID, Type: stream.AtTimestamp, Timestamp: cfg.SourceStarted}
	st, err := s.js.Stream(ctx, jsName(cfg.ID))
	if err != nil {
		return fmt.Errorf("delivery storage: %w", err)
	}
	if last, err := st.GetLastMsgForSubject(ctx, subject); err == nil {
		in = stream.IteratorInput{ShardID: shardID, Type: stream.AfterSequenceNumber, StartingSequenceNumber: last.Header.Get(srcSeqHeader)}
	} else if !isNotFound(err) {
		return fmt.Errorf("read checkpoint: %w", err)
	}
	it, err := s.opts.Streams.GetShardIterator(ctx, streamName, in)
	if err != nil {
		return fmt.Errorf("shard iterator: %w", err)
	}
	for ctx.Err() == nil {
		out, err := s.opts.Streams.GetRecords(ctx, it, 2000)
		if err != nil {
			return fmt.Errorf("get records: %w", err)
		}
		it = out.NextShardIterator
		if len(out.Records) == 0 {
			sleep(ctx, 200*time.Millisecond)
			continue
		}
		for start := 0; start < len(out.Records); {
			end, size := start, 0
			for end < len(out.Records) && end-start < MaxBatchRecords && size+len(out.Records[end].Data) <= MaxBatchBytes {
				size += len(out.Records[end].Data)
				end++
			}
			if end == start {
				end++
			}
			page := out.Records[start:end]
			recs := make([][]byte, len(page))
			for i := range page {
				recs[i] = page[i].Data
			}
			msg := nats.NewMsg(subject)
			msg.Data = encodeRecords(page[0].Arrival, recs)
			msg.Header.Set(srcSeqHeader, string(stream.AppendSequenceNumber(nil, page[len(page)-1].Seq)))
			if _, err := s.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(jsName(cfg.ID))); err != nil {
				return fmt.Errorf("store source records: %w", err)
			}
			start = end
		}
	}
	return nil
}
