// Package watch decorates a lake.Store with a change counter: every
// successful write or delete (buckets and objects) raises the version by
// one, and callers can wait for the version to pass one they saw. Live
// dashboards long-poll it to refresh when new data lands.
//
// The counter is in memory and starts at 0 with each process; callers that
// hold a version from an earlier process see the counter go backwards and
// should treat that as a change.
package watch

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"github.com/shoal-dev/shoal/internal/lake"
)

// Store is a lake.Store that counts its changes.
type Store struct {
	lake.Store
	version atomic.Uint64

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change
}

var _ lake.Store = (*Store)(nil)

// New wraps inner.
func New(inner lake.Store) *Store {
	return &Store{Store: inner, changed: make(chan struct{})}
}

// Version is the number of changes since the process started.
func (s *Store) Version() uint64 { return s.version.Load() }

// Wait returns as soon as the version exceeds since, or when ctx ends; it
// returns the version it saw and, on timeout, ctx's error.
func (s *Store) Wait(ctx context.Context, since uint64) (uint64, error) {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		// Read after taking the channel: a change after this read closes ch.
		if v := s.version.Load(); v > since {
			return v, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return s.version.Load(), ctx.Err()
		}
	}
}

// note counts a change when err is nil and passes err through.
func (s *Store) note(err error) error {
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.version.Add(1)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return nil
}

func (s *Store) CreateBucket(ctx context.Context, bucket string) error {
	return s.note(s.Store.CreateBucket(ctx, bucket))
}

func (s *Store) DeleteBucket(ctx context.Context, bucket string) error {
	return s.note(s.Store.DeleteBucket(ctx, bucket))
}

func (s *Store) PutObject(ctx context.Context, bucket, key string, r io.Reader, opts lake.PutOptions) (lake.ObjectInfo, error) {
	info, err := s.Store.PutObject(ctx, bucket, key, r, opts)
	return info, s.note(err)
}

func (s *Store) DeleteObject(ctx context.Context, bucket, key string) error {
	return s.note(s.Store.DeleteObject(ctx, bucket, key))
}

func (s *Store) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, opts *lake.PutOptions) (lake.ObjectInfo, error) {
	info, err := s.Store.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, opts)
	return info, s.note(err)
}

func (s *Store) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []lake.CompletedPart) (lake.ObjectInfo, error) {
	info, err := s.Store.CompleteMultipartUpload(ctx, bucket, key, uploadID, parts)
	return info, s.note(err)
}
