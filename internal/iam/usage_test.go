package iam

import (
	"context"
	"testing"
	"time"
)

// TestKeyUsePersistedWithoutClose checks that access key use reaches the
// store periodically, not only on Close: a second service reading the
// same store (as after kill -9 and restart) sees it.
func TestKeyUsePersistedWithoutClose(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := openStore(t, dir)
	open := func() *Service {
		return openService(t, store, dir, func(o *Options) { o.UsageFlush = 10 * time.Millisecond })
	}
	svc := open()
	if _, err := svc.CreateUser(ctx, CreateUserInput{Name: "u"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, "u")
	if err != nil {
		t.Fatal(err)
	}
	svc.RecordKeyUse(key.AccessKeyID, "kinesis", "eu-west-1")

	other := open()
	deadline := time.Now().Add(10 * time.Second)
	for {
		used, err := other.GetAccessKeyLastUsed(ctx, key.AccessKeyID)
		if err != nil {
			t.Fatal(err)
		}
		if used.Service == "kinesis" && used.Region == "eu-west-1" && !used.Time.IsZero() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("key use not persisted: %+v", used)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
