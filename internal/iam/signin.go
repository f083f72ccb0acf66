package iam

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Sign-ins outside SigV4: the console (user name and console password) and
// the Postgres endpoint (SCRAM-SHA-256 over the same password).

// ErrNoSuchUser is returned by UserIdentityByName for a user that does not
// exist (any more).
var ErrNoSuchUser = errors.New("iam: no such user")

// UserIdentityByName is the current identity of user name: a console
// session re-reads it on every request, so a deleted user is signed out.
func (s *Service) UserIdentityByName(ctx context.Context, name string) (awsapi.Identity, error) {
	var u *User
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		u, err = s.loadUser(ctx, tx, name)
		return err
	})
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return awsapi.Identity{}, ErrNoSuchUser
	}
	if err != nil {
		return awsapi.Identity{}, dbErr("get user", err)
	}
	return s.UserIdentity(u, ""), nil
}

// SCRAMVerifier returns what SCRAM-SHA-256 needs to check a user's
// console password without knowing it — the stored PBKDF2-HMAC-SHA256
// output is SCRAM's SaltedPassword — and the user's identity. A missing
// user or login profile is ErrBadPassword.
func (s *Service) SCRAMVerifier(ctx context.Context, userName string) (salt []byte, iterations int, salted []byte, id awsapi.Identity, err error) {
	u, hash, expired, err := s.loginProfile(ctx, userName, "password verifier")
	if err != nil {
		return nil, 0, nil, awsapi.Identity{}, err
	}
	v, ok := parsePasswordHash(hash)
	if !ok {
		return nil, 0, nil, awsapi.Identity{}, ErrBadPassword
	}
	if expired {
		return nil, 0, nil, awsapi.Identity{}, ErrPasswordExpired
	}
	return v.salt, v.iterations, v.salted, s.UserIdentity(u, ""), nil
}

type passwordHash struct {
	salt       []byte
	iterations int
	salted     []byte
}

// parsePasswordHash reads hashPassword's "pbkdf2-sha256$iter$salt$hash".
func parsePasswordHash(stored string) (passwordHash, bool) {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return passwordHash{}, false
	}
	iter, err1 := strconv.Atoi(parts[1])
	salt, err2 := hex.DecodeString(parts[2])
	dk, err3 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || len(dk) != 32 {
		return passwordHash{}, false
	}
	return passwordHash{salt: salt, iterations: iter, salted: dk}, true
}
