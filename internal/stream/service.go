// Package stream is the data-stream service (the Kinesis Data Streams role),
// stored in JetStream.
package stream

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"
)

// Options configures the service.
type Options struct {
	AccountID string
	Region    string
	Logger    *slog.Logger
}

// Service manages data streams. STUB: replaced by the stream implementation.
type Service struct{}

// Open loads stream metadata from JetStream and starts background work.
func Open(ctx context.Context, js jetstream.JetStream, o Options) (*Service, error) {
	return &Service{}, nil
}

// Close stops background work.
func (s *Service) Close(ctx context.Context) error { return nil }
