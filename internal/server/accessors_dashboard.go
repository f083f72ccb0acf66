package server

import (
	"github.com/shoal-dev/shoal/internal/dashboard"
	"github.com/shoal-dev/shoal/internal/meta"
	"github.com/shoal-dev/shoal/internal/query"
)

// QueryService is the query component, for the console's dashboards.
func (s *Server) QueryService() *query.Service { return s.query }

// MetaStore is the metadata store, for components added alongside the
// server (the console's dashboards keep their definitions in it).
func (s *Server) MetaStore() *meta.Store { return s.meta }

// Dashboards is the console's dashboard service, or nil when the console
// is off (`shoal demo` installs its dashboard through it).
func (s *Server) Dashboards() *dashboard.Service { return s.dashboards }
