package server

import (
	"github.com/shoal-dev/shoal/internal/delivery"
	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/stream"
)

// StreamService is the data-stream service, for tests and tools that build
// on the running server (the console's metrics tests).
func (s *Server) StreamService() *stream.Service { return s.streams }

// DeliveryService is the delivery-stream service.
func (s *Server) DeliveryService() *delivery.Service { return s.delivery }

// LakeStore is the lake every component writes through.
func (s *Server) LakeStore() lake.Store { return s.lake }
