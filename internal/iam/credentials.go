package iam

import (
	"context"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// LookupAccessKey implements awsapi.CredentialSource: the root key, active
// IAM user keys and unexpired STS credentials. Inactive or unknown keys are
// not found, which each protocol reports as its invalid-token error.
func (s *Service) LookupAccessKey(ctx context.Context, id string) (awsapi.Credential, bool, error) {
	if id == s.opts.RootAccessKeyID && id != "" {
		return s.root, true, nil
	}
	if c, ok := s.creds.get(id); ok {
		return c, true, nil
	}
	var c awsapi.Credential
	var ok bool
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		if strings.HasPrefix(id, "ASIA") {
			if c, ok, err = s.lookupSession(ctx, tx, id); err == nil && !ok {
				c, ok, err = s.lookupUserSession(ctx, tx, id)
			}
		} else {
			c, ok, err = s.lookupUserKey(ctx, tx, id)
		}
		return err
	})
	if err != nil || !ok {
		return awsapi.Credential{}, false, dbErr("look up access key", err)
	}
	s.creds.put(id, c)
	return c, true, nil
}

// RootIdentity is the account root's identity.
func (s *Service) RootIdentity() awsapi.Identity {
	return awsapi.Identity{AccessKeyID: s.opts.RootAccessKeyID, ARN: s.rootARN(), Root: true,
		PrincipalType: "root", AccountID: s.opts.AccountID, UserID: s.opts.AccountID}
}

// UserIdentity is the identity of an IAM user.
func (s *Service) UserIdentity(u *User, accessKeyID string) awsapi.Identity {
	return awsapi.Identity{AccessKeyID: accessKeyID, ARN: u.ARN, PrincipalType: "user",
		AccountID: s.opts.AccountID, UserID: u.ID, Name: u.Name, Path: u.Path}
}

func (s *Service) lookupUserKey(ctx context.Context, tx *meta.Tx, id string) (awsapi.Credential, bool, error) {
	var sealed, status string
	u := &User{}
	err := tx.QueryRow(ctx, `SELECT k.secret_sealed, k.status, u.name, u.id, u.path
		FROM iam_access_keys k JOIN iam_users u ON u.name_key = k.user_key WHERE k.access_key_id = ?`, id).
		Scan(&sealed, &status, &u.Name, &u.ID, &u.Path)
	if meta.IsNoRows(err) || (err == nil && status != "Active") {
		return awsapi.Credential{}, false, nil
	}
	if err != nil {
		return awsapi.Credential{}, false, err
	}
	secret, err := s.unseal(id, sealed)
	if err != nil {
		return awsapi.Credential{}, false, err
	}
	u.ARN = s.userARN(u.Path, u.Name)
	return awsapi.Credential{SecretAccessKey: secret, Identity: s.UserIdentity(u, id)}, true, nil
}

func (s *Service) lookupSession(ctx context.Context, tx *meta.Tx, id string) (awsapi.Credential, bool, error) {
	var sealed, tokenHex, roleKey, session string
	var expires int64
	err := tx.QueryRow(ctx, `SELECT secret_sealed, token_sha256, role_key, session_name, expire_time FROM iam_sessions WHERE access_key_id = ?`, id).
		Scan(&sealed, &tokenHex, &roleKey, &session, &expires)
	if meta.IsNoRows(err) {
		return awsapi.Credential{}, false, nil
	}
	if err != nil {
		return awsapi.Credential{}, false, err
	}
	role, err := s.loadRole(ctx, tx, roleKey)
	if err != nil {
		// The role was deleted: its sessions no longer authenticate.
		return awsapi.Credential{}, false, nil
	}
	return s.temporaryCredential(id, sealed, tokenHex, expires, s.sessionIdentity(role, session, id))
}

// temporaryCredential is a stored temporary credential (AssumeRole or
// GetSessionToken) for identity: its secret unsealed, its token hash.
func (s *Service) temporaryCredential(id, sealed, tokenHex string, expires int64, identity awsapi.Identity) (awsapi.Credential, bool, error) {
	secret, err := s.unseal(id, sealed)
	if err != nil {
		return awsapi.Credential{}, false, err
	}
	hash, err := hex.DecodeString(tokenHex)
	if err != nil {
		return awsapi.Credential{}, false, err
	}
	return awsapi.Credential{SecretAccessKey: secret, Identity: identity, SessionTokenSHA256: hash, Expires: fromMillis(expires)}, true, nil
}

func (s *Service) sessionIdentity(role *Role, session, keyID string) awsapi.Identity {
	return awsapi.Identity{AccessKeyID: keyID, PrincipalType: "assumed-role", AccountID: s.opts.AccountID,
		ARN:    "arn:aws:sts::" + s.opts.AccountID + ":assumed-role/" + role.Name + "/" + session,
		UserID: role.ID + ":" + session, Name: role.Name, Path: role.Path, RoleARN: role.ARN, SessionName: session}
}

// credentialCache keeps resolved credentials so that the request path does
// not query the store and decrypt on every call. Every change to keys,
// users or roles clears it; only this process writes the store.
type credentialCache struct {
	mu sync.RWMutex
	m  map[string]awsapi.Credential
}

const maxCachedCredentials = 4096

func newCredentialCache() *credentialCache {
	return &credentialCache{m: map[string]awsapi.Credential{}}
}

func (c *credentialCache) get(id string) (awsapi.Credential, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	cred, ok := c.m[id]
	return cred, ok
}

func (c *credentialCache) put(id string, cred awsapi.Credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedCredentials {
		clear(c.m)
	}
	c.m[id] = cred
}

func (c *credentialCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
