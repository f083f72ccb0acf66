// Package browsertest drives Debian's headless Chromium with chromedp for the
// console's browser tests: start it, sign in, collect JavaScript errors and
// keep screenshots as test artifacts.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium with one tab.
type Browser struct {
	t   testing.TB
	Ctx context.Context

	mu     sync.Mutex
	errors []string
}

// New starts Chromium for t and closes it when t ends. Without Chromium the
// test is skipped, except in CI (CI set), where that is a failure.
func New(t testing.TB) *Browser {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is missing at %s (install Debian's chromium package; .ci/run does)", ChromiumPath)
		}
		t.Skipf("chromium is not installed at %s", ChromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1440, 1000),
		// The machine has no outside network: keep Chromium from trying.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &Browser{t: t, Ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.addError("exception: " + e.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				b.addError("console.error: " + strings.Join(parts, " "))
			}
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	return b
}

func (b *Browser) addError(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errors = append(b.errors, s)
}

// Errors returns the JavaScript exceptions and console errors seen so far.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// NoErrors fails the test if the page logged errors or threw.
func (b *Browser) NoErrors() {
	b.t.Helper()
	if errs := b.Errors(); len(errs) > 0 {
		b.t.Errorf("JavaScript errors:\n  %s", strings.Join(errs, "\n  "))
	}
}

// Run runs chromedp actions with a deadline, failing the test on error
// (after keeping a screenshot of what the page showed).
func (b *Browser) Run(timeout time.Duration, actions ...chromedp.Action) {
	b.t.Helper()
	if err := b.RunErr(timeout, actions...); err != nil {
		b.Screenshot("failure")
		b.t.Fatalf("browser: %v", err)
	}
}

// RunErr is Run returning the error.
func (b *Browser) RunErr(timeout time.Duration, actions ...chromedp.Action) error {
	ctx, cancel := context.WithTimeout(b.Ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, actions...)
}

// SignIn opens the console's sign-in form and signs in with the keys.
func (b *Browser) SignIn(consoleURL, accessKeyID, secret string) {
	b.t.Helper()
	b.Run(30*time.Second,
		chromedp.Navigate(consoleURL+"/signin"),
		chromedp.WaitVisible("#access_key_id", chromedp.ByQuery),
		chromedp.SendKeys("#access_key_id", accessKeyID, chromedp.ByQuery),
		chromedp.SendKeys("#secret_access_key", secret, chromedp.ByQuery),
		chromedp.Click("#signin-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#view", chromedp.ByQuery),
	)
}

// Screenshot saves the page as <artifacts>/<test name>-<name>.png and
// returns the path. Artifacts go to $SHOAL_ARTIFACTS, or test-artifacts/
// at the repository root.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	var png []byte
	if err := b.RunErr(15*time.Second, chromedp.FullScreenshot(&png, 100)); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	dir := ArtifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("screenshot dir: %v", err)
		return ""
	}
	file := strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name()) + "-" + name + ".png"
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
		return ""
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// ArtifactsDir is where screenshots are kept.
func ArtifactsDir() string {
	if d := os.Getenv("SHOAL_ARTIFACTS"); d != "" {
		return filepath.Join(d, "browser")
	}
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "test-artifacts", "browser")
}

// Eval evaluates a JavaScript expression into out.
func (b *Browser) Eval(expr string, out any) {
	b.t.Helper()
	b.Run(30*time.Second, chromedp.Evaluate(expr, out))
}

// WaitFor polls a JavaScript boolean expression until it is true.
func (b *Browser) WaitFor(timeout time.Duration, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		err := b.RunErr(10*time.Second, chromedp.Evaluate("Boolean("+expr+")", &ok))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.Screenshot("timeout")
			b.t.Fatalf("waited %s for %s (last error %v); JS errors: %v", timeout, expr, err, b.Errors())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
