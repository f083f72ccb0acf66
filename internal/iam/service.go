// Package iam keeps Shoal's identities: IAM users and their access keys,
// roles, groups, inline and managed policies, permissions boundaries,
// console login profiles under the account password policy, and STS
// temporary credentials (AssumeRole with session policies, session tags
// and source identity; GetSessionToken). It is also the CredentialSource the SigV4 verifier
// resolves access keys with, and the awsapi.Authorizer: it gathers a
// caller's policies (authorize.go) and evaluates them with
// internal/iam/policy.
package iam

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Options configure a Service.
type Options struct {
	Store *meta.Store
	// KeyFile holds the key that encrypts secret access keys at rest; it is
	// created (mode 0600) on first start.
	KeyFile   string
	AccountID string
	// Root is the account's root key pair; it is not stored in the database.
	RootAccessKeyID     string
	RootSecretAccessKey string
	Logger              *slog.Logger
	// Now is the clock; tests may replace it.
	Now func() time.Time
	// UsageFlush is how often access key use is persisted (default one
	// minute); tests may shorten it.
	UsageFlush time.Duration
}

// Service is the IAM and STS state.
type Service struct {
	opts  Options
	store *meta.Store
	aead  cipher.AEAD
	creds *credentialCache
	usage *keyUsage
	// principals caches each caller's parsed policies for Authorize;
	// contexts recycles its per-request condition maps.
	principals *principalCache
	contexts   *sync.Pool
	// sessions caches what role sessions carry beyond their role.
	sessions *sessionCache
	// root is built once: it is resolved on most requests.
	root awsapi.Credential
	// stopFlush ends the key-usage writer; flushDone closes when it has.
	stopFlush chan struct{}
	flushDone chan struct{}
	closeOnce sync.Once
}

// Open loads (or creates) the encryption key and returns the service.
func Open(ctx context.Context, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	aead, err := loadOrCreateKey(opts.KeyFile)
	if err != nil {
		return nil, err
	}
	s := &Service{opts: opts, store: opts.Store, aead: aead, creds: newCredentialCache(), usage: newKeyUsage(),
		principals: newPrincipalCache(), contexts: newContextPool(), sessions: newSessionCache()}
	s.root = awsapi.Credential{SecretAccessKey: opts.RootSecretAccessKey, Identity: s.RootIdentity()}
	if opts.UsageFlush <= 0 {
		opts.UsageFlush = defaultUsageFlush
	}
	s.stopFlush, s.flushDone = make(chan struct{}), make(chan struct{})
	go s.flushUsageLoop(opts.UsageFlush, s.stopFlush, s.flushDone)
	return s, nil
}

// Close stops the periodic writer and writes the access keys' remaining
// last-use records.
func (s *Service) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.stopFlush) })
	select {
	case <-s.flushDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.flushUsage(ctx)
}

// AccountID is the account every ARN names.
func (s *Service) AccountID() string { return s.opts.AccountID }

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

func (s *Service) arn(resource string) string {
	return "arn:aws:iam::" + s.opts.AccountID + ":" + resource
}

func (s *Service) rootARN() string { return s.arn("root") }

// update and view run fn in a metadata-store transaction. Every update
// invalidates the authorization cache: it may have changed a policy, a
// membership, a tag or an entity.
func (s *Service) update(ctx context.Context, fn func(tx *meta.Tx) error) error {
	defer s.principals.changed()
	return s.store.Update(ctx, fn)
}

func (s *Service) view(ctx context.Context, fn func(tx *meta.Tx) error) error {
	return s.store.View(ctx, fn)
}

// Errors in IAM's shape. Messages are IAM's.

func noSuchEntity(format string, args ...any) error {
	return awsapi.Errorf(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func isNoSuchEntity(err error) bool {
	var ae *awsapi.Error
	return errors.As(err, &ae) && ae.Code == "NoSuchEntity"
}

func alreadyExists(format string, args ...any) error {
	return awsapi.Errorf(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func deleteConflict(format string, args ...any) error {
	return awsapi.Errorf(http.StatusConflict, "DeleteConflict", format, args...)
}

func limitExceeded(format string, args ...any) error {
	return awsapi.Errorf(http.StatusConflict, "LimitExceeded", format, args...)
}

func invalidInput(format string, args ...any) error {
	return awsapi.Errorf(http.StatusBadRequest, "InvalidInput", format, args...)
}

func validationError(format string, args ...any) error {
	return awsapi.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

func malformedPolicy(format string, args ...any) error {
	return awsapi.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", format, args...)
}

// dbErr wraps a metadata-store failure; AWS errors pass through unchanged.
func dbErr(what string, err error) error {
	var ae *awsapi.Error
	if err == nil || errors.As(err, &ae) {
		return err
	}
	return fmt.Errorf("iam: %s: %w", what, err)
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// SummaryEntry is one GetAccountSummary figure.
type SummaryEntry struct {
	Key   string
	Value int
}

// AccountSummary counts the account's entities and states its quotas.
func (s *Service) AccountSummary(ctx context.Context) ([]SummaryEntry, error) {
	counts := []struct{ key, q string }{
		{"Users", `SELECT COUNT(*) FROM iam_users`},
		{"Groups", `SELECT COUNT(*) FROM iam_groups`},
		{"Roles", `SELECT COUNT(*) FROM iam_roles`},
		{"Policies", `SELECT COUNT(*) FROM iam_policies`},
		{"PolicyVersionsInUse", `SELECT COUNT(*) FROM iam_attachments`},
	}
	var out []SummaryEntry
	err := s.view(ctx, func(tx *meta.Tx) error {
		for _, c := range counts {
			var n int
			if err := tx.QueryRow(ctx, c.q).Scan(&n); err != nil {
				return err
			}
			out = append(out, SummaryEntry{c.key, n})
		}
		return nil
	})
	if err != nil {
		return nil, dbErr("account summary", err)
	}
	quotas := []SummaryEntry{{"UsersQuota", 5000}, {"GroupsQuota", 300}, {"RolesQuota", 1000}, {"PoliciesQuota", 1500},
		{"AccessKeysPerUserQuota", maxKeysPerUser}, {"GroupsPerUserQuota", maxGroupsPerUser},
		{"AttachedPoliciesPerUserQuota", maxAttachedPolicies}, {"AttachedPoliciesPerRoleQuota", maxAttachedPolicies},
		{"AttachedPoliciesPerGroupQuota", maxAttachedPolicies}, {"VersionsPerPolicyQuota", maxPolicyVersions},
		{"PolicySizeQuota", maxManagedPolicySize}, {"UserPolicySizeQuota", 2048}, {"RolePolicySizeQuota", 10240},
		{"GroupPolicySizeQuota", 5120}, {"AssumeRolePolicySizeQuota", maxTrustPolicy}}
	return append(out, quotas...), nil
}
