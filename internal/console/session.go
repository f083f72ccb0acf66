package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

const (
	sessionCookie = "shoal_session"
	csrfHeader    = "X-CSRF-Token"
)

// session is a signed-in user.
type session struct {
	Principal string
	// AccessKeyID is the key signed in with; "" for an IAM user's password.
	AccessKeyID string
	CSRF        string
	Expires     time.Time
	// Identity is the principal as of this request (see Console.current).
	Identity awsapi.Identity
}

// sessions keeps sessions in the metadata store, so every console node
// sharing it sees the same sign-ins and sign-out takes effect everywhere.
type sessions struct {
	store *meta.Store
	ttl   time.Duration
	now   func() time.Time
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// create starts a session for id and returns its cookie token.
func (s *sessions) create(ctx context.Context, id awsapi.Identity) (string, *session, error) {
	token := randomToken()
	now := s.now()
	sess := &session{Principal: id.ARN, AccessKeyID: id.AccessKeyID, CSRF: randomToken(), Expires: now.Add(s.ttl)}
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		// Expired sessions are swept on each sign-in; there is no other writer.
		if _, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE expires < ?`, now.UnixMilli()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO console_sessions (id, principal, access_key, csrf, created, expires) VALUES (?, ?, ?, ?, ?, ?)`,
			tokenID(token), sess.Principal, sess.AccessKeyID, sess.CSRF, now.UnixMilli(), sess.Expires.UnixMilli())
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return token, sess, nil
}

// lookup returns the live session of a cookie token, or nil.
func (s *sessions) lookup(ctx context.Context, token string) (*session, error) {
	if token == "" {
		return nil, nil
	}
	var sess session
	var expires int64
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		return tx.QueryRow(ctx, `SELECT principal, access_key, csrf, expires FROM console_sessions WHERE id = ?`, tokenID(token)).
			Scan(&sess.Principal, &sess.AccessKeyID, &sess.CSRF, &expires)
	})
	if meta.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up session: %w", err)
	}
	sess.Expires = time.UnixMilli(expires)
	if !s.now().Before(sess.Expires) {
		return nil, nil
	}
	return &sess, nil
}

func (s *sessions) delete(ctx context.Context, token string) error {
	return s.store.Update(ctx, func(tx *meta.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE id = ?`, tokenID(token))
		return err
	})
}

// csrfOK checks the request's CSRF token against the session's, and that a
// browser-sent Origin (when present) is this console's own.
func csrfOK(r *http.Request, sess *session) bool {
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(r, origin) {
		return false
	}
	got := r.Header.Get(csrfHeader)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

func sameOrigin(r *http.Request, origin string) bool {
	return origin == "http://"+r.Host || origin == "https://"+r.Host
}

var errBadCredentials = errors.New("the access key ID or secret access key is not correct")
