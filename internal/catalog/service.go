// Package catalog is the Glue Data Catalog service: databases, tables with
// their versions, and partitions, kept in the server's metadata store. The
// Glue API (internal/awsapi/glueapi), Firehose's schema conversion and
// Athena's DDL and query planning all use this one service.
package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Service is the catalog.
type Service struct {
	store  *meta.Store
	logger *slog.Logger
	now    func() time.Time
}

// Options configures a Service.
type Options struct {
	Logger *slog.Logger
	// Now is the clock (tests pin it); time.Now by default.
	Now func() time.Time
}

// New returns the catalog over store. The store's migrations create the
// catalog's tables, so there is nothing to open.
func New(store *meta.Store, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{store: store, logger: opts.Logger, now: opts.Now}
}

// Close releases nothing today; it exists so the server closes every
// component the same way and the catalog can add background work (crawlers).
func (s *Service) Close(ctx context.Context) error { return nil }

func (s *Service) nowMillis() int64 { return s.now().UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func marshalSpec(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode definition: %w", err)
	}
	return string(b), nil
}

func unmarshalSpec(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode stored definition: %w", err)
	}
	return nil
}
