package server

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// roleAuthorizer is what services acting as IAM roles (delivery streams,
// crawlers, Spectrum schemas) need from the IAM service.
type roleAuthorizer interface {
	AuthorizeRole(ctx context.Context, roleARN, servicePrincipal string, req awsapi.AuthzRequest) error
}

// serviceRoles is the IAM service when service roles are enforced, else a
// nil interface (the services then allow everything).
func (s *Server) serviceRoles() roleAuthorizer {
	if !s.cfg.EnforceServiceRoles || s.iam == nil {
		return nil
	}
	return s.iam
}
