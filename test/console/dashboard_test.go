package console_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// visualsJS reports every visual of the page: type, state, rows, value and
// whether its chart drew data (ECharts series with points, or HTML cells).
const visualsJS = `[...document.querySelectorAll('.visual[data-visual-id]')].map(v => {
  const body = v.querySelector('.visual-body') || v;
  const chart = window.echarts && echarts.getInstanceByDom(body.querySelector('[_echarts_instance_]') || body);
  let points = 0;
  if (chart) for (const s of chart.getOption().series || []) points += (s.data || []).length;
  const canvas = v.querySelector('canvas');
  return {id: v.dataset.visualId, type: v.dataset.visualType, state: v.dataset.state,
    rows: Number(v.dataset.rows || 0), value: v.dataset.value || '', points,
    canvas: canvas ? canvas.width * canvas.height : 0,
    cells: v.querySelectorAll('td').length, text: v.textContent.slice(0, 200),
    aria: (body.getAttribute('aria-label') || (body.querySelector('[aria-label]') || {getAttribute(){return ''}}).getAttribute('aria-label') || '').slice(0, 200)};
})`

type visualState struct {
	ID, Type, State, Value, Text, Aria string
	Rows, Points, Canvas, Cells        int
}

func TestDemoDashboardRendersEveryVisual(t *testing.T) {
	f := newFixture(t)
	f.put(t, 2000)
	f.waitCount(t, 2000)
	f.refreshSnapshots(t)

	f.b.Run(30*time.Second, chromedp.Navigate(f.dashboardURL(f.dashboard.ID)))
	f.b.WaitFor(30*time.Second, `document.body.dataset.dashboardReady === '1'`)
	var visuals []visualState
	f.b.Eval(visualsJS, &visuals)
	f.b.Screenshot("store-inventory")
	if len(visuals) < 6 {
		t.Fatalf("%d visuals on the demo dashboard, want at least 6", len(visuals))
	}
	checkVisualsDrawn(t, visuals)
	f.b.NoErrors()
}

// checkVisualsDrawn fails for every visual without data on screen.
func checkVisualsDrawn(t *testing.T, visuals []visualState) {
	t.Helper()
	for _, v := range visuals {
		if v.State != "ready" || v.Rows == 0 {
			t.Errorf("visual %s (%s): state %s, %d rows", v.ID, v.Type, v.State, v.Rows)
			continue
		}
		switch v.Type {
		case "kpi", "gauge":
			if n, err := strconv.ParseFloat(v.Value, 64); err != nil || n <= 0 {
				t.Errorf("visual %s (%s): value %q, want a positive number", v.ID, v.Type, v.Value)
			}
		case "table", "pivot":
			if v.Cells == 0 {
				t.Errorf("visual %s (%s): no cells", v.ID, v.Type)
			}
		default:
			if v.Points == 0 || v.Canvas == 0 || v.Aria == "" {
				t.Errorf("visual %s (%s): %d points, canvas %d px, aria %q: chart not drawn", v.ID, v.Type, v.Points, v.Canvas, v.Aria)
			}
		}
	}
}

// TestKPIFollowsTheStream watches the live KPI change as records arrive.
func TestKPIFollowsTheStream(t *testing.T) {
	f := newFixture(t)
	f.put(t, 200)
	f.waitCount(t, 200)

	f.b.Run(30*time.Second, chromedp.Navigate(f.dashboardURL(f.dashboard.ID)))
	f.b.WaitFor(30*time.Second, `document.body.dataset.dashboardReady === '1'`)
	kpi := `document.querySelector('.visual[data-visual-type="kpi"]')`
	var before string
	f.b.Eval(kpi+`.dataset.value`, &before)
	f.b.Screenshot("kpi-before")
	f.put(t, 1000)
	f.b.WaitFor(20*time.Second, fmt.Sprintf(`%s.dataset.value !== %q`, kpi, before))
	var after string
	f.b.Eval(kpi+`.dataset.value`, &after)
	b, _ := strconv.ParseFloat(before, 64)
	a, _ := strconv.ParseFloat(after, 64)
	if a <= b {
		t.Errorf("KPI went from %s to %s, want it to grow", before, after)
	}
	f.b.Screenshot("kpi-after")
	f.b.NoErrors()
}
