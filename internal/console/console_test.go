package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/shoal-dev/shoal/internal/testenv"
)

// client is a cookie-keeping HTTP client that does not follow redirects, so
// tests see where the console sends them.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func signIn(t *testing.T, c *http.Client, base, id, secret string) *http.Response {
	t.Helper()
	resp, err := c.PostForm(base+"/signin", url.Values{"access_key_id": {id}, "secret_access_key": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func csrfToken(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	resp, err := c.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	_, rest, ok := strings.Cut(string(body), `name="csrf-token" content="`)
	if !ok {
		t.Fatalf("no csrf token in the page (status %d)", resp.StatusCode)
	}
	tok, _, _ := strings.Cut(rest, `"`)
	return tok
}

func TestNothingReachableWithoutSignIn(t *testing.T) {
	env := testenv.Start(t)
	base := env.Server.ConsoleURL()
	c := client(t)
	for _, p := range []string{"/", "/dashboards", "/anything/else"} {
		resp, err := c.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
			t.Errorf("GET %s: %d to %q, want 303 to /signin", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/api/session", "/api/dashboards", "/api/s3/", "/api/metrics/streams/x"} {
		resp, err := c.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s: %d, want 401", p, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest("POST", base+"/api/aws", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /api/aws signed out: %d, want 401", resp.StatusCode)
	}
}

func TestWrongSecretRefused(t *testing.T) {
	env := testenv.Start(t)
	base := env.Server.ConsoleURL()
	id, secret := env.Server.RootCredentials()
	c := client(t)
	for _, try := range [][2]string{{id, secret + "x"}, {id, ""}, {"AKIANOTAKEY", secret}} {
		resp := signIn(t, c, base, try[0], try[1])
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("sign-in with %q: status %d, want 401", try[0], resp.StatusCode)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("sign-in with %q set a cookie", try[0])
		}
	}
	resp, err := c.Get(base + "/api/session")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("session after refused sign-ins: %d, want 401", resp.StatusCode)
	}
}

func TestSessionCookieCSRFAndSignOut(t *testing.T) {
	env := testenv.Start(t)
	base := env.Server.ConsoleURL()
	id, secret := env.Server.RootCredentials()
	c := client(t)
	resp := signIn(t, c, base, id, secret)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	var ck *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == "shoal_session" {
			ck = k
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict", ck)
	}
	tok := csrfToken(t, c, base)

	call := func(csrf, origin string) int {
		req, _ := http.NewRequest("POST", base+"/api/aws", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call("", ""); got != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d, want 403", got)
	}
	if got := call("wrong", ""); got != http.StatusForbidden {
		t.Errorf("POST with a wrong CSRF token: %d, want 403", got)
	}
	if got := call(tok, "http://evil.example"); got != http.StatusForbidden {
		t.Errorf("POST from another origin: %d, want 403", got)
	}
	if got := call(tok, ""); got != http.StatusOK {
		t.Errorf("POST with the CSRF token: %d, want 200", got)
	}

	// Sign-out needs the token too, then the session is gone server-side.
	req, _ := http.NewRequest("POST", base+"/signout", nil)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out without CSRF: %v %v", resp.StatusCode, err)
	}
	req, _ = http.NewRequest("POST", base+"/signout", nil)
	req.Header.Set("X-CSRF-Token", tok)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-out: %v %v", resp.StatusCode, err)
	}
	// Replaying the old cookie does not work after sign-out.
	req, _ = http.NewRequest("GET", base+"/api/session", nil)
	req.AddCookie(ck)
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusUnauthorized {
		t.Errorf("old cookie after sign-out: %d, want 401", resp2.StatusCode)
	}
}

func TestAssetsEmbeddedAndVendoredEChartsUnchanged(t *testing.T) {
	env := testenv.Start(t)
	base := env.Server.ConsoleURL()
	for _, p := range []string{"/assets/app.js", "/assets/style.css", "/assets/vendor/echarts.min.js"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
			t.Errorf("GET %s: %d etag %q", p, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
}
