package watch

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shoal-dev/shoal/internal/lake"
	"github.com/shoal-dev/shoal/internal/lake/file"
	"github.com/shoal-dev/shoal/internal/lake/laketest"
)

func open(t *testing.T) *Store {
	t.Helper()
	fs, err := file.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return New(fs)
}

// The decorator must stay a conforming lake.
func TestConformance(t *testing.T) {
	laketest.Run(t, func(t *testing.T) lake.Store { return open(t) })
}

func TestVersionCountsSuccessfulChanges(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	steps := []struct {
		name string
		do   func() error
		want uint64
	}{
		{"create bucket", func() error { return s.CreateBucket(ctx, "bkt") }, 1},
		{"put", func() error {
			_, err := s.PutObject(ctx, "bkt", "k", strings.NewReader("x"), lake.PutOptions{})
			return err
		}, 2},
		{"copy", func() error { _, err := s.CopyObject(ctx, "bkt", "k", "bkt", "k2", nil); return err }, 3},
		{"read", func() error { _, err := s.HeadObject(ctx, "bkt", "k"); return err }, 3},
		{"delete", func() error { return s.DeleteObject(ctx, "bkt", "k") }, 4},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if v := s.Version(); v != st.want {
			t.Fatalf("after %s version %d, want %d", st.name, v, st.want)
		}
	}
	if _, err := s.PutObject(ctx, "missing", "k", strings.NewReader("x"), lake.PutOptions{}); !errors.Is(err, lake.ErrNoSuchBucket) {
		t.Fatalf("put into missing bucket: %v", err)
	}
	if v := s.Version(); v != 4 {
		t.Fatalf("a failed put changed the version to %d", v)
	}
}

func TestWaitWakesOnChange(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	got := make(chan uint64, 1)
	go func() {
		v, err := s.Wait(ctx, 0)
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	if err := s.CreateBucket(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		if v != 1 {
			t.Fatalf("woke with version %d", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not wake after a change")
	}
	// Already past: answers at once.
	if v, err := s.Wait(ctx, 0); err != nil || v != 1 {
		t.Fatalf("wait for a past version: %d %v", v, err)
	}
}

func TestWaitTimesOut(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	v, err := s.Wait(ctx, 0)
	if !errors.Is(err, context.DeadlineExceeded) || v != 0 {
		t.Fatalf("got %d %v", v, err)
	}
}
