package iam

import (
	"context"
	"time"
)

// defaultUsageFlush is how often access keys' last use is written to the
// store: each key is written at most once per interval, off the request
// path, so a crash loses at most that much of GetAccessKeyLastUsed.
const defaultUsageFlush = time.Minute

// flushUsageLoop writes pending last-use records every interval until
// stop is closed.
func (s *Service) flushUsageLoop(interval time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := s.flushUsage(context.Background()); err != nil {
				s.opts.Logger.Warn("iam: write access key last use", "err", err)
			}
		}
	}
}
