// pages/dashboard.js: one dashboard, live. Every visual's data is requested
// in parallel as soon as the definition arrives and drawn when it lands.
//
// Stable hooks for tests:
//   #dashboard-title, #dashboard-description, #dashboard-edit (link to the editor),
//   #dashboard-export (download JSON), #dashboard-refresh (select: 0|5|10|30|60|300 seconds),
//   #dashboard-refresh-now (button), #dashboard-live (badge, live dashboards only),
//   #dashboard-updated (time of the last completed refresh), #dashboard-filters, #dashboard-grid.
//   Filters: .filter[data-filter-id=<fid>]; dateRange: buttons [data-preset="1h|24h|7d|30d|all"],
//     inputs #filter-<fid>-from / #filter-<fid>-to (datetime-local, applied on change);
//     values: <details id="filter-<fid>"> holding input[type=checkbox][value=…] and #filter-<fid>-clear.
//   Visuals: .visual[data-visual-id][data-visual-type][data-state=loading|ready|error]
//     [data-rows=<n>][data-value=<n> for kpi/gauge][data-renders=<times drawn>].
//   Page: body[data-dashboard-ready="1"] and window.__shoalDashboard = {loadStart, readyAt, visuals}
//     once every visual has been drawn the first time (performance.now() times).
// The URL query keeps the view state: ?refresh=<s>&f.<fid>=1h|<from>~<to>|<value>(repeated).
import { get, send } from '../api.js';
import { h, clear, errorBox, downloadJSON } from '../ui.js';
import { renderVisual } from '../charts.js';

export const REFRESH_CHOICES = [[0, 'Off'], [5, '5 s'], [10, '10 s'], [30, '30 s'], [60, '1 min'], [300, '5 min']];
const PRESETS = [['1h', 'Last hour', 3600], ['24h', '24 h', 86400], ['7d', '7 days', 7 * 86400], ['30d', '30 days', 30 * 86400], ['all', 'All', 0]];
const enc = encodeURIComponent;

export async function render(el, params) {
  const loadStart = performance.now();
  delete document.body.dataset.dashboardReady;
  delete window.__shoalDashboard;
  const ctl = new AbortController();
  const def = await get(`/api/dashboards/${enc(params.id)}`, { signal: ctl.signal });
  const state = readState(def, params.query);
  const board = makeBoard(def, state, ctl.signal);
  el.append(header(def, state, board), filterBar(def, state, board, ctl.signal), board.grid);
  board.firstLoad().then(() => {
    if (ctl.signal.aborted) return;
    window.__shoalDashboard = { loadStart, readyAt: performance.now(), visuals: def.visuals.length };
    document.body.dataset.dashboardReady = '1';
  });
  board.setInterval(state.refresh);
  if (def.live) livePoll(ctl.signal, () => board.refresh());
  return () => {
    ctl.abort();
    board.stop();
    delete document.body.dataset.dashboardReady;
    delete window.__shoalDashboard;
  };
}

// readState takes filter choices and the refresh interval from the URL.
function readState(def, query) {
  const q = query || new URLSearchParams();
  const filters = {};
  for (const f of def.filters || []) {
    const vals = q.getAll(`f.${f.id}`);
    if (!vals.length) continue;
    if (f.type === 'dateRange') {
      const [from, to] = vals[0].split('~');
      filters[f.id] = vals[0].includes('~') ? { from, to } : { preset: vals[0] };
    } else filters[f.id] = { values: vals };
  }
  const r = Number(q.get('refresh'));
  return { filters, refresh: q.has('refresh') && !isNaN(r) ? r : (def.refreshSeconds || 0) };
}

// writeState mirrors the state into the URL without re-running the route.
function writeState(def, state) {
  const q = new URLSearchParams();
  if (state.refresh !== (def.refreshSeconds || 0)) q.set('refresh', String(state.refresh));
  for (const [id, s] of Object.entries(state.filters)) {
    if (s.preset && s.preset !== 'all') q.set(`f.${id}`, s.preset);
    else if (s.from || s.to) q.set(`f.${id}`, `${s.from || ''}~${s.to || ''}`);
    else for (const v of s.values || []) q.append(`f.${id}`, v);
  }
  const qs = q.toString();
  history.replaceState(null, '', `#/dashboards/${enc(def.id)}${qs ? `?${qs}` : ''}`);
}

// filterBody is the "filters" object the visual-data API takes; a preset
// is resolved at request time so "last hour" keeps moving.
export function filterBody(def, state) {
  const out = {};
  for (const f of def.filters || []) {
    const s = state.filters[f.id];
    if (!s) continue;
    if (f.type === 'dateRange') {
      const r = {};
      const p = PRESETS.find(x => x[0] === s.preset);
      if (p && p[2]) r.from = new Date(Date.now() - p[2] * 1000).toISOString();
      if (!p && s.from) r.from = new Date(s.from).toISOString();
      if (!p && s.to) r.to = new Date(s.to).toISOString();
      if (r.from || r.to) out[f.id] = r;
    } else if (s.values?.length) out[f.id] = { values: s.values };
  }
  return out;
}

// makeBoard builds the grid of visual cards and the loader behind them.
// At most one refresh runs at a time; asks during one are folded into a
// single follow-up run.
function makeBoard(def, state, signal) {
  const epochFields = (def.filters || []).filter(f => f.type === 'dateRange' && f.timeUnit === 'epoch_seconds').map(f => f.field);
  const cards = (def.visuals || []).map(v => visualCard(v, epochFields));
  const grid = h('div', { id: 'dashboard-grid', class: 'dash-grid' }, cards.map(c => c.el),
    cards.length ? null : h('div', { class: 'dash-empty muted' }, 'This dashboard has no visuals yet. ', h('a', { href: `#/dashboards/${enc(def.id)}/edit` }, 'Add some in the editor.')));
  let inFlight = null, again = false, timer = null, interval = 0;

  async function load(card, animate) {
    const seq = ++card.seq;
    card.el.classList.add('refreshing');
    try {
      const data = await send('POST', `/api/dashboards/${enc(def.id)}/visuals/${enc(card.visual.id)}/data`, { filters: filterBody(def, state) }, { signal });
      if (seq !== card.seq || signal.aborted) return;
      card.draw(data, animate);
      await card.view.ready;
    } catch (e) {
      if (seq !== card.seq || signal.aborted) return;
      card.fail(e);
    } finally {
      if (seq === card.seq) card.el.classList.remove('refreshing');
    }
  }

  // run re-queries every visual; the first run draws without animation.
  function run(animate) {
    if (inFlight) { again = true; return inFlight; }
    inFlight = Promise.all(cards.map(c => load(c, animate))).finally(() => {
      inFlight = null;
      document.getElementById('dashboard-updated')?.replaceChildren(`Updated ${new Date().toLocaleTimeString()}`);
      if (again && !signal.aborted) { again = false; run(true); }
    });
    return inFlight;
  }
  const refresh = () => run(true);

  function schedule() {
    clearTimeout(timer);
    if (interval > 0 && !signal.aborted) timer = setTimeout(() => refresh().then(schedule), interval * 1000);
  }

  return {
    grid, refresh,
    firstLoad: () => run(false),
    setInterval(s) { interval = Number(s) || 0; schedule(); },
    stop() { clearTimeout(timer); for (const c of cards) c.view?.dispose(); },
  };
}

// visualCard is one visual's panel on the grid.
export function visualCard(visual, epochFields) {
  const body = h('div', { class: 'visual-body' }, h('div', { class: 'visual-loading' }));
  const meta = h('span', { class: 'visual-meta muted' });
  const el = h('div', {
    class: `visual visual-${visual.type}`, style: gridArea(visual.layout),
    dataset: { visualId: visual.id, visualType: visual.type, state: 'loading', renders: '0' },
  }, h('div', { class: 'visual-head' }, h('h3', { class: 'visual-title', title: visual.title || '' }, visual.title || ''), meta), body);
  const card = {
    el, visual, seq: 0, view: null,
    draw(data, animate) {
      if (card.view) card.view.update(visual, data, { animate, epochFields });
      else { clear(body); card.view = renderVisual(body, visual, data, { animate, epochFields }); }
      el.dataset.rows = String(card.view.rows);
      if (card.view.value !== null && card.view.value !== undefined) el.dataset.value = String(card.view.value);
      else delete el.dataset.value;
      el.dataset.state = 'ready';
      el.dataset.renders = String(Number(el.dataset.renders) + 1);
      meta.textContent = data.truncated ? 'truncated' : '';
      meta.title = `${data.cached ? 'cached · ' : ''}${data.elapsedMs ?? '?'} ms`;
    },
    fail(e) {
      card.view?.dispose();
      card.view = null;
      clear(body).append(errorBox(e));
      el.dataset.state = 'error';
      el.dataset.rows = '0';
    },
  };
  return card;
}

// gridArea places a visual on the 12-column grid (see .dash-grid).
export function gridArea(l) {
  if (!l) return 'grid-column: span 6; grid-row: span 4';
  const w = Math.max(1, Math.min(12, l.w || 6)), hgt = Math.max(1, l.h || 4);
  return `grid-column: ${Math.min(l.x || 0, 12 - w) + 1} / span ${w}; grid-row: ${(l.y || 0) + 1} / span ${hgt}`;
}

function header(def, state, board) {
  const refresh = h('select', { id: 'dashboard-refresh', title: 'Auto-refresh', 'aria-label': 'Auto-refresh' },
    REFRESH_CHOICES.map(([s, label]) => h('option', { value: String(s) }, s ? `Every ${label}` : 'Auto-refresh off')));
  if (!REFRESH_CHOICES.some(([s]) => s === state.refresh)) refresh.append(h('option', { value: String(state.refresh) }, `Every ${state.refresh} s`));
  refresh.value = String(state.refresh);
  refresh.addEventListener('change', () => {
    state.refresh = Number(refresh.value);
    writeState(def, state);
    board.setInterval(state.refresh);
  });
  const exportBtn = h('button', { id: 'dashboard-export', type: 'button', title: 'Download the definition as JSON' }, 'Export');
  exportBtn.addEventListener('click', async () => {
    try { downloadJSON(`${slug(def.name)}.dashboard.json`, await get(`/api/dashboards/${enc(def.id)}/export`)); } catch (e) { alert(`Export failed: ${e.message}`); }
  });
  return h('div', { class: 'dash-head' },
    h('div', { class: 'dash-crumbs' }, h('a', { href: '#/dashboards' }, 'Dashboards'), h('span', { class: 'sep' }, '/')),
    h('div', { class: 'dash-titlebar' },
      h('h1', { id: 'dashboard-title' }, def.name),
      def.live ? h('span', { id: 'dashboard-live', class: 'badge ok live', title: 'Refreshes as soon as new data lands' }, '● Live') : null,
      h('span', { class: 'spacer' }),
      h('span', { id: 'dashboard-updated', class: 'muted small' }),
      refresh,
      h('button', { id: 'dashboard-refresh-now', type: 'button', title: 'Refresh now', onclick: () => board.refresh() }, '↻ Refresh'),
      exportBtn,
      h('a', { id: 'dashboard-edit', class: 'button primary', href: `#/dashboards/${enc(def.id)}/edit` }, 'Edit')),
    def.description ? h('p', { id: 'dashboard-description', class: 'muted dash-desc' }, def.description) : null);
}

export const slug = s => String(s || 'dashboard').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'dashboard';

// filterBar holds one control per dashboard filter; a change re-queries
// every visual.
function filterBar(def, state, board, signal) {
  const changed = () => { writeState(def, state); board.refresh(); };
  const controls = (def.filters || []).map(f => f.type === 'dateRange' ? dateControl(f, state, changed) : valuesControl(def, f, state, changed, signal));
  return h('div', { id: 'dashboard-filters', class: 'dash-filters', hidden: !controls.length }, controls);
}

function dateControl(f, state, changed) {
  const cur = () => state.filters[f.id] || { preset: 'all' };
  const local = iso => iso || '';
  const from = h('input', { id: `filter-${f.id}-from`, type: 'datetime-local', 'aria-label': `${f.label} from`, value: local(cur().from) });
  const to = h('input', { id: `filter-${f.id}-to`, type: 'datetime-local', 'aria-label': `${f.label} to`, value: local(cur().to) });
  const buttons = PRESETS.map(([key, label]) => h('button', { type: 'button', class: 'seg', dataset: { preset: key } }, label));
  const sync = () => {
    const s = cur();
    for (const b of buttons) b.classList.toggle('active', s.preset === b.dataset.preset);
    if (s.preset) { from.value = ''; to.value = ''; }
  };
  for (const b of buttons) b.addEventListener('click', () => { state.filters[f.id] = { preset: b.dataset.preset }; sync(); changed(); });
  const custom = () => {
    if (!from.value && !to.value) state.filters[f.id] = { preset: 'all' };
    else state.filters[f.id] = { from: from.value, to: to.value };
    sync();
    changed();
  };
  from.addEventListener('change', custom);
  to.addEventListener('change', custom);
  sync();
  return h('div', { class: 'filter filter-date', dataset: { filterId: f.id } },
    h('span', { class: 'filter-label' }, f.label || f.field),
    h('span', { class: 'segmented' }, buttons), from, h('span', { class: 'muted' }, '–'), to);
}

function valuesControl(def, f, state, changed, signal) {
  const chosen = () => state.filters[f.id]?.values || [];
  const summary = h('summary', { class: 'button' });
  const list = h('div', { class: 'filter-options' }, h('div', { class: 'muted small' }, 'Loading…'));
  const search = h('input', { type: 'search', placeholder: 'Search', 'aria-label': `Search ${f.label}`, class: 'filter-search' });
  const clearBtn = h('button', { id: `filter-${f.id}-clear`, type: 'button', class: 'link small' }, 'Clear');
  const details = h('details', { id: `filter-${f.id}`, class: 'filter-values' }, summary, h('div', { class: 'filter-pop' }, h('div', { class: 'filter-pop-head' }, search, clearBtn), list));
  const label = () => {
    const v = chosen();
    summary.replaceChildren(h('span', { class: 'filter-label' }, f.label || f.field), ' ', v.length === 0 ? 'All' : v.length === 1 ? v[0] : `${v.length} selected`, ' ▾');
  };
  const set = values => { state.filters[f.id] = { values }; label(); changed(); };
  list.addEventListener('change', e => {
    if (e.target.type !== 'checkbox') return;
    set([...list.querySelectorAll('input:checked')].map(i => i.value));
  });
  clearBtn.addEventListener('click', () => { for (const i of list.querySelectorAll('input')) i.checked = false; set([]); });
  search.addEventListener('input', () => {
    const q = search.value.toLowerCase();
    for (const row of list.children) row.hidden = !!q && !row.textContent.toLowerCase().includes(q);
  });
  get(`/api/dashboards/${enc(def.id)}/filters/${enc(f.id)}/values`, { signal }).then(r => {
    const have = new Set(chosen());
    list.replaceChildren(...(r.values || []).map(v => {
      const s = v === null ? '' : String(v);
      return h('label', { class: 'filter-option' }, h('input', { type: 'checkbox', value: s, checked: have.has(s) }), v === null ? '(null)' : s);
    }));
    if (!list.children.length) list.append(h('div', { class: 'muted small' }, 'No values'));
  }).catch(e => { if (!signal.aborted) list.replaceChildren(errorBox(e)); });
  label();
  // Close the drop-down on a click elsewhere, as a native select would.
  document.addEventListener('click', e => { if (details.open && !details.contains(e.target)) details.open = false; }, { signal });
  return h('div', { class: 'filter', dataset: { filterId: f.id } }, details);
}

// livePoll long-polls /api/changes and calls onChange whenever the lake's
// change counter moves. The first call (timeout 0) only learns the version.
async function livePoll(signal, onChange) {
  let since = null;
  while (!signal.aborted) {
    try {
      const r = await get(`/api/changes?since=${since ?? 0}&timeout=${since === null ? 0 : 25}`, { signal });
      const changed = since !== null && r.version > since;
      if (changed) onChange();
      else if (since !== null) await sleep(1000, signal); // a server that answers early must not spin us
      since = r.version;
    } catch (e) {
      if (signal.aborted) return;
      await sleep(e.status === 501 || e.status === 404 ? 30000 : 3000, signal);
    }
  }
}

function sleep(ms, signal) {
  return new Promise(resolve => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

