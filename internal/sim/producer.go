package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
)

// tick is how often due records go out: often enough to pace low rates
// smoothly, rarely enough that high rates fill whole batches.
const tick = 100 * time.Millisecond

// Summary counts what a producer did.
type Summary struct {
	Sent    int           // records the service accepted
	Failed  int           // records given up after MaxAttempts, or unsent at stop
	Retried int           // per-record or per-call failures that were put again
	Calls   int           // put calls made
	Elapsed time.Duration // since Run started
}

// Rate is accepted records per second.
func (s Summary) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Sent) / s.Elapsed.Seconds()
}

func (s Summary) String() string {
	return fmt.Sprintf("sent %d records in %s (%.1f records/s), %d failed, %d retried, %d calls",
		s.Sent, s.Elapsed.Round(10*time.Millisecond), s.Rate(), s.Failed, s.Retried, s.Calls)
}

// Producer puts generated stock checks at a steady rate.
type Producer struct {
	o    Options
	sink sink
	gen  *Generator

	mu      sync.Mutex
	summary Summary
	started time.Time
}

// New checks o and connects the SDK client; nothing is sent until Run.
func New(ctx context.Context, o Options) (*Producer, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	cfg, err := AWSConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	p := &Producer{o: o, gen: NewGenerator(o.Stores, o.Products, o.Seed, o.Now)}
	if o.DeliveryStream != "" {
		p.sink = &firehoseSink{client: firehose.NewFromConfig(cfg), name: o.DeliveryStream}
	} else {
		p.sink = &kinesisSink{client: kinesis.NewFromConfig(cfg), name: o.Stream}
	}
	return p, nil
}

// Summary is a snapshot of the counts so far; safe while Run runs.
func (p *Producer) Summary() Summary {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.summary
	if s.Elapsed == 0 && !p.started.IsZero() {
		s.Elapsed = time.Since(p.started) // still running
	}
	return s
}

func (p *Producer) add(f func(*Summary)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.summary)
}

// Run produces until Count records are settled, Duration passes or ctx ends
// (all normal stops, returning a nil error), or the service refuses the
// target outright (a missing stream, bad credentials).
func (p *Producer) Run(ctx context.Context) (Summary, error) {
	start := time.Now()
	p.add(func(*Summary) { p.started = start })
	if p.o.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.o.Duration)
		defer cancel()
	}
	// Puts are not cut off when ctx ends (each call has its own timeout), so
	// a stop never leaves a call's outcome, and the summary, unknown.
	putCtx := context.WithoutCancel(ctx)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()

	paced := start // the schedule's origin; moves forward when we fall behind
	generated := 0
	behind := false // warned about falling behind
	var retry []*entry
	err := func() error {
		for {
			due := int(p.o.Rate*time.Since(paced).Seconds()) - generated
			if backlog := max(int(p.o.Rate), MaxBatch); due > backlog {
				// The service is slower than the rate: keep at most a second's
				// worth queued instead of a growing backlog.
				if !behind {
					p.o.Logger.Warn("the service is slower than the rate; records beyond a second's backlog are skipped", "rate", p.o.Rate)
					behind = true
				}
				paced = paced.Add(time.Duration(float64(due-backlog) / p.o.Rate * float64(time.Second)))
				due = backlog
			}
			if p.o.Count > 0 {
				due = min(due, p.o.Count-generated)
			}
			queue := retry
			for range due {
				e, err := p.entry()
				if err != nil {
					return err
				}
				queue = append(queue, e)
				generated++
			}
			var err error
			if retry, err = p.send(putCtx, queue); err != nil {
				return err
			}
			if p.o.Count > 0 && generated == p.o.Count && len(retry) == 0 {
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-ticker.C:
			}
		}
	}()
	p.add(func(s *Summary) {
		s.Failed += len(retry)
		s.Elapsed = time.Since(start)
	})
	return p.Summary(), err
}

func (p *Producer) entry() (*entry, error) {
	rec := p.gen.Next()
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	if p.o.Newline {
		data = append(data, '\n')
	}
	return &entry{data: data, key: rec.StoreID}, nil
}

// send puts queue in batches and returns the entries to try again.
func (p *Producer) send(ctx context.Context, queue []*entry) (retry []*entry, err error) {
	for len(queue) > 0 {
		batch := queue[:min(len(queue), MaxBatch)]
		queue = queue[len(batch):]
		callCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		codes, err := p.sink.put(callCtx, batch)
		cancel()
		p.add(func(s *Summary) { s.Calls++ })
		if err != nil && permanent(err) {
			p.add(func(s *Summary) { s.Failed += len(batch) + len(queue) + len(retry) })
			return nil, err
		}
		sent, again := 0, 0
		for i, e := range batch {
			if err == nil && codes[i] == "" {
				sent++
				continue
			}
			e.attempts++
			if e.attempts >= p.o.MaxAttempts {
				p.o.Logger.Warn("giving up on a record", "attempts", e.attempts, "code", code(err, codes, i))
				p.add(func(s *Summary) { s.Failed++ })
				continue
			}
			retry = append(retry, e)
			again++
		}
		failed := len(batch) - sent
		if failed > 0 {
			p.o.Logger.Info("records not accepted, retrying", "failed", failed, "of", len(batch), "err", err)
		}
		p.add(func(s *Summary) {
			s.Sent += sent
			s.Retried += again
		})
	}
	return retry, nil
}

func code(err error, codes []string, i int) string {
	if err != nil {
		return err.Error()
	}
	return codes[i]
}

// permanent tells call errors that retrying cannot fix from throttling,
// overload and network trouble.
func permanent(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ResourceNotFoundException", "InvalidArgumentException", "ValidationException",
		"AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
		"IncompleteSignature", "MissingAuthenticationToken", "SignatureDoesNotMatch":
		return true
	}
	return false
}
