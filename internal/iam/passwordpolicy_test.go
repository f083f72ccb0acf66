package iam

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPasswordExpiry checks MaxPasswordAge: an expired password no longer
// signs in (and reads as a bad password to callers that do not know
// expiry), and a new one set by an administrator does.
func TestPasswordExpiry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := openService(t, openStore(t, dir), dir, func(o *Options) { o.Now = func() time.Time { return now } })
	if _, err := svc.CreateUser(ctx, CreateUserInput{Name: "u"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateLoginProfile(ctx, "u", "Password-one-1", false); err != nil {
		t.Fatal(err)
	}
	age := 30
	if err := svc.UpdatePasswordPolicy(ctx, UpdatePasswordPolicyInput{MaxPasswordAge: &age}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CheckPassword(ctx, "u", "Password-one-1"); err != nil {
		t.Fatalf("fresh password: %v", err)
	}
	now = now.Add(31 * 24 * time.Hour)
	if _, err := svc.CheckPassword(ctx, "u", "Password-one-1"); !errors.Is(err, ErrPasswordExpired) || !errors.Is(err, ErrBadPassword) {
		t.Fatalf("expired password: %v", err)
	}
	pw := "Password-two-2"
	if err := svc.UpdateLoginProfile(ctx, "u", &pw, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CheckPassword(ctx, "u", pw); err != nil {
		t.Fatalf("password reset by an administrator: %v", err)
	}
}
