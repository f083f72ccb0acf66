package crawler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// maxSchedulerSleep bounds how long the scheduler sleeps, so clock jumps
// and missed wake-ups heal quickly.
const maxSchedulerSleep = time.Minute

// UpdateSchedule replaces a crawler's schedule (UpdateCrawlerSchedule); ""
// removes it.
func (s *Service) UpdateSchedule(ctx context.Context, name, expr string) error {
	if expr != "" {
		if _, err := ParseSchedule(expr); err != nil {
			return invalidInput("Invalid schedule expression: %v", err)
		}
	}
	return s.changeSchedule(ctx, name, func(r *record) error {
		old := r.Definition.Schedule
		r.Definition.Schedule = expr
		r.setSchedule(old)
		r.Version++
		return nil
	})
}

// StartSchedule turns a crawler's schedule on (StartCrawlerSchedule).
func (s *Service) StartSchedule(ctx context.Context, name string) error {
	return s.changeSchedule(ctx, name, func(r *record) error {
		switch r.ScheduleState {
		case "":
			return newError(ErrNoSchedule, "Crawler with name %s does not have a schedule.", name)
		case ScheduleScheduled:
			return newError(ErrSchedulerRunning, "Schedule for crawler %s is already running.", name)
		}
		r.ScheduleState = ScheduleScheduled
		return nil
	})
}

// StopSchedule turns a crawler's schedule off (StopCrawlerSchedule); a
// crawl in progress goes on.
func (s *Service) StopSchedule(ctx context.Context, name string) error {
	return s.changeSchedule(ctx, name, func(r *record) error {
		switch r.ScheduleState {
		case "":
			return newError(ErrNoSchedule, "Crawler with name %s does not have a schedule.", name)
		case ScheduleNotScheduled:
			return newError(ErrSchedulerNotRunning, "Schedule for crawler %s is not running.", name)
		}
		r.ScheduleState = ScheduleNotScheduled
		return nil
	})
}

// changeSchedule applies fn to a stored crawler, running or not.
func (s *Service) changeSchedule(ctx context.Context, name string, fn func(*record) error) error {
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		r, err := loadRecord(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		r.LastUpdated = s.now().UnixMilli()
		return saveSpec(ctx, tx, r)
	})
	if err != nil {
		return fmt.Errorf("crawler %s schedule: %w", name, err)
	}
	s.poke()
	return nil
}

// schedule starts crawls when their schedules fire, until Close.
func (s *Service) schedule() {
	defer s.wg.Done()
	ctx := s.base
	last := s.now()
	for {
		wait := maxSchedulerSleep
		if next, err := s.nextFire(ctx, last); err != nil {
			s.logger.Error("crawler scheduler: read schedules", "err", err)
		} else if !next.IsZero() {
			wait = min(max(next.Sub(s.now()), 0), maxSchedulerSleep)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.wake:
			timer.Stop()
		case <-timer.C:
			now := s.now()
			s.fireDue(ctx, last, now)
			last = now
		}
	}
}

// scheduled is a crawler whose schedule is on.
type scheduled struct {
	name  string
	cron  *Cron
	since time.Time // fire times at or before this do not count
}

func (s *Service) scheduledCrawlers(ctx context.Context, from time.Time) ([]scheduled, error) {
	var out []scheduled
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		recs, err := listRecords(ctx, tx, "", 1<<30)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.ScheduleState != ScheduleScheduled || r.Definition.Schedule == "" {
				continue
			}
			c, err := ParseSchedule(r.Definition.Schedule)
			if err != nil {
				continue // validated when stored; never fires if not
			}
			since := from
			if changed := time.UnixMilli(r.LastUpdated); changed.After(since) {
				since = changed
			}
			out = append(out, scheduled{name: r.Definition.Name, cron: c, since: since})
		}
		return nil
	})
	return out, err
}

// nextFire is the earliest fire time after last, zero when none.
func (s *Service) nextFire(ctx context.Context, last time.Time) (time.Time, error) {
	crawlers, err := s.scheduledCrawlers(ctx, last)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for _, c := range crawlers {
		if n := c.cron.Next(c.since); !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next, nil
}

// fireDue starts the crawlers whose schedules fired in (from, to].
func (s *Service) fireDue(ctx context.Context, from, to time.Time) {
	crawlers, err := s.scheduledCrawlers(ctx, from)
	if err != nil {
		s.logger.Error("crawler scheduler: read schedules", "err", err)
		return
	}
	for _, c := range crawlers {
		n := c.cron.Next(c.since)
		if n.IsZero() || n.After(to) {
			continue
		}
		err := s.StartCrawl(ctx, c.name)
		switch {
		case errors.Is(err, ErrRunning):
			s.logger.Info("crawler scheduler: crawler still running; skipping this run", "crawler", c.name, "schedule", c.cron)
		case err != nil:
			s.logger.Error("crawler scheduler: start crawl", "crawler", c.name, "err", err)
		default:
			s.logger.Info("crawler scheduler: started scheduled crawl", "crawler", c.name, "schedule", c.cron)
		}
	}
}
