// Package file is the lake on a local directory tree.
package file

import (
	"context"

	"github.com/shoal-dev/shoal/internal/lake"
)

// Store keeps buckets and objects under a directory. STUB.
type Store struct{ lake.Store }

// Open opens (creating if needed) the lake rooted at dir.
func Open(dir string) (*Store, error) { return &Store{}, nil }

// Close releases nothing yet. STUB.
func (s *Store) Close(ctx context.Context) error { return nil }
