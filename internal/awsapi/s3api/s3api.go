// Package s3api serves the S3 REST API over a lake.Store.
package s3api

import (
	"log/slog"
	"net/http"

	"github.com/shoal-dev/shoal/internal/lake"
)

// Options configures the handler.
type Options struct {
	Region string
	Logger *slog.Logger
}

// New returns the S3 REST handler. STUB.
func New(store lake.Store, o Options) http.Handler {
	return http.NotFoundHandler()
}
