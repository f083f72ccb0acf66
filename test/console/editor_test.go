package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// setField sets a form control the way a user would, firing input and change.
func setField(id, value string) string {
	return fmt.Sprintf(`(() => { const el = document.getElementById(%q); if (!el) return false;
  el.value = %q; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));
  return el.value === %q; })()`, id, value, value)
}

// optionValue finds the value of the option of a select whose text contains label.
func optionValue(id, label string) string {
	return fmt.Sprintf(`[...document.querySelectorAll('#%s option')].find(o => o.textContent.includes(%q))?.value || ''`, id, label)
}

// TestCreateBarChartInTheBrowser makes a dataset and a dashboard with a bar
// chart through the console's forms, saves, reloads and finds the chart.
func TestCreateBarChartInTheBrowser(t *testing.T) {
	f := newFixture(t)
	f.put(t, 500)
	f.waitCount(t, 500)
	b := f.b

	const dsName = "Stock per store (browser test)"
	b.Run(30*time.Second, chromedp.Navigate(f.base+"/#/datasets"), chromedp.WaitVisible("#dataset-new", chromedp.ByQuery),
		chromedp.Click("#dataset-new", chromedp.ByQuery), chromedp.WaitVisible("#dataset-form", chromedp.ByQuery))
	b.WaitFor(10*time.Second, `[...document.querySelectorAll('#dataset-database option')].some(o => o.value === 'conversion_db')`)
	b.WaitFor(5*time.Second, setField("dataset-name", dsName))
	b.WaitFor(5*time.Second, setField("dataset-database", "conversion_db"))
	b.WaitFor(5*time.Second, setField("dataset-sql", "SELECT store_id, current_stock FROM conversion_table"))
	b.WaitFor(5*time.Second, setField("dataset-mode", "DIRECT"))
	b.Run(10*time.Second, chromedp.Click("#dataset-save", chromedp.ByQuery))
	b.WaitFor(20*time.Second, fmt.Sprintf(`[...document.querySelectorAll('#dataset-list tr[data-dataset-id]')].some(r => r.textContent.includes(%q))`, dsName))
	b.Screenshot("dataset-created")

	b.Run(30*time.Second, chromedp.Navigate(f.base+"/#/dashboards"), chromedp.WaitVisible("#dashboard-new", chromedp.ByQuery),
		chromedp.Click("#dashboard-new", chromedp.ByQuery), chromedp.WaitVisible("#editor-add-visual", chromedp.ByQuery))
	b.WaitFor(5*time.Second, setField("editor-name", "Browser-made dashboard"))
	b.Run(10*time.Second, chromedp.Click("#editor-add-visual", chromedp.ByQuery), chromedp.WaitVisible("#visual-dataset", chromedp.ByQuery))
	var dsID string
	b.Eval(optionValue("visual-dataset", dsName), &dsID)
	if dsID == "" {
		t.Fatal("the new dataset is not offered in the visual form")
	}
	b.WaitFor(5*time.Second, setField("visual-dataset", dsID))
	b.WaitFor(5*time.Second, setField("visual-type", "bar"))
	b.WaitFor(5*time.Second, setField("visual-dimension", "store_id"))
	b.WaitFor(5*time.Second, setField("visual-measure-0-agg", "sum"))
	b.WaitFor(5*time.Second, setField("visual-measure-0-field", "current_stock"))
	b.WaitFor(5*time.Second, setField("visual-title", "Stock per store"))
	b.Run(10*time.Second, chromedp.Click("#editor-save", chromedp.ByQuery))
	b.WaitFor(20*time.Second, `document.querySelector('#editor-status')?.dataset.state === 'saved'`)
	b.Screenshot("editor-saved")
	var hash string
	b.Eval(`location.hash`, &hash)
	id := strings.TrimSuffix(strings.TrimPrefix(hash, "#/dashboards/"), "/edit")

	// A full reload of the dashboard's page shows the saved chart with data.
	b.Run(30*time.Second, chromedp.Navigate(f.base+"/?reload=1#/dashboards/"+id))
	b.WaitFor(30*time.Second, `document.body.dataset.dashboardReady === '1'`)
	var visuals []visualState
	b.Eval(visualsJS, &visuals)
	b.Screenshot("reloaded")
	if len(visuals) != 1 {
		t.Fatalf("%d visuals after reload, want 1: %+v", len(visuals), visuals)
	}
	v := visuals[0]
	if v.Type != "bar" || v.State != "ready" || v.Points == 0 || !strings.Contains(v.Text, "Stock per store") {
		t.Errorf("saved bar chart after reload: %+v", v)
	}
	b.NoErrors()
}
