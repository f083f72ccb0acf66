package iam

import (
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// GetSessionToken: temporary credentials for an IAM user or the root user,
// with that user's permissions. Per AWS, they cannot call IAM (without MFA,
// which Shoal does not have) nor STS other than AssumeRole and
// GetCallerIdentity; the API layers enforce that with IsSessionTokenCaller.

// GetSessionTokenInput are GetSessionToken's parameters.
type GetSessionTokenInput struct {
	DurationSeconds *int
	SerialNumber    *string
	TokenCode       *string
}

const (
	defaultUserSessionSeconds = 43200
	maxUserSessionSeconds     = 129600
	maxRootSessionSeconds     = 3600
)

// IsSessionTokenCaller reports whether id signed with GetSessionToken
// credentials (temporary credentials that are not a role session).
func IsSessionTokenCaller(id awsapi.Identity) bool {
	return strings.HasPrefix(id.AccessKeyID, "ASIA") && id.PrincipalType != "assumed-role"
}

func checkSessionTokenInput(in *GetSessionTokenInput) error {
	if d := in.DurationSeconds; d != nil && (*d < 900 || *d > maxUserSessionSeconds) {
		return constraint(*d, "durationSeconds", boundRule(*d, 900, maxUserSessionSeconds))
	}
	if in.SerialNumber != nil || in.TokenCode != nil {
		// No user has an MFA device in Shoal, so no serial number is
		// associated with the caller: AWS's answer for that case.
		return awsapi.Errorf(http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code. "+
			"Please verify your MFA serial number is valid and associated with this user. (Shoal has no MFA devices.)")
	}
	return nil
}

// GetSessionToken issues temporary credentials for the calling IAM user or
// root user. Role sessions and GetSessionToken credentials may not call it.
func (s *Service) GetSessionToken(ctx context.Context, caller awsapi.Identity, in GetSessionTokenInput) (*SessionCredentials, error) {
	if strings.HasPrefix(caller.AccessKeyID, "ASIA") || caller.PrincipalType == "assumed-role" {
		return nil, accessDenied("Cannot call GetSessionToken with session credentials")
	}
	if !caller.Root && caller.PrincipalType != "user" {
		return nil, accessDenied("Cannot call GetSessionToken with session credentials")
	}
	if err := checkSessionTokenInput(&in); err != nil {
		return nil, err
	}
	seconds := defaultUserSessionSeconds
	if in.DurationSeconds != nil {
		seconds = *in.DurationSeconds
	}
	userKey := ""
	if caller.Root {
		// Longer root sessions are cut to one hour rather than refused.
		seconds = min(seconds, maxRootSessionSeconds)
	} else {
		userKey = nameKey(caller.Name)
	}
	now := s.now()
	c := &SessionCredentials{AccessKeyID: newAccessKeyID("ASIA"), Secret: newSecretAccessKey(),
		SessionToken: newSessionToken(), Expiration: now.Add(time.Duration(seconds) * time.Second)}
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM iam_user_sessions WHERE expire_time < ?`, millis(now.Add(-expiredSessionRetention))); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO iam_user_sessions (access_key_id, secret_sealed, token_sha256, user_key, expire_time)
			VALUES (?, ?, ?, ?, ?)`, c.AccessKeyID, s.seal(c.AccessKeyID, c.Secret), hex.EncodeToString(tokenHash(c.SessionToken)),
			userKey, millis(c.Expiration))
		return err
	})
	if err != nil {
		return nil, dbErr("get session token", err)
	}
	return c, nil
}

// lookupUserSession resolves GetSessionToken credentials to the identity
// of their user (or root) as it is now.
func (s *Service) lookupUserSession(ctx context.Context, tx *meta.Tx, id string) (awsapi.Credential, bool, error) {
	var sealed, tokenHex, userKey string
	var expires int64
	err := tx.QueryRow(ctx, `SELECT secret_sealed, token_sha256, user_key, expire_time FROM iam_user_sessions WHERE access_key_id = ?`, id).
		Scan(&sealed, &tokenHex, &userKey, &expires)
	if meta.IsNoRows(err) {
		return awsapi.Credential{}, false, nil
	}
	if err != nil {
		return awsapi.Credential{}, false, err
	}
	identity := s.RootIdentity()
	if userKey != "" {
		u, err := s.loadUser(ctx, tx, userKey)
		if isNoSuchEntity(err) { // the user was deleted
			return awsapi.Credential{}, false, nil
		}
		if err != nil {
			return awsapi.Credential{}, false, err
		}
		identity = s.UserIdentity(u, id)
	}
	identity.AccessKeyID = id
	return s.temporaryCredential(id, sealed, tokenHex, expires, identity)
}
