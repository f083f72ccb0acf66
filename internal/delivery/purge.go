package delivery

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// purgeDelivered drops the stored messages up to done, except the last one
// of each source shard's subject: its headers are that shard's checkpoint.
func (w *worker) purgeDelivered(ctx context.Context, done uint64) error {
	st, err := w.svc.js.Stream(ctx, jsName(w.cfg.ID))
	if err != nil {
		return err
	}
	put := putSubject(w.cfg.ID)
	if err := st.Purge(ctx, jetstream.WithPurgeSubject(put), jetstream.WithPurgeSequence(done+1)); err != nil {
		return fmt.Errorf("%s: %w", put, err)
	}
	if w.cfg.Type != KinesisStreamAsSource {
		return nil
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(srcSubjects(w.cfg.ID)))
	if err != nil {
		return err
	}
	for subject := range info.State.Subjects {
		last, err := st.GetLastMsgForSubject(ctx, subject)
		if err != nil {
			return fmt.Errorf("%s: %w", subject, err)
		}
		if keep := min(done+1, last.Sequence); keep > 1 {
			if err := st.Purge(ctx, jetstream.WithPurgeSubject(subject), jetstream.WithPurgeSequence(keep)); err != nil {
				return fmt.Errorf("%s: %w", subject, err)
			}
		}
	}
	return nil
}
