package console

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

var signinTmpl = template.Must(template.ParseFS(webFS, "web/signin.html"))

func constantEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	if sess, _ := c.current(r); sess != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	c.renderSignin(w, http.StatusOK, "", "")
}

func (c *Console) renderSignin(w http.ResponseWriter, status int, akid, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = signinTmpl.Execute(w, map[string]string{"AccessKeyID": akid, "Error": msg})
}

// signin checks the form's keys and starts a session.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	// A cross-site form post must not sign the victim in as someone else.
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(r, origin) {
		c.renderSignin(w, http.StatusForbidden, "", "The sign-in request came from another site.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		c.renderSignin(w, http.StatusBadRequest, "", "The sign-in form could not be read.")
		return
	}
	akid, user := r.PostForm.Get("access_key_id"), r.PostForm.Get("user_name")
	var id awsapi.Identity
	var err error
	if user != "" {
		id, err = c.checkPassword(r.Context(), user, r.PostForm.Get("password"))
	} else {
		id, err = c.checkSecret(r.Context(), akid, r.PostForm.Get("secret_access_key"))
	}
	if errors.Is(err, errBadCredentials) {
		c.opts.Logger.Info("console sign-in refused", "access_key_id", akid, "user_name", user, "remote", r.RemoteAddr)
		msg := "The access key ID or secret access key is not correct."
		if user != "" {
			msg = "The user name or password is not correct."
		}
		c.renderSignin(w, http.StatusUnauthorized, akid, msg)
		return
	}
	if err != nil {
		c.opts.Logger.Error("console sign-in", "err", err)
		c.renderSignin(w, http.StatusInternalServerError, akid, "Sign-in failed; see the server log.")
		return
	}
	token, sess, err := c.sessions.create(r.Context(), id)
	if err != nil {
		c.opts.Logger.Error("console sign-in", "err", err)
		c.renderSignin(w, http.StatusInternalServerError, akid, "Sign-in failed; see the server log.")
		return
	}
	c.opts.Logger.Info("console sign-in", "principal", id.ARN, "remote", r.RemoteAddr)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, Expires: sess.Expires,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (c *Console) signout(w http.ResponseWriter, r *http.Request, _ *session) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if err := c.sessions.delete(r.Context(), ck.Value); err != nil {
			c.opts.Logger.Error("console sign-out", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Expires: time.Unix(1, 0), MaxAge: -1})
	writeJSON(w, http.StatusOK, map[string]bool{"signedOut": true})
}
