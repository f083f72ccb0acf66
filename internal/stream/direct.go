package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// directMux routes batched direct-get replies to their requests through one
// long-lived wildcard subscription. A subscription per request would cost a
// SUB/UNSUB round and, for a synchronous one, a 64k-slot channel each time.
type directMux struct {
	nc     *nats.Conn
	prefix string // "_INBOX.<unique>."
	sub    *nats.Subscription

	mu      sync.Mutex
	next    uint64
	waiters map[uint64]chan *nats.Msg
}

func newDirectMux(nc *nats.Conn) (*directMux, error) {
	m := &directMux{nc: nc, prefix: nc.NewInbox() + ".", waiters: map[uint64]chan *nats.Msg{}}
	sub, err := nc.Subscribe(m.prefix+"*", m.dispatch)
	if err != nil {
		return nil, fmt.Errorf("direct get subscription: %w", err)
	}
	// Replies are bounded by the batches in flight; never drop them.
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return nil, fmt.Errorf("direct get subscription: %w", err)
	}
	m.sub = sub
	return m, nil
}

func (m *directMux) dispatch(msg *nats.Msg) {
	id, err := strconv.ParseUint(msg.Subject[len(m.prefix):], 10, 64)
	if err != nil {
		return
	}
	m.mu.Lock()
	ch := m.waiters[id]
	m.mu.Unlock()
	if ch == nil {
		return // the request gave up (timeout); drop late replies
	}
	select {
	case ch <- msg:
	default:
		// The channel holds a whole batch plus its end marker, so it only
		// fills if the server sends more than asked; dropping then makes the
		// request time out rather than block every other reader.
	}
}

func (m *directMux) close() {
	if m != nil && m.sub != nil {
		_ = m.sub.Unsubscribe()
	}
}

// directBatch sends one batched direct get and calls fn for each message in
// order. It returns the number of messages and the server's count of
// messages still pending after them (0 when the shard is exhausted).
func (s *Service) directBatch(ctx context.Context, jsName string, req []byte, batch int, fn func(seq uint64, data []byte) error) (n int, pending uint64, err error) {
	m := s.mux
	ch := make(chan *nats.Msg, batch+2)
	m.mu.Lock()
	m.next++
	id := m.next
	m.waiters[id] = ch
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.waiters, id)
		m.mu.Unlock()
	}()
	reply := m.prefix + strconv.FormatUint(id, 10)
	if err := s.nc.PublishRequest("$JS.API.DIRECT.GET."+jsName, reply, req); err != nil {
		return 0, 0, fmt.Errorf("direct get: %w", err)
	}
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	var fnErr error
	for {
		var msg *nats.Msg
		select {
		case msg = <-ch:
		case <-ctx.Done():
			return n, 0, fmt.Errorf("direct get from %s: %w", jsName, ctx.Err())
		case <-timer.C:
			return n, 0, fmt.Errorf("direct get from %s: no reply within 30s", jsName)
		}
		if len(msg.Data) == 0 {
			if status := msg.Header.Get("Status"); status != "" {
				switch status {
				case "404": // nothing at or after the sequence
					return n, 0, fnErr
				case "204": // end of batch
					pending, _ = strconv.ParseUint(msg.Header.Get("Nats-Num-Pending"), 10, 64)
					return n, pending, fnErr
				default:
					return n, 0, fmt.Errorf("direct get from %s: status %s %s", jsName, status, msg.Header.Get("Description"))
				}
			}
		}
		seq, err := strconv.ParseUint(msg.Header.Get("Nats-Sequence"), 10, 64)
		if err != nil {
			return n, 0, errors.New("direct get: reply without Nats-Sequence")
		}
		n++
		if fnErr == nil {
			fnErr = fn(seq, msg.Data)
		}
	}
}
