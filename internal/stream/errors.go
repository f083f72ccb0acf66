package stream

import "github.com/shoal-dev/shoal/internal/awserr"

func (s *Service) streamNotFound(name string) *awserr.Error {
	return awserr.New(awserr.NotFound, "Stream %s under account %s not found.", name, s.opts.AccountID)
}
