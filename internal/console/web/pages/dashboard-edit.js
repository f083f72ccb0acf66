// pages/dashboard-edit.js: the dashboard editor. Visuals are previewed with
// POST /api/visuals/data as they are edited; Save PUTs the whole definition.
//
// Stable hooks for tests:
//   #editor-name, #editor-description, #editor-refresh (select, seconds), #editor-live (checkbox),
//   #editor-add-visual, #editor-save, #editor-status (data-state=idle|dirty|saving|saved|conflict|error),
//   #editor-reload (shown on a version conflict), #editor-view (link to the dashboard), #editor-grid
//   (cards .visual[data-visual-id], click to select; the selected one has .selected),
//   filters: #editor-add-filter; rows .editor-filter[data-filter-id] with .filter-label-input,
//   .filter-field, .filter-type, .filter-unit, .filter-remove.
//   Visual form (#visual-form, for the selected visual): #visual-title, #visual-type, #visual-dataset,
//   #visual-dimension, #visual-timegrain, #visual-measure-<i>-field, #visual-measure-<i>-agg,
//   #visual-measure-<i>-label, #visual-measure-<i>-remove, #visual-add-measure, #visual-group,
//   #visual-columns (checkboxes input[value=<column>], raw table), #visual-sort-by, #visual-sort-order,
//   #visual-topn, #visual-orientation, #visual-stacked, #visual-donut, #visual-format-style,
//   #visual-format-decimals, #visual-format-currency, #visual-format-compact, #visual-comparison-type,
//   #visual-comparison-value, #visual-comparison-field, #visual-comparison-agg, #visual-min,
//   #visual-max, #visual-bins, #visual-w, #visual-h, #visual-move-up|down|left|right,
//   #visual-duplicate, #visual-delete.
import { get, send } from '../api.js';
import { h, clear, debounce } from '../ui.js';
import { VISUAL_TYPES } from '../charts.js';
import { REFRESH_CHOICES, visualCard, gridArea } from './dashboard.js';

const enc = encodeURIComponent;
const AGGS = ['sum', 'avg', 'min', 'max', 'count', 'count_distinct'];
const GRAINS = ['', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const TYPE_LABELS = { bar: 'Bar', line: 'Line', area: 'Area', pie: 'Pie / donut', kpi: 'KPI', table: 'Table', pivot: 'Pivot table', heatmap: 'Heat map', scatter: 'Scatter', histogram: 'Histogram', gauge: 'Gauge' };
// Which wells each type uses (see API.md, "Meaning of the wells by type").
const WELLS = {
  bar: 'dimension measures group sort topN orientation stacked format',
  line: 'dimension measures group sort topN format',
  area: 'dimension measures group sort topN stacked format',
  pie: 'dimension measure sort topN donut format',
  kpi: 'measure comparison format',
  gauge: 'measure comparison minmax format',
  table: 'columns dimension measures sort topN format',
  pivot: 'dimension measure group sort topN format',
  heatmap: 'dimension measure group sort topN format',
  scatter: 'dimension measure group format',
  histogram: 'histogram bins',
};
const uses = (type, well) => (WELLS[type] || '').split(' ').includes(well);

export async function render(el, params) {
  const [def, datasets] = await Promise.all([
    get(`/api/dashboards/${enc(params.id)}`),
    get('/api/datasets').then(r => r.datasets || []).catch(() => []),
  ]);
  const ed = { def, datasets, selected: def.visuals?.[0]?.id || null, cards: new Map(), dirty: false };
  def.visuals = def.visuals || [];
  def.filters = def.filters || [];
  ed.status = h('span', { id: 'editor-status', class: 'muted small', dataset: { state: 'idle' } });
  ed.grid = h('div', { id: 'editor-grid', class: 'dash-grid editing' });
  ed.form = h('div', { id: 'visual-form-slot', class: 'editor-panel' });
  ed.filters = h('div', { class: 'editor-filters' });
  const warn = e => { if (ed.dirty) { e.preventDefault(); e.returnValue = ''; } };
  window.addEventListener('beforeunload', warn);
  el.append(header(ed), settings(ed), h('div', { class: 'editor-body' }, ed.grid, ed.form));
  drawFilters(ed);
  drawGrid(ed);
  drawForm(ed);
  return () => {
    window.removeEventListener('beforeunload', warn);
    for (const c of ed.cards.values()) c.view?.dispose();
  };
}

function setStatus(ed, state, text, ...extra) {
  ed.status.dataset.state = state;
  ed.status.className = `small status-${state}`;
  ed.status.replaceChildren(text, ...extra);
}

function markDirty(ed) {
  ed.dirty = true;
  setStatus(ed, 'dirty', 'Unsaved changes');
}

function header(ed) {
  const d = ed.def;
  const name = h('input', { id: 'editor-name', class: 'title-input', value: d.name, 'aria-label': 'Dashboard name' });
  name.addEventListener('input', () => { d.name = name.value; markDirty(ed); });
  const save = h('button', { id: 'editor-save', type: 'button', class: 'primary' }, 'Save');
  save.addEventListener('click', () => saveDashboard(ed, save));
  return h('div', { class: 'dash-head' },
    h('div', { class: 'dash-crumbs' }, h('a', { href: '#/dashboards' }, 'Dashboards'), h('span', { class: 'sep' }, '/'), 'Edit'),
    h('div', { class: 'dash-titlebar' }, name, h('span', { class: 'spacer' }), ed.status,
      h('a', { id: 'editor-view', class: 'button', href: `#/dashboards/${enc(d.id)}` }, 'View'),
      h('a', { class: 'button', href: '#/datasets' }, 'Datasets'),
      h('button', { id: 'editor-add-visual', type: 'button', onclick: () => addVisual(ed) }, '+ Add visual'),
      save));
}

async function saveDashboard(ed, button) {
  button.disabled = true;
  setStatus(ed, 'saving', 'Saving…');
  try {
    const saved = await send('PUT', `/api/dashboards/${enc(ed.def.id)}`, ed.def);
    ed.def.version = saved.version;
    ed.def.updated = saved.updated;
    ed.dirty = false;
    setStatus(ed, 'saved', `Saved ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    if (e.status === 409) {
      setStatus(ed, 'conflict', 'Someone else changed this dashboard since you opened it. Reload to get their version (your unsaved changes here will be lost). ',
        h('button', { id: 'editor-reload', type: 'button', class: 'link', onclick: () => location.reload() }, 'Reload'));
    } else setStatus(ed, 'error', `Save failed: ${e.code ? `${e.code}: ` : ''}${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// settings: description, refresh, live and the dashboard's filters.
function settings(ed) {
  const d = ed.def;
  const desc = h('input', { id: 'editor-description', value: d.description || '', placeholder: 'What this dashboard shows' });
  desc.addEventListener('input', () => { d.description = desc.value; markDirty(ed); });
  const refresh = h('select', { id: 'editor-refresh' }, REFRESH_CHOICES.map(([s, l]) => h('option', { value: String(s) }, s ? `Every ${l}` : 'Off')));
  refresh.value = String(d.refreshSeconds || 0);
  refresh.addEventListener('change', () => { d.refreshSeconds = Number(refresh.value); markDirty(ed); });
  const live = h('input', { id: 'editor-live', type: 'checkbox', checked: !!d.live });
  live.addEventListener('change', () => { d.live = live.checked; markDirty(ed); });
  return h('section', { class: 'panel editor-settings' },
    h('div', { class: 'form-row' },
      h('label', { class: 'grow' }, 'Description', desc),
      h('label', {}, 'Auto-refresh', refresh),
      h('label', { class: 'check', title: 'Refresh as soon as new data lands in the lake' }, live, 'Live (refresh on new data)')),
    h('div', { class: 'editor-filters-head' }, h('h3', {}, 'Filters'), h('span', { class: 'muted small' }, 'apply to every visual whose dataset has the field'),
      h('button', { id: 'editor-add-filter', type: 'button', class: 'small-btn', onclick: () => addFilter(ed) }, '+ Add filter')),
    ed.filters);
}

// allColumns is every column of the datasets, for filter fields.
function allColumns(ed) {
  const m = new Map();
  for (const ds of ed.datasets) for (const c of ds.columns || []) if (!m.has(c.name)) m.set(c.name, c.type);
  return m;
}

function addFilter(ed) {
  const cols = allColumns(ed);
  const field = [...cols.keys()][0] || '';
  ed.def.filters.push({ id: freeID('f', ed.def.filters), label: field, field, type: 'values' });
  markDirty(ed);
  drawFilters(ed);
}

function drawFilters(ed) {
  const cols = allColumns(ed);
  clear(ed.filters);
  if (!ed.def.filters.length) ed.filters.append(h('div', { class: 'muted small' }, 'No filters. Add a date range or a value list (store, product…) that narrows every visual.'));
  for (const f of ed.def.filters) {
    const label = h('input', { class: 'filter-label-input', value: f.label || '', 'aria-label': 'Filter label' });
    label.addEventListener('input', () => { f.label = label.value; markDirty(ed); });
    const field = select('', [...cols.keys()].map(n => [n, `${n} (${cols.get(n)})`]), f.field, v => {
      f.field = v;
      if (f.type === 'dateRange') f.timeUnit = /int/.test(cols.get(v) || '') ? 'epoch_seconds' : 'timestamp';
      drawFilters(ed);
    }, 'filter-field');
    const type = select('', [['values', 'Values (multi-select)'], ['dateRange', 'Date range']], f.type, v => {
      f.type = v;
      if (v === 'dateRange') f.timeUnit = /int/.test(cols.get(f.field) || '') ? 'epoch_seconds' : 'timestamp';
      else delete f.timeUnit;
      drawFilters(ed);
    }, 'filter-type');
    const unit = f.type === 'dateRange' ? select('', [['epoch_seconds', 'Unix seconds'], ['timestamp', 'Timestamp']], f.timeUnit || 'timestamp', v => { f.timeUnit = v; }, 'filter-unit') : null;
    const remove = h('button', { type: 'button', class: 'filter-remove small-btn danger', title: 'Remove filter', onclick: () => {
      ed.def.filters = ed.def.filters.filter(x => x !== f);
      markDirty(ed);
      drawFilters(ed);
    } }, '✕');
    for (const s of [field, type, unit]) s?.addEventListener('change', () => markDirty(ed));
    ed.filters.append(h('div', { class: 'editor-filter', dataset: { filterId: f.id } }, label, field, type, unit, remove));
  }
}

// select builds a <select>; options are [value, label] pairs or strings.
function select(id, options, value, onChange, cls) {
  const s = h('select', { id: id || undefined, class: cls },
    options.map(o => Array.isArray(o) ? h('option', { value: o[0] }, o[1]) : h('option', { value: o }, o === '' ? '—' : o)));
  s.value = value ?? '';
  if (value && s.value !== String(value)) { // keep a value the list lacks (a renamed column) visible
    s.append(h('option', { value }, `${value} (missing)`));
    s.value = value;
  }
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

const freeID = (prefix, items) => {
  const used = new Set(items.map(x => x.id));
  let n = items.length + 1;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
};

// freeSpot finds the first place on the 12-column grid where a w×h visual
// overlaps nothing.
function freeSpot(visuals, w, hgt) {
  const hit = (x, y) => visuals.some(v => {
    const l = v.layout || {};
    return x < l.x + l.w && l.x < x + w && y < l.y + l.h && l.y < y + hgt;
  });
  for (let y = 0; ; y++) for (let x = 0; x + w <= 12; x++) if (!hit(x, y)) return { x, y, w, h: hgt };
}

function addVisual(ed) {
  const ds = ed.datasets[0];
  const cols = ds?.columns || [];
  const dim = cols.find(c => !/int|double|float|decimal|real/.test(c.type)) || cols[0];
  const m = cols.find(c => /int|double|float|decimal|real/.test(c.type));
  const v = {
    id: freeID('v', ed.def.visuals), type: 'bar', title: 'New visual', datasetId: ds?.id || '',
    dimension: dim ? { field: dim.name } : undefined,
    measures: [m ? { field: m.name, agg: 'sum' } : { field: '*', agg: 'count' }],
    options: {}, layout: freeSpot(ed.def.visuals, 6, 4),
  };
  ed.def.visuals.push(v);
  ed.selected = v.id;
  markDirty(ed);
  drawGrid(ed);
  drawForm(ed);
  ed.cards.get(v.id)?.el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

// drawGrid (re)builds the cards; each is previewed with the editor's data.
function drawGrid(ed) {
  for (const c of ed.cards.values()) c.view?.dispose();
  ed.cards.clear();
  clear(ed.grid);
  if (!ed.def.visuals.length) ed.grid.append(h('div', { class: 'dash-empty muted' }, 'No visuals yet. Use “+ Add visual”. Create datasets first on the ', h('a', { href: '#/datasets' }, 'Datasets'), ' page.'));
  for (const v of ed.def.visuals) {
    const card = visualCard(v, epochFields(ed));
    card.el.tabIndex = 0;
    card.el.addEventListener('click', () => select_(ed, v.id));
    card.el.addEventListener('keydown', e => { if (e.key === 'Enter') select_(ed, v.id); });
    card.preview = debounce(() => preview(ed, card), 350);
    ed.cards.set(v.id, card);
    ed.grid.append(card.el);
    preview(ed, card);
  }
  highlight(ed);
}

const epochFields = ed => ed.def.filters.filter(f => f.type === 'dateRange' && f.timeUnit === 'epoch_seconds').map(f => f.field);

function select_(ed, id) {
  if (ed.selected === id) return;
  ed.selected = id;
  highlight(ed);
  drawForm(ed);
}

function highlight(ed) {
  for (const [id, c] of ed.cards) c.el.classList.toggle('selected', id === ed.selected);
}

// preview asks the server for the (possibly unsaved) visual's data.
async function preview(ed, card) {
  const v = card.visual;
  card.el.dataset.visualType = v.type;
  card.el.className = `visual visual-${v.type}${v.id === ed.selected ? ' selected' : ''}`;
  card.el.style.cssText = gridArea(v.layout);
  card.el.querySelector('.visual-title').textContent = v.title || '';
  if (!v.datasetId) { card.fail(new Error('Choose a dataset for this visual.')); return; }
  const seq = ++card.seq;
  card.el.classList.add('refreshing');
  try {
    const data = await send('POST', '/api/visuals/data', { visual: v, filters: {}, dashboardFilters: ed.def.filters });
    if (seq === card.seq) card.draw(data, false);
  } catch (e) {
    if (seq === card.seq) card.fail(e);
  } finally {
    if (seq === card.seq) card.el.classList.remove('refreshing');
  }
}

// changed records an edit of the selected visual: re-preview it, and
// rebuild the form when the set of fields it shows changes.
function changed(ed, v, rebuildForm) {
  markDirty(ed);
  const card = ed.cards.get(v.id);
  card.el.style.cssText = gridArea(v.layout);
  card.el.querySelector('.visual-title').textContent = v.title || '';
  card.preview();
  if (rebuildForm) drawForm(ed);
}

function drawForm(ed) {
  clear(ed.form);
  const v = ed.def.visuals.find(x => x.id === ed.selected);
  if (!v) {
    ed.form.append(h('div', { class: 'panel muted' }, ed.def.visuals.length ? 'Select a visual to edit it.' : 'Add a visual to start.'));
    return;
  }
  ed.form.append(visualForm(ed, v));
}

// visualForm is the property panel of one visual.
function visualForm(ed, v) {
  const ds = ed.datasets.find(d => d.id === v.datasetId);
  const cols = (ds?.columns || []).map(c => [c.name, `${c.name} · ${c.type}`]);
  const numCols = (ds?.columns || []).filter(c => /int|double|float|decimal|real/.test(c.type)).map(c => [c.name, `${c.name} · ${c.type}`]);
  const o = v.options = v.options || {};
  const upd = (fn, rebuild = false) => val => { fn(val); changed(ed, v, rebuild); };
  const row = (label, ...inputs) => h('label', {}, label, ...inputs);
  const box = (id, checked, fn) => {
    const c = h('input', { id, type: 'checkbox', checked: !!checked });
    c.addEventListener('change', () => upd(fn)(c.checked));
    return c;
  };
  const numIn = (id, value, fn, attrs = {}) => {
    const i = h('input', { id, type: 'number', value: value ?? '', ...attrs });
    i.addEventListener('change', () => upd(fn)(i.value === '' ? undefined : Number(i.value)));
    return i;
  };
  const title = h('input', { id: 'visual-title', value: v.title || '' });
  title.addEventListener('input', () => upd(x => { v.title = x; })(title.value));
  const parts = [
    row('Title', title),
    h('div', { class: 'form-row' },
      row('Type', select('visual-type', VISUAL_TYPES.map(t => [t, TYPE_LABELS[t]]), v.type, upd(t => retype(v, t), true))),
      row('Dataset', select('visual-dataset', [['', 'Choose…'], ...ed.datasets.map(d => [d.id, d.name])], v.datasetId, upd(id => { v.datasetId = id; }, true)))),
  ];
  if (!ds) return h('form', { id: 'visual-form', class: 'panel visual-form', onsubmit: e => e.preventDefault() }, ...parts, h('p', { class: 'muted small' }, 'Pick a dataset to choose fields.'));
  const raw = v.type === 'table' && v.columns?.length;
  if (uses(v.type, 'columns')) parts.push(columnsWell(v, ds, upd));
  if (uses(v.type, 'dimension') && !raw) {
    parts.push(h('div', { class: 'form-row' },
      row(v.type === 'scatter' ? 'X axis (dimension)' : v.type === 'pivot' ? 'Rows (dimension)' : 'Dimension', select('visual-dimension', [['', '—'], ...cols], v.dimension?.field, upd(f => { v.dimension = f ? { ...v.dimension, field: f } : undefined; }))),
      v.type === 'scatter' ? null : row('Time grain', select('visual-timegrain', GRAINS.map(g => [g, g || 'none']), v.dimension?.timeGrain || '', upd(g => { v.dimension = { ...(v.dimension || { field: '' }), timeGrain: g }; })))));
  }
  if (!raw && (uses(v.type, 'measures') || uses(v.type, 'measure'))) parts.push(measuresWell(ed, v, cols, upd));
  if (uses(v.type, 'histogram')) {
    v.measures = v.measures?.length ? v.measures : [{ field: numCols[0]?.[0] || '', agg: 'none' }];
    parts.push(h('div', { class: 'form-row' },
      row('Value field', select('visual-measure-0-field', numCols, v.measures[0].field, upd(f => { v.measures = [{ field: f, agg: 'none' }]; }))),
      row('Bins', numIn('visual-bins', o.bins ?? 20, x => { o.bins = x; }, { min: 1, max: 1000 }))));
  }
  if (uses(v.type, 'group') && !raw) {
    parts.push(row(v.type === 'pivot' ? 'Columns (group)' : v.type === 'heatmap' ? 'Y axis (group)' : 'Colour / series (group)',
      select('visual-group', [['', '—'], ...cols], v.group?.field, upd(f => { v.group = f ? { field: f } : undefined; }))));
  }
  if (uses(v.type, 'sort')) {
    const byOpts = raw ? [['', 'default'], ...v.columns.map(c => [c, c])] : [['', 'default'], ['dimension', 'Dimension'], ['measure', 'First measure']];
    parts.push(h('div', { class: 'form-row' },
      row('Sort by', select('visual-sort-by', byOpts, v.sort?.by || '', upd(b => { v.sort = b ? { by: b, order: v.sort?.order || 'desc' } : undefined; }, true))),
      v.sort?.by ? row('Order', select('visual-sort-order', [['asc', 'Ascending'], ['desc', 'Descending']], v.sort.order || 'asc', upd(x => { v.sort.order = x; }))) : null,
      row(raw ? 'Row limit' : 'Top N', numIn('visual-topn', v.topN || '', x => { v.topN = x || undefined; }, { min: 0, placeholder: 'all' }))));
  }
  const flags = [];
  if (uses(v.type, 'orientation')) flags.push(row('Orientation', select('visual-orientation', [['vertical', 'Vertical'], ['horizontal', 'Horizontal']], o.orientation || 'vertical', upd(x => { o.orientation = x; }))));
  if (uses(v.type, 'stacked')) flags.push(h('label', { class: 'check' }, box('visual-stacked', o.stacked, x => { o.stacked = x; }), 'Stacked'));
  if (uses(v.type, 'donut')) flags.push(h('label', { class: 'check' }, box('visual-donut', o.donut, x => { o.donut = x; }), 'Donut'));
  if (flags.length) parts.push(h('div', { class: 'form-row' }, flags));
  if (uses(v.type, 'comparison')) parts.push(comparisonWell(v, cols, upd, numIn));
  if (uses(v.type, 'minmax')) parts.push(h('div', { class: 'form-row' }, row('Min', numIn('visual-min', o.min, x => { o.min = x; })), row('Max', numIn('visual-max', o.max, x => { o.max = x; }, { placeholder: 'auto' }))));
  if (uses(v.type, 'format')) parts.push(formatWell(v, upd, numIn, box));
  parts.push(layoutWell(ed, v));
  return h('form', { id: 'visual-form', class: 'panel visual-form', onsubmit: e => e.preventDefault() }, ...parts);
}

// retype switches a visual's type, keeping what still makes sense.
function retype(v, t) {
  v.type = t;
  if (t !== 'table') delete v.columns;
  if (t === 'scatter') v.measures = (v.measures || []).slice(0, 1);
  else if (t === 'histogram') v.measures = (v.measures || []).slice(0, 1).map(m => ({ field: m.field === '*' ? '' : m.field, agg: 'none' }));
  else v.measures = (v.measures || []).map(m => (m.agg === 'none' ? { ...m, agg: 'sum' } : m));
  if (uses(t, 'measure')) v.measures = (v.measures || []).slice(0, 1);
  // The dimension is kept (switching kpi → bar → pie keeps the axis); a
  // group the type cannot take is dropped, as the server rejects it.
  if (!uses(t, 'group')) delete v.group;
  if (!uses(t, 'comparison')) delete v.options?.comparison;
}

function columnsWell(v, ds, upd) {
  const chosen = new Set(v.columns || []);
  const list = h('div', { id: 'visual-columns', class: 'check-list' }, (ds.columns || []).map(c => {
    const i = h('input', { type: 'checkbox', value: c.name, checked: chosen.has(c.name) });
    i.addEventListener('change', () => upd(() => {
      const now = [...list.querySelectorAll('input:checked')].map(x => x.value);
      v.columns = now.length ? now : undefined;
    }, true)());
    return h('label', { class: 'check' }, i, c.name);
  }));
  return h('fieldset', {}, h('legend', {}, 'Raw columns (tick to list rows instead of aggregating)'), list);
}

function measuresWell(ed, v, cols, upd) {
  const single = uses(v.type, 'measure');
  const rawAllowed = v.type === 'scatter';
  v.measures = v.measures?.length ? v.measures : [{ field: '*', agg: 'count' }];
  const aggs = rawAllowed ? [...AGGS, 'none'] : AGGS;
  const rows = v.measures.map((m, i) => h('div', { class: 'measure-row' },
    select(`visual-measure-${i}-agg`, aggs.map(a => [a, a === 'none' ? 'none (raw points)' : a.replace('_', ' ')]), m.agg, upd(a => { m.agg = a; if (a !== 'count' && m.field === '*') m.field = cols[0]?.[0] || ''; }, true)),
    select(`visual-measure-${i}-field`, m.agg === 'count' ? [['*', '(rows)'], ...cols] : cols, m.field, upd(f => { m.field = f; })),
    (() => { const l = h('input', { id: `visual-measure-${i}-label`, value: m.label || '', placeholder: 'label' }); l.addEventListener('input', () => upd(x => { m.label = x || undefined; })(l.value)); return l; })(),
    !single && v.measures.length > 1 ? h('button', { id: `visual-measure-${i}-remove`, type: 'button', class: 'small-btn danger', title: 'Remove measure', onclick: upd(() => { v.measures.splice(i, 1); }, true) }, '✕') : null));
  return h('fieldset', {}, h('legend', {}, single ? 'Measure' : 'Measures'), rows,
    single ? null : h('button', { id: 'visual-add-measure', type: 'button', class: 'small-btn', onclick: upd(() => { v.measures.push({ field: '*', agg: 'count' }); }, true) }, '+ Measure'));
}

function comparisonWell(v, cols, upd, numIn) {
  const o = v.options;
  const c = o.comparison;
  const type = select('visual-comparison-type', [['', 'None'], ['target', 'Target value'], ['measure', 'Another measure']], c?.type || '', upd(t => {
    o.comparison = t === 'target' ? { type: t, value: 100 } : t === 'measure' ? { type: t, measure: { field: '*', agg: 'count' } } : undefined;
  }, true));
  const extra = c?.type === 'target' ? [h('label', {}, 'Target', numIn('visual-comparison-value', c.value, x => { c.value = x; }))]
    : c?.type === 'measure' ? [
      h('label', {}, 'Aggregation', select('visual-comparison-agg', AGGS, c.measure.agg, upd(a => { c.measure.agg = a; if (a !== 'count' && c.measure.field === '*') c.measure.field = cols[0]?.[0] || ''; }, true))),
      h('label', {}, 'Field', select('visual-comparison-field', c.measure.agg === 'count' ? [['*', '(rows)'], ...cols] : cols, c.measure.field, upd(f => { c.measure.field = f; })))] : [];
  return h('fieldset', {}, h('legend', {}, 'Comparison'), h('div', { class: 'form-row' }, h('label', {}, 'Compare with', type), ...extra));
}

function formatWell(v, upd, numIn, box) {
  const o = v.options;
  const f = o.format || {};
  const set = fn => x => { o.format = { ...(o.format || {}) }; fn(o.format, x); };
  return h('fieldset', {}, h('legend', {}, 'Number format'), h('div', { class: 'form-row' },
    h('label', {}, 'Style', select('visual-format-style', [['number', 'Number'], ['percent', 'Percent'], ['currency', 'Currency']], f.style || 'number', upd(set((fm, x) => { fm.style = x; }), true))),
    h('label', {}, 'Decimals', numIn('visual-format-decimals', f.decimals, set((fm, x) => { fm.decimals = x; }), { min: 0, max: 6, placeholder: 'auto' })),
    f.style === 'currency' ? h('label', {}, 'Currency', select('visual-format-currency', ['USD', 'EUR', 'GBP', 'JPY', 'VND', 'AUD', 'CAD', 'CHF', 'CNY', 'INR'], f.currency || 'USD', upd(set((fm, x) => { fm.currency = x; })))) : null,
    h('label', { class: 'check' }, box('visual-format-compact', f.compact, set((fm, x) => { fm.compact = x; })), 'Compact (1.2K)')));
}

// layoutWell sizes and moves the visual on the 12-column grid.
function layoutWell(ed, v) {
  const l = v.layout = v.layout || freeSpot(ed.def.visuals.filter(x => x !== v), 6, 4);
  const apply = () => { l.x = Math.max(0, Math.min(l.x, 12 - l.w)); l.y = Math.max(0, l.y); changed(ed, v, false); };
  const size = (id, max, key) => select(id, Array.from({ length: max }, (_, i) => [String(i + 1), String(i + 1)]), String(l[key]), x => { l[key] = Number(x); apply(); });
  const move = (id, label, dx, dy) => h('button', { id, type: 'button', class: 'small-btn', title: `Move ${id.split('-').pop()}`, onclick: () => { l.x += dx; l.y += dy; apply(); } }, label);
  return h('fieldset', {}, h('legend', {}, 'Size and position'), h('div', { class: 'form-row' },
    h('label', {}, 'Width (of 12)', size('visual-w', 12, 'w')),
    h('label', {}, 'Height (rows)', size('visual-h', 10, 'h')),
    h('div', { class: 'move-pad' }, move('visual-move-up', '↑', 0, -1), move('visual-move-left', '←', -1, 0), move('visual-move-right', '→', 1, 0), move('visual-move-down', '↓', 0, 1))),
  h('div', { class: 'toolbar top-gap' },
    h('button', { id: 'visual-duplicate', type: 'button', class: 'small-btn', onclick: () => duplicate(ed, v) }, 'Duplicate'),
    h('button', { id: 'visual-delete', type: 'button', class: 'small-btn danger', onclick: () => removeVisual(ed, v) }, 'Delete visual')));
}

function duplicate(ed, v) {
  const copy = JSON.parse(JSON.stringify(v));
  copy.id = freeID('v', ed.def.visuals);
  copy.title = `${v.title || ''} (copy)`;
  copy.layout = freeSpot(ed.def.visuals, v.layout?.w || 6, v.layout?.h || 4);
  ed.def.visuals.push(copy);
  ed.selected = copy.id;
  markDirty(ed);
  drawGrid(ed);
  drawForm(ed);
}

// removeVisual needs no confirmation: nothing is lost until Save.
function removeVisual(ed, v) {
  ed.def.visuals = ed.def.visuals.filter(x => x !== v);
  ed.selected = ed.def.visuals[0]?.id || null;
  markDirty(ed);
  drawGrid(ed);
  drawForm(ed);
}

