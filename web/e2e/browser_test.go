package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// chromiumPath is Debian's chromium package. The test never downloads a
// browser: `make chromium` installs this one.
const chromiumPath = "/usr/bin/chromium"

// The size of every page and screenshot: a common laptop screen.
const viewportWidth, viewportHeight = 1440, 900

// screens are the sizes a journey checks a page at: a laptop's and a
// phone's.
var screens = []struct {
	name          string
	width, height int64
}{{"laptop", 1366, 768}, {"phone", 390, 844}}

// screenshotDir is where MFABOARD_SCREENSHOTS=1 writes the README's images,
// relative to this package's directory (where `go test` runs it).
const screenshotDir = "../../static/screenshots"

// browser is one headless Chromium with one tab, and what its pages said
// on their console.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string // the server's base URL

	mu       sync.Mutex
	failures []string // uncaught exceptions and Content-Security-Policy refusals
}

// chromium is the one Chromium process the package's journeys share:
// started by the first journey, stopped by TestMain. Each journey gets a
// browser context of its own in it (its own cookies, storage and cache, as
// a fresh profile would give it) without paying the second or two a
// browser takes to start.
var chromium struct {
	once sync.Once
	ctx  context.Context // the browser's first tab, kept open
	stop func()
	err  error
}

// TestMain runs the journeys on pooled databases (pgtest.Pool) and stops
// the shared Chromium once every journey is done.
func TestMain(m *testing.M) {
	code := pgtest.Pool(m)
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// startChromium starts the shared Chromium (its own profile directory, no
// network beyond the test servers) unless it runs already.
func startChromium() (context.Context, error) {
	chromium.once.Do(func() {
		dir, err := os.MkdirTemp("", "mfaboard-e2e-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath),
			chromedp.UserDataDir(dir),
			chromedp.Headless,
			chromedp.NoSandbox, // root in CI containers, where the sandbox cannot start
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.WindowSize(viewportWidth, viewportHeight),
			chromedp.Flag("password-store", "basic"),
			chromedp.Flag("force-color-profile", "srgb"),
			// What a person's browser does beside the page (field trials,
			// background services, and two WebUI omnibox popups preloaded
			// in renderers of their own for every window: a third of
			// Chromium's CPU in these journeys) is switched off, and so is
			// what starts a renderer a journey never uses: the back-forward
			// cache's new browsing instance on each page load and the spare
			// renderer (82 renderer processes for the journeys -> 31, and
			// Chromium's CPU 44 s -> 34 s). No journey goes back a page.
			chromedp.Flag("disable-features", strings.Join([]string{
				"WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup", "PreloadTopChromeWebUI",
				"BackForwardCache", "ProactivelySwapBrowsingInstance", "SpareRendererForSitePerProcess",
				"Translate", "OptimizationHints", "MediaRouter", "AutofillServerCommunication",
				"CertificateTransparencyComponentUpdater",
			}, ",")),
		}
		for _, off := range []string{
			"disable-quic", "disable-background-networking", "disable-component-update", "disable-sync",
			"disable-extensions", "disable-default-apps", "disable-dev-shm-usage", "hide-scrollbars",
			"disable-field-trial-config", "disable-background-timer-throttling", "disable-renderer-backgrounding",
			"disable-backgrounding-occluded-windows", "disable-client-side-phishing-detection",
			"disable-component-extensions-with-background-pages", "disable-domain-reliability",
			"disable-hang-monitor", "disable-search-engine-choice-screen", "metrics-recording-only", "mute-audio",
		} {
			opts = append(opts, chromedp.Flag(off, true))
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelTab := chromedp.NewContext(alloc)
		chromium.stop = func() { cancelTab(); cancelAlloc(); _ = os.RemoveAll(dir) }
		chromium.ctx, chromium.err = ctx, chromedp.Do(ctx, chromedp.Navigate("about:blank"))
	})
	return chromium.ctx, chromium.err
}

// newBrowser opens a tab in a browser context of its own in the shared
// Chromium, pointed at serverURL. It fails the test, with what to do, when
// Chromium is not installed: a journey that silently did not run would
// prove nothing.
func newBrowser(t *testing.T, serverURL string) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is not installed at %s (%v): run `make chromium` (as root it installs Debian's chromium package) and run the test again", chromiumPath, err)
	}
	shared, err := startChromium()
	if err != nil {
		t.Fatalf("Chromium at %s does not start: %v", chromiumPath, err)
	}
	ctx, cancelTab := chromedp.NewContext(shared, chromedp.WithNewBrowserContext())
	// One limit for the whole journey, so a page that never shows what the
	// test waits for fails it instead of hanging it.
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelTab() })

	b := &browser{t: t, ctx: ctx, url: serverURL}
	b.do(chromedp.Navigate("about:blank"), chromedp.EmulateViewport(viewportWidth, viewportHeight))
	b.watchConsole()
	t.Cleanup(b.checkConsole)
	return b
}

// watchConsole keeps what would break a page for a person: a script error,
// or something the Content-Security-Policy refused to run or load.
func (b *browser) watchConsole() {
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.failures = append(b.failures, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
}

func (b *browser) checkConsole() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.failures {
		b.t.Errorf("the page's console: %s", f)
	}
}

// do runs steps in the tab, failing the test at the first that fails.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open loads a page of the server and waits until selector is visible.
func (b *browser) open(path, selector string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.url + path))
	b.waitFor(selector, path)
}

// waitLimit is how long a journey waits for what a step should bring.
const waitLimit = 15 * time.Second

// waitFor waits until selector is visible, failing with what the journey
// waited for when it does not come.
func (b *browser) waitFor(selector, what string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitLimit)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
		b.t.Fatalf("waited %s for %s (%s): %v", waitLimit, what, selector, err)
	}
}

// waitUntil waits until the JavaScript expression is true.
func (b *browser) waitUntil(expression, what string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](expression, chromedp.WithPollingTimeout(waitLimit))); err != nil {
		b.t.Fatalf("waited %s for %s: %v", waitLimit, what, err)
	}
}

// reload reloads the page and waits until selector is visible.
func (b *browser) reload(selector string) {
	b.t.Helper()
	b.do(chromedp.Reload())
	b.waitFor(selector, "the page to load again")
}

// count is how many elements on the page match selector.
func (b *browser) count(selector string) int {
	b.t.Helper()
	return evaluate[int](b, fmt.Sprintf(`document.querySelectorAll(%q).length`, selector))
}

// text is the visible text of the first element matching selector.
func (b *browser) text(selector string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", selector, err)
	}
	return strings.TrimSpace(s)
}

// location is the path and query of the page the tab shows.
func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("browser: location: %v", err)
	}
	return strings.TrimPrefix(loc, b.url)
}

func evaluate[T any](b *browser, expression string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression, opts...))
	if err != nil {
		b.t.Fatalf("browser: evaluate %s: %v", expression, err)
	}
	return v
}

// signIn signs in as p (every person has webtest.Password) through the
// login form as a person does, and waits for the page the form leads to.
func (b *browser) signIn(p person) {
	b.t.Helper()
	b.open("/login", `[data-testid="signin-form"]`)
	b.do(
		chromedp.SendKeys(chromedp.ID("signin-email"), p.email),
		chromedp.SendKeys(chromedp.ID("signin-password"), webtest.Password),
		chromedp.Click(chromedp.CSS(`[data-testid="signin-form"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="signin-form"]`)),
	)
	if loc := b.location(); strings.HasPrefix(loc, "/login") {
		b.t.Fatalf("signing in as %s stayed on %s", p.email, loc)
	}
}

// screenshot saves the viewport as static/screenshots/<name> for the
// README, only when MFABOARD_SCREENSHOTS=1: an ordinary run (CI) must not
// rewrite tracked files. The capture is taken either way, so a page that
// cannot be captured fails every run.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	if os.Getenv("MFABOARD_SCREENSHOTS") != "1" {
		return
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.t.Logf("wrote %s", path)
}

// resize sets the tab's screen.
func (b *browser) resize(width, height int64) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(width, height))
}

// fits fails the journey when the page scrolls sideways at this size.
func (b *browser) fits(what string) {
	b.t.Helper()
	scroll := evaluate[int](b, `document.documentElement.scrollWidth`)
	width := evaluate[int](b, `document.documentElement.clientWidth`)
	if scroll > width {
		b.t.Errorf("%s is %d px wide on a %d px screen: it scrolls sideways by %d px", what, scroll, width, scroll-width)
	}
}

// offersNone fails the journey when the page (where) has any of controls,
// by selector and what a person would call it.
func (b *browser) offersNone(where string, controls map[string]string) {
	b.t.Helper()
	for sel, what := range controls {
		if n := b.count(sel); n != 0 {
			b.t.Errorf("%s has %d × %s, want none", where, n, what)
		}
	}
}

// onEveryScreen opens path on each of screens, waiting for selector, fails
// when the page scrolls sideways and runs check there (with the screen's
// name); then it puts the tab back to the journeys' size.
func (b *browser) onEveryScreen(path, selector string, check func(screen string)) {
	b.t.Helper()
	for _, s := range screens {
		b.resize(s.width, s.height)
		b.open(path, selector)
		b.fits(path + " on a " + s.name)
		check(s.name)
	}
	b.resize(viewportWidth, viewportHeight)
}
