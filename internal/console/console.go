// Package console is Shoal's web console: sign-in, the resource browser, the
// SQL editor and dashboards. It serves an embedded single-page front end and
// a small JSON API; every AWS operation it performs goes through the same
// Router as the AWS API, as the signed-in principal.
package console

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// DefaultAddr is where `shoal serve` puts the console unless told otherwise.
const DefaultAddr = "127.0.0.1:4580"

// Options wires the console to the services it shows.
type Options struct {
	// Router serves AWS operations for /api/aws and /api/s3 as the user.
	Router *awsapi.Router
	// Credentials checks sign-ins (the same keys SigV4 accepts).
	Credentials awsapi.CredentialSource
	// Authorizer decides the console's own endpoints for non-root users
	// (nil: no checks); AWS calls are decided by the Router's.
	Authorizer awsapi.Authorizer
	// Users, when set, lets IAM users sign in with their console password
	// (CreateLoginProfile).
	Users UserDirectory
	// Store keeps sessions.
	Store *meta.Store
	// Dashboards serves /api/datasets, /api/dashboards and /api/visuals.
	Dashboards http.Handler
	// Metrics of streams and delivery streams, and the lake's change
	// counter (see metrics.go); nil parts answer 501.
	Streams  StreamMetrics
	Delivery DeliveryStats
	Changes  ChangeFeed

	AccountID, Region string
	Logger            *slog.Logger
	// SessionTTL is how long a sign-in lasts (default 12 hours, as the
	// AWS console's).
	SessionTTL time.Duration
	Now        func() time.Time
}

// UserDirectory checks IAM users' console passwords (*iam.Service).
type UserDirectory interface {
	CheckPassword(ctx context.Context, userName, password string) (awsapi.Identity, error)
	// UserIdentityByName re-reads a signed-in user on every request, so a
	// deleted user is signed out at once.
	UserIdentityByName(ctx context.Context, name string) (awsapi.Identity, error)
}

// Console is the console's HTTP handler.
type Console struct {
	opts     Options
	sessions *sessions
	assets   *assets
	mux      *http.ServeMux
}

// New builds the console.
func New(opts Options) (*Console, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	c := &Console{opts: opts, assets: a, sessions: &sessions{store: opts.Store, ttl: opts.SessionTTL, now: opts.Now}}
	c.routes()
	return c, nil
}

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	m.Handle("GET /assets/", http.StripPrefix("/assets/", c.assets))
	m.HandleFunc("GET /signin", c.signinPage)
	m.HandleFunc("POST /signin", c.signin)
	m.Handle("POST /signout", c.authed(c.signout))
	m.Handle("GET /{$}", c.page(c.index))

	m.Handle("GET /api/session", c.authed(c.sessionInfo))
	m.Handle("POST /api/aws", c.authed(c.awsCall))
	m.Handle("GET /api/s3/", c.authed(c.s3Call))
	m.Handle("GET /api/metrics/streams/{name}", c.authed(c.metricsAction(c.streamMetrics)))
	m.Handle("GET /api/metrics/deliverystreams/{name}", c.authed(c.metricsAction(c.deliveryStats)))
	m.Handle("GET /api/changes", c.authed(c.changes))
	if c.opts.Dashboards != nil {
		for _, p := range []string{"/api/datasets", "/api/datasets/", "/api/dashboards", "/api/dashboards/", "/api/visuals/"} {
			m.Handle(p, c.authed(c.dashboardsAction))
		}
	}
	m.Handle("/api/", c.authed(func(w http.ResponseWriter, r *http.Request, _ *session) {
		writeError(w, http.StatusNotFound, "NotFound", "no console API at "+r.URL.Path)
	}))
	// Any other path is a page: signed-out users go to the sign-in form.
	m.Handle("/", c.page(func(w http.ResponseWriter, r *http.Request, _ *session) { http.NotFound(w, r) }))
	c.mux = m
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

type sessionHandler func(w http.ResponseWriter, r *http.Request, sess *session)

// current returns the request's live session, or nil. The principal is
// resolved again on each request: a deleted or deactivated key, or a
// deleted user, ends the session.
func (c *Console) current(r *http.Request) (*session, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	sess, err := c.sessions.lookup(r.Context(), ck.Value)
	if sess == nil || err != nil {
		return nil, err
	}
	id, ok, err := c.resolve(r.Context(), sess)
	if !ok || err != nil {
		return nil, err
	}
	sess.Identity = id
	return sess, nil
}

// resolve is the session principal's current identity; ok is false when
// it can no longer sign in.
func (c *Console) resolve(ctx context.Context, sess *session) (awsapi.Identity, bool, error) {
	if sess.AccessKeyID != "" {
		cred, ok, err := c.opts.Credentials.LookupAccessKey(ctx, sess.AccessKeyID)
		if err != nil || !ok || len(cred.SessionTokenSHA256) > 0 {
			return awsapi.Identity{}, false, err
		}
		return cred.Identity, true, nil
	}
	if c.opts.Users == nil {
		return awsapi.Identity{}, false, nil
	}
	name := sess.Principal[strings.LastIndexByte(sess.Principal, '/')+1:]
	id, err := c.opts.Users.UserIdentityByName(ctx, name)
	if err != nil || id.ARN != sess.Principal {
		return awsapi.Identity{}, false, nil // deleted, or re-created elsewhere in the tree
	}
	return id, true, nil
}

// authed guards API endpoints: a session is required, and a CSRF token on
// anything that is not a read. The handler runs as the session's principal.
func (c *Console) authed(h sessionHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		sess, err := c.current(r)
		if err != nil {
			c.opts.Logger.Error("console session", "err", err)
			writeError(w, http.StatusInternalServerError, "InternalFailure", "session lookup failed")
			return
		}
		if sess == nil {
			writeError(w, http.StatusUnauthorized, "Unauthenticated", "sign in first")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !csrfOK(r, sess) {
			writeError(w, http.StatusForbidden, "InvalidCsrfToken", "missing or wrong "+csrfHeader+" header")
			return
		}
		h(w, r.WithContext(awsapi.WithAuth(r.Context(), c.authInfo(sess))), sess)
	})
}

// page guards HTML pages: signed-out users are sent to the sign-in form.
func (c *Console) page(h sessionHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := c.current(r)
		if err != nil {
			c.opts.Logger.Error("console session", "err", err)
			http.Error(w, "session lookup failed", http.StatusInternalServerError)
			return
		}
		if sess == nil {
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, sess)
	})
}

func (c *Console) authInfo(sess *session) *awsapi.AuthInfo {
	return &awsapi.AuthInfo{Identity: sess.Identity, Region: c.opts.Region}
}

func (c *Console) sessionInfo(w http.ResponseWriter, _ *http.Request, sess *session) {
	writeJSON(w, http.StatusOK, map[string]string{
		"principal": sess.Principal, "accessKeyId": sess.AccessKeyID, "csrfToken": sess.CSRF,
		"accountId": c.opts.AccountID, "region": c.opts.Region,
	})
}

// awsCall runs one JSON 1.1 operation through the AWS Router.
func (c *Console) awsCall(w http.ResponseWriter, r *http.Request, _ *session) {
	if r.Header.Get("X-Amz-Target") == "" {
		writeError(w, http.StatusBadRequest, "MissingTarget", "the X-Amz-Target header names the operation")
		return
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	c.opts.Router.ServeAs(w, r, awsapi.AuthFrom(r.Context()))
}

// s3Call serves S3 reads (listing, download) through the AWS Router.
func (c *Console) s3Call(w http.ResponseWriter, r *http.Request, _ *session) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = strings.TrimPrefix(r.URL.Path, "/api/s3")
	r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, "/api/s3")
	r2.Header.Del("X-Amz-Target")
	c.opts.Router.ServeAs(w, r2, awsapi.AuthFrom(r.Context()))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// checkSecret compares a sign-in against the credential source. Temporary
// (STS) keys are refused: the form has no session token to check.
func (c *Console) checkSecret(ctx context.Context, akid, secret string) (awsapi.Identity, error) {
	cred, ok, err := c.opts.Credentials.LookupAccessKey(ctx, akid)
	if err != nil {
		return awsapi.Identity{}, err
	}
	if !ok || len(cred.SessionTokenSHA256) > 0 || !constantEqual(cred.SecretAccessKey, secret) {
		return awsapi.Identity{}, errBadCredentials
	}
	return cred.Identity, nil
}

// checkPassword signs an IAM user in with the console password.
func (c *Console) checkPassword(ctx context.Context, user, password string) (awsapi.Identity, error) {
	if c.opts.Users == nil {
		return awsapi.Identity{}, errBadCredentials
	}
	id, err := c.opts.Users.CheckPassword(ctx, user, password)
	if err != nil {
		return awsapi.Identity{}, errBadCredentials
	}
	return id, nil
}

var errNotConfigured = errors.New("not available on this server")
