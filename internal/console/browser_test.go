package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shoal-dev/shoal/internal/console/browsertest"
	"github.com/shoal-dev/shoal/internal/testenv"
)

func TestBrowserSignInAndOut(t *testing.T) {
	env := testenv.Start(t)
	base := env.Server.ConsoleURL()
	id, secret := env.Server.RootCredentials()
	b := browsertest.New(t)

	// A signed-out visit to a console page lands on the sign-in form.
	var loc string
	b.Run(30*time.Second, chromedp.Navigate(base+"/#/sql"), chromedp.WaitVisible("#access_key_id", chromedp.ByQuery), chromedp.Location(&loc))
	if !strings.Contains(loc, "/signin") {
		t.Errorf("signed-out visit ended at %s, want the sign-in page", loc)
	}

	// A wrong secret is refused with a message and no session.
	var msg string
	b.Run(30*time.Second,
		chromedp.SendKeys("#access_key_id", id, chromedp.ByQuery),
		chromedp.SendKeys("#secret_access_key", secret+"-wrong", chromedp.ByQuery),
		chromedp.Click("#signin-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#signin-error", chromedp.ByQuery),
		chromedp.Text("#signin-error", &msg, chromedp.ByQuery),
	)
	if !strings.Contains(msg, "not correct") {
		t.Errorf("wrong secret: message %q", msg)
	}
	b.Screenshot("wrong-secret")

	b.SignIn(base, id, secret)
	b.WaitFor(20*time.Second, `document.querySelector('#view .cards') !== null`)
	var principal string
	b.Run(10*time.Second, chromedp.Text("#principal", &principal, chromedp.ByQuery))
	if !strings.HasSuffix(principal, ":root") {
		t.Errorf("principal shown %q", principal)
	}
	b.Screenshot("overview")

	b.Run(20*time.Second, chromedp.Click("#signout", chromedp.ByQuery), chromedp.WaitVisible("#access_key_id", chromedp.ByQuery))
	b.Run(20*time.Second, chromedp.Navigate(base+"/"), chromedp.WaitVisible("#access_key_id", chromedp.ByQuery))
	b.NoErrors()
}
