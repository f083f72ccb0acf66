// charts.js: draws one dashboard visual. Charts are ECharts (window.echarts,
// loaded by index.html); KPI numbers, tables and pivot grids are HTML.
//
//   const v = renderVisual(el, visual, data);  // v.ready resolves once drawn
//   v.update(visual, newData, {animate: true}); // re-draw in place (refresh)
//   v.rows, v.value                             // row count; KPI/gauge number
//   opts: {animate, epochFields: [names of integer columns holding Unix seconds]}
//   v.dispose();                                // on page cleanup
//
// data is the visual-data answer {columns:[{name,type}], rows:[[…]]}. Its
// columns are matched to the field wells by name; when names differ (aliases)
// the order dimension, group, measures… is assumed.
import { h, clear } from './ui.js';

export const PALETTE = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16', '#64748b', '#f97316'];
const AXIS = '#94a3b8', LABEL = '#64748b', SPLIT = '#eef1f5';
const HTML_TYPES = new Set(['kpi', 'table', 'pivot']);

export const VISUAL_TYPES = ['bar', 'line', 'area', 'pie', 'kpi', 'table', 'pivot', 'heatmap', 'scatter', 'histogram', 'gauge'];

// numberFormatter turns options.format into a function; compact forces the
// short notation (axis labels).
export function numberFormatter(fmt = {}, compact = false) {
  const o = {};
  if (fmt.style === 'percent' || fmt.style === 'currency') o.style = fmt.style;
  if (fmt.style === 'currency') o.currency = fmt.currency || 'USD';
  if (compact) { o.notation = 'compact'; o.maximumFractionDigits = 1; } // axis ticks: short, no fixed decimals
  else {
    if (Number.isInteger(fmt.decimals)) { o.minimumFractionDigits = fmt.decimals; o.maximumFractionDigits = fmt.decimals; }
    else o.maximumFractionDigits = fmt.style === 'percent' ? 1 : 2;
    if (fmt.compact) { o.notation = 'compact'; if (!Number.isInteger(fmt.decimals)) o.maximumFractionDigits = 1; }
  }
  let nf;
  try { nf = new Intl.NumberFormat(undefined, o); } catch { nf = new Intl.NumberFormat(); }
  return v => (v === null || v === undefined || v === '' || isNaN(v)) ? '–' : nf.format(Number(v));
}

const isTemporalType = t => /^(date|timestamp)/i.test(t || '');
const isNumericType = t => /^(tinyint|smallint|int|integer|bigint|hugeint|double|float|real|decimal)/i.test(t || '');

// toTime reads a timestamp cell: epoch seconds/ms or a date string.
function toTime(v) {
  if (typeof v === 'number') return v < 1e12 ? v * 1000 : v;
  // A zone-less 'YYYY-MM-DD HH:MM:SS' is UTC, like the server's timestamps.
  const t = Date.parse(typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v);
  return isNaN(t) ? null : t;
}

function timeLabel(v, grain) {
  const t = toTime(v);
  if (t === null) return String(v);
  // UTC, as the server truncates to the grain in UTC (and the SQL editor shows UTC).
  const d = new Date(t), p = n => String(n).padStart(2, '0');
  const day = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  if (grain === 'year') return String(d.getUTCFullYear());
  if (grain === 'quarter') return `${d.getUTCFullYear()} Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  if (grain === 'month') return day.slice(0, 7);
  if (grain === 'day' || grain === 'week') return day;
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

// shape finds which result columns hold the dimension, group and measures.
export function shape(visual, data) {
  const cols = (data.columns || []).map(c => c.name);
  const used = new Set();
  const take = (field, fallback) => {
    let i = field ? cols.indexOf(field) : -1;
    if (i < 0 || used.has(i)) i = fallback();
    if (i >= 0) used.add(i);
    return i;
  };
  const firstFree = () => cols.findIndex((_, i) => !used.has(i));
  const dim = visual.dimension?.field ? take(visual.dimension.field, firstFree) : -1;
  const group = visual.group?.field ? take(visual.group.field, firstFree) : -1;
  const measures = cols.map((_, i) => i).filter(i => !used.has(i));
  const type = i => (data.columns[i] || {}).type || '';
  const timeDim = dim >= 0 && (isTemporalType(type(dim)) || !!visual.dimension?.timeGrain);
  return { dim, group, measures, timeDim, type };
}

function dimLabel(v, visual, s) {
  if (v === null || v === undefined) return '(null)';
  return s.timeDim ? timeLabel(v, visual.dimension?.timeGrain) : String(v);
}

const num = v => (v === null || v === undefined || v === '') ? null : Number(v);
const measureName = (visual, data, i, k) => visual.measures?.[k]?.label || data.columns[i]?.name || `measure ${k + 1}`;
const uniq = arr => [...new Set(arr)];

// series turns rows into categories and named value series: one series per
// group value when there is a group, else one per measure.
function series(visual, data, s) {
  const rows = data.rows || [];
  const cats = uniq(rows.map(r => dimLabel(r[s.dim], visual, s)));
  const at = new Map(cats.map((c, i) => [c, i]));
  if (s.group >= 0) {
    const m = s.measures[0];
    const groups = uniq(rows.map(r => String(r[s.group] ?? '(null)')));
    const out = groups.map(g => ({ name: g, data: new Array(cats.length).fill(null) }));
    const gi = new Map(groups.map((g, i) => [g, i]));
    for (const r of rows) out[gi.get(String(r[s.group] ?? '(null)'))].data[at.get(dimLabel(r[s.dim], visual, s))] = num(r[m]);
    return { cats, list: out };
  }
  return { cats, list: s.measures.map((m, k) => ({ name: measureName(visual, data, m, k), data: rows.map(r => num(r[m])) })) };
}

function base(visual, opts, extra) {
  return {
    color: PALETTE,
    animation: !!opts.animate, animationDuration: 250, animationDurationUpdate: 250,
    aria: { enabled: true, decal: { show: false } },
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', fontSize: 11 },
    tooltip: { confine: true, backgroundColor: 'rgba(15,23,42,.92)', borderWidth: 0, textStyle: { color: '#f8fafc', fontSize: 12 } },
    ...extra,
  };
}

const legend = show => show ? { type: 'scroll', top: 0, left: 0, icon: 'roundRect', itemWidth: 10, itemHeight: 10, itemGap: 12, textStyle: { color: LABEL } } : { show: false };
const grid = hasLegend => ({ left: 4, right: 12, top: hasLegend ? 30 : 10, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' });
const valueAxis = fmt => ({ type: 'value', axisLabel: { color: LABEL, formatter: numberFormatter(fmt, true) }, splitLine: { lineStyle: { color: SPLIT } } });
const categoryAxis = cats => ({ type: 'category', data: cats, axisTick: { show: false }, axisLine: { lineStyle: { color: AXIS } }, axisLabel: { color: LABEL, hideOverlap: true } });

function barOption(visual, data, opts) {
  const s = shape(visual, data), o = visual.options || {}, fmt = o.format;
  const { cats, list } = series(visual, data, s);
  const horizontal = o.orientation === 'horizontal';
  const cat = { ...categoryAxis(cats), inverse: horizontal }, val = valueAxis(fmt);
  return base(visual, opts, {
    legend: legend(list.length > 1), grid: grid(list.length > 1),
    tooltip: { ...base(visual, opts).tooltip, trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: numberFormatter(fmt) },
    xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val,
    series: list.map(l => ({ type: 'bar', id: l.name, name: l.name, data: l.data, stack: o.stacked ? 'total' : undefined, barMaxWidth: 40, emphasis: { focus: 'series' }, itemStyle: { borderRadius: o.stacked ? 0 : (horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0]) } })),
  });
}

function lineOption(visual, data, opts, area) {
  const s = shape(visual, data), o = visual.options || {}, fmt = o.format;
  const { cats, list } = series(visual, data, s);
  const many = cats.length > 40;
  return base(visual, opts, {
    legend: legend(list.length > 1), grid: grid(list.length > 1),
    tooltip: { ...base(visual, opts).tooltip, trigger: 'axis', valueFormatter: numberFormatter(fmt) },
    xAxis: { ...categoryAxis(cats), boundaryGap: false }, yAxis: valueAxis(fmt),
    series: list.map(l => ({
      type: 'line', id: l.name, name: l.name, data: l.data, showSymbol: !many, symbolSize: 5, connectNulls: true,
      lineStyle: { width: 2 }, stack: area && o.stacked ? 'total' : undefined, emphasis: { focus: 'series' },
      areaStyle: area ? { opacity: list.length > 1 && !o.stacked ? 0.12 : 0.22 } : undefined,
    })),
  });
}

function pieOption(visual, data, opts) {
  const s = shape(visual, data), o = visual.options || {}, fmt = numberFormatter(o.format);
  const m = s.measures[0];
  const items = (data.rows || []).map(r => ({ name: dimLabel(r[s.dim], visual, s), value: num(r[m]) }));
  return base(visual, opts, {
    legend: { ...legend(true), top: 'auto', bottom: 0, left: 'center' },
    tooltip: { ...base(visual, opts).tooltip, trigger: 'item', formatter: p => `${p.marker}${p.name}: <b>${fmt(p.value)}</b> (${p.percent}%)` },
    series: [{
      type: 'pie', id: 'pie', name: measureName(visual, data, m, 0), data: items,
      radius: o.donut ? ['40%', '66%'] : [0, '66%'], center: ['50%', '46%'], avoidLabelOverlap: true,
      itemStyle: { borderColor: '#fff', borderWidth: 1, borderRadius: o.donut ? 3 : 0 },
      label: { show: items.length <= 12, formatter: '{d}%', color: LABEL }, labelLine: { length: 6, length2: 6 },
    }],
  });
}

function heatmapOption(visual, data, opts) {
  const s = shape(visual, data), fmt = numberFormatter(visual.options?.format);
  const m = s.measures[0], rows = data.rows || [];
  const xs = uniq(rows.map(r => dimLabel(r[s.dim], visual, s)));
  const ys = uniq(rows.map(r => String(r[s.group] ?? '(null)')));
  const xi = new Map(xs.map((x, i) => [x, i])), yi = new Map(ys.map((y, i) => [y, i]));
  const cells = rows.map(r => [xi.get(dimLabel(r[s.dim], visual, s)), yi.get(String(r[s.group] ?? '(null)')), num(r[m])]);
  const vals = cells.map(c => c[2]).filter(v => v !== null);
  return base(visual, opts, {
    grid: { left: 4, right: 12, top: 8, bottom: 36, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: { ...base(visual, opts).tooltip, trigger: 'item', formatter: p => `${xs[p.value[0]]} · ${ys[p.value[1]]}: <b>${fmt(p.value[2])}</b>` },
    xAxis: { ...categoryAxis(xs), splitArea: { show: false } }, yAxis: { ...categoryAxis(ys), axisLine: { show: false } },
    visualMap: { min: vals.length ? Math.min(...vals) : 0, max: vals.length ? Math.max(...vals) : 1, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, itemWidth: 10, textStyle: { color: LABEL }, formatter: numberFormatter(visual.options?.format, true), inRange: { color: ['#eff6ff', '#93c5fd', '#2563eb', '#1e3a8a'] } },
    series: [{ type: 'heatmap', id: 'heat', name: measureName(visual, data, m, 0), data: cells, label: { show: cells.length <= 60, fontSize: 10, formatter: p => numberFormatter(visual.options?.format, true)(p.value[2]) }, itemStyle: { borderColor: '#fff', borderWidth: 1 } }],
  });
}

function scatterOption(visual, data, opts) {
  const s = shape(visual, data), fmt = visual.options?.format;
  const m = s.measures[0], rows = data.rows || [];
  const numericX = s.dim >= 0 && (isNumericType(s.type(s.dim)) || rows.every(r => r[s.dim] === null || !isNaN(Number(r[s.dim]))));
  const point = r => [numericX ? num(r[s.dim]) : dimLabel(r[s.dim], visual, s), num(r[m])];
  const groups = s.group >= 0 ? uniq(rows.map(r => String(r[s.group] ?? '(null)'))) : [measureName(visual, data, m, 0)];
  const list = groups.map(g => ({ type: 'scatter', id: g, name: g, symbolSize: rows.length > 500 ? 4 : 7, itemStyle: { opacity: 0.75 }, data: (s.group >= 0 ? rows.filter(r => String(r[s.group] ?? '(null)') === g) : rows).map(point) }));
  const xName = visual.dimension?.field || '', yName = measureName(visual, data, m, 0);
  return base(visual, opts, {
    legend: legend(groups.length > 1), grid: { ...grid(groups.length > 1), bottom: 20, outerBoundsContain: 'all' },
    tooltip: { ...base(visual, opts).tooltip, trigger: 'item', formatter: p => `${p.marker}${p.seriesName}<br>${xName}: ${p.value[0]}<br>${yName}: <b>${numberFormatter(fmt)(p.value[1])}</b>` },
    xAxis: numericX ? { ...valueAxis({}), scale: true, name: xName, nameLocation: 'middle', nameGap: 22, nameTextStyle: { color: LABEL } } : categoryAxis(uniq(rows.map(r => dimLabel(r[s.dim], visual, s)))),
    yAxis: { ...valueAxis(fmt), scale: true },
    series: list,
  });
}

// histogramBins reads the answer as bins: (start, end, count), (label, count)
// or, when the server sent raw values, counts them into options.bins bins.
export function histogramBins(visual, data) {
  const rows = data.rows || [], n = (data.columns || []).length;
  const f = numberFormatter({}, true);
  if (n >= 3) return rows.map(r => ({ label: `${f(r[0])}–${f(r[1])}`, count: num(r[2]) }));
  if (n === 2) return rows.map(r => ({ label: isNaN(Number(r[0])) ? String(r[0]) : f(r[0]), count: num(r[1]) }));
  const vals = rows.map(r => num(r[0])).filter(v => v !== null && !isNaN(v));
  if (!vals.length) return [];
  const bins = Math.max(1, visual.options?.bins || 20);
  const lo = Math.min(...vals), hi = Math.max(...vals), width = (hi - lo) / bins || 1;
  const counts = new Array(bins).fill(0);
  for (const v of vals) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return counts.map((c, i) => ({ label: `${f(lo + i * width)}–${f(lo + (i + 1) * width)}`, count: c }));
}

function histogramOption(visual, data, opts) {
  const bins = histogramBins(visual, data);
  return base(visual, opts, {
    grid: grid(false),
    tooltip: { ...base(visual, opts).tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: categoryAxis(bins.map(b => b.label)), yAxis: valueAxis({}),
    series: [{ type: 'bar', id: 'hist', name: visual.measures?.[0]?.label || visual.measures?.[0]?.field || 'count', data: bins.map(b => b.count), barCategoryGap: '4%', itemStyle: { borderRadius: [2, 2, 0, 0] } }],
  });
}

// kpiValues reads the KPI/gauge number and its comparison (a target, or the
// second measure column the server returns for a measure comparison).
export function kpiValues(visual, data) {
  const row = (data.rows || [])[0] || [];
  const s = shape(visual, data);
  const value = num(row[s.measures[0]]);
  const c = visual.options?.comparison;
  let ref = null;
  if (c?.type === 'target' && c.value !== undefined && c.value !== null) ref = Number(c.value);
  else if (c?.type === 'measure' && s.measures.length > 1) ref = num(row[s.measures[1]]);
  return { value, ref, label: c?.type === 'target' ? 'target' : (c?.measure?.label || c?.measure?.field || 'comparison') };
}

function niceMax(v) {
  if (!(v > 0)) return 100;
  const p = 10 ** Math.floor(Math.log10(v * 1.2));
  return Math.ceil((v * 1.2) / p) * p;
}

function gaugeOption(visual, data, opts) {
  const o = visual.options || {}, fmt = numberFormatter(o.format);
  const { value, ref } = kpiValues(visual, data);
  const min = o.min ?? 0, max = o.max ?? niceMax(Math.max(value || 0, ref || 0));
  const color = ref !== null && value !== null ? (value >= ref ? '#10b981' : '#f59e0b') : PALETTE[0];
  return base(visual, opts, {
    series: [{
      type: 'gauge', id: 'gauge', name: visual.measures?.[0]?.label || visual.measures?.[0]?.field || 'value',
      min, max, startAngle: 210, endAngle: -30, radius: '92%', center: ['50%', '58%'],
      progress: { show: true, width: 12, roundCap: true, itemStyle: { color } },
      axisLine: { roundCap: true, lineStyle: { width: 12, color: [[1, '#e5e7eb']] } },
      axisTick: { show: false }, splitLine: { length: 6, distance: 4, lineStyle: { color: '#cbd5e1' } },
      axisLabel: { distance: 16, color: LABEL, fontSize: 10, formatter: numberFormatter(o.format, true) },
      pointer: { show: false }, anchor: { show: false },
      title: { show: ref !== null, offsetCenter: [0, '38%'], color: LABEL, fontSize: 11 },
      detail: { valueAnimation: !!opts.animate, offsetCenter: [0, '5%'], fontSize: 24, fontWeight: 600, color: '#1d2430', formatter: v => fmt(v) },
      data: [{ value, name: ref !== null ? `target ${fmt(ref)}` : '' }],
    }],
  });
}

const OPTION = { bar: barOption, line: lineOption, area: (v, d, o) => lineOption(v, d, o, true), pie: pieOption, heatmap: heatmapOption, scatter: scatterOption, histogram: histogramOption, gauge: gaugeOption };

function kpiHTML(el, visual, data) {
  const o = visual.options || {}, fmt = numberFormatter(o.format);
  const { value, ref, label } = kpiValues(visual, data);
  let cmp = null;
  if (ref !== null && value !== null) {
    const diff = value - ref, pct = ref ? diff / Math.abs(ref) : null;
    const cls = diff > 0 ? 'up' : diff < 0 ? 'down' : 'flat';
    cmp = h('div', { class: `kpi-cmp ${cls}` }, h('span', { class: 'kpi-arrow' }, diff > 0 ? '▲' : diff < 0 ? '▼' : '■'),
      ` ${pct === null ? fmt(diff) : numberFormatter({ style: 'percent', decimals: 1 })(pct)} `,
      h('span', { class: 'muted' }, `vs ${label} ${fmt(ref)}`));
  }
  el.append(h('div', { class: 'kpi' },
    h('div', { class: 'kpi-value', title: value === null ? '' : String(value) }, fmt(value)),
    h('div', { class: 'kpi-label muted' }, visual.measures?.[0]?.label || [visual.measures?.[0]?.agg, visual.measures?.[0]?.field].filter(Boolean).join(' of ')),
    cmp));
  return value;
}

function tableHTML(el, visual, data, opts) {
  const s = shape(visual, data), fmt = numberFormatter(visual.options?.format);
  const epoch = new Set(opts.epochFields || []);
  const measureCols = new Set(visual.columns?.length ? [] : s.measures);
  const cols = data.columns || [];
  const cell = (v, i) => {
    const t = cols[i].type;
    if (measureCols.has(i)) return h('td', { class: 'num' }, fmt(v));
    if (epoch.has(cols[i].name) && v !== null) return h('td', {}, timeLabel(Number(v), 'minute'));
    if (isNumericType(t) && v !== null) return h('td', { class: 'num' }, Number(v).toLocaleString());
    if (isTemporalType(t) && v !== null) return h('td', {}, timeLabel(v, i === s.dim ? visual.dimension?.timeGrain || 'day' : 'minute'));
    return h('td', {}, v === null ? h('span', { class: 'muted' }, 'null') : String(v));
  };
  const label = i => { const k = s.measures.indexOf(i); return measureCols.has(i) ? measureName(visual, data, i, k) : cols[i].name; };
  // Only one page of rows is in the DOM: a 1,000-row table would cost the
  // dashboard more layout time than all its charts together.
  const rows = data.rows || [];
  const body = h('tbody');
  const note = h('div', { class: 'vnote muted' });
  let page = 0;
  const show = p => {
    page = Math.max(0, Math.min(p, Math.ceil(rows.length / TABLE_PAGE) - 1));
    body.replaceChildren(...rows.slice(page * TABLE_PAGE, (page + 1) * TABLE_PAGE).map(r => h('tr', {}, r.map(cell))));
    const from = page * TABLE_PAGE, to = Math.min(rows.length, from + TABLE_PAGE);
    note.replaceChildren(`Rows ${from + 1}–${to} of ${rows.length}${data.truncated ? ' (first rows only)' : ''} `,
      rows.length > TABLE_PAGE ? [
        h('button', { type: 'button', class: 'link vpage-prev', disabled: page === 0, onclick: () => show(page - 1) }, '‹ Prev'), ' ',
        h('button', { type: 'button', class: 'link vpage-next', disabled: to >= rows.length, onclick: () => show(page + 1) }, 'Next ›')] : []);
  };
  el.append(h('div', { class: 'vtable' }, h('table', { class: 'grid dense' },
    h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { class: measureCols.has(i) || (isNumericType(c.type) && !epoch.has(c.name)) ? 'num' : '' }, label(i))))),
    body)));
  show(0);
  if (rows.length > TABLE_PAGE || data.truncated) el.append(note);
}

const TABLE_PAGE = 50;

function pivotHTML(el, visual, data) {
  const s = shape(visual, data), fmt = numberFormatter(visual.options?.format);
  const m = s.measures[0], rows = data.rows || [];
  const rk = uniq(rows.map(r => dimLabel(r[s.dim], visual, s)));
  const ck = s.group >= 0 ? uniq(rows.map(r => String(r[s.group] ?? '(null)'))) : [measureName(visual, data, m, 0)];
  const cells = new Map();
  for (const r of rows) cells.set(`${dimLabel(r[s.dim], visual, s)}\u0000${s.group >= 0 ? String(r[s.group] ?? '(null)') : ck[0]}`, num(r[m]));
  const max = Math.max(0, ...[...cells.values()].filter(v => v !== null).map(Math.abs));
  const additive = ['sum', 'count'].includes(visual.measures?.[0]?.agg);
  const total = vals => vals.reduce((a, v) => a + (v || 0), 0);
  const td = v => h('td', { class: 'num', style: max && v ? `background: rgba(37,99,235,${(0.04 + 0.3 * Math.abs(v) / max).toFixed(3)})` : '' }, v === undefined ? '' : fmt(v));
  const get = (r, c) => cells.get(`${r}\u0000${c}`);
  el.append(h('div', { class: 'vtable' }, h('table', { class: 'grid dense pivot' },
    h('thead', {}, h('tr', {}, h('th', {}, `${visual.dimension?.field || ''}${s.group >= 0 ? ` \\ ${visual.group.field}` : ''}`), ck.map(c => h('th', { class: 'num' }, c)), additive && ck.length > 1 ? h('th', { class: 'num' }, 'Total') : null)),
    h('tbody', {}, rk.map(r => h('tr', {}, h('th', { scope: 'row' }, r), ck.map(c => td(get(r, c))),
      additive && ck.length > 1 ? h('td', { class: 'num total' }, fmt(total(ck.map(c => get(r, c))))) : null))),
    additive ? h('tfoot', {}, h('tr', {}, h('th', {}, 'Total'), ck.map(c => h('td', { class: 'num total' }, fmt(total(rk.map(r => get(r, c)))))),
      ck.length > 1 ? h('td', { class: 'num total' }, fmt(total(rows.map(r => num(r[m]))))) : null)) : null)));
}

const HTML = { kpi: kpiHTML, table: tableHTML, pivot: pivotHTML };

// VisualView owns one visual's element: its ECharts instance (if any) and
// the ResizeObserver that keeps the chart sized to its card.
class VisualView {
  constructor(el) {
    this.el = el;
    this.chart = null;
    this.observer = null;
    this.rows = 0;
    this.value = null;
    this.type = null;
    this.ready = Promise.resolve();
  }

  // update draws visual with data; it returns (and stores) a promise that
  // resolves once the drawing is on screen (ECharts' 'finished' event).
  update(visual, data, opts = {}) {
    this.rows = (data.rows || []).length;
    this.value = null;
    if (visual.type === 'kpi' || visual.type === 'gauge') this.value = kpiValues(visual, data).value;
    if (!this.rows && visual.type !== 'kpi') return this.htmlMode(el => el.append(h('div', { class: 'visual-empty muted' }, 'No data')));
    if (HTML[visual.type]) return this.htmlMode(el => HTML[visual.type](el, visual, data, opts));
    const build = OPTION[visual.type];
    if (!build) return this.htmlMode(el => el.append(h('div', { class: 'visual-empty muted' }, `Unknown visual type ${visual.type}`)));
    const fresh = this.type !== visual.type;
    this.type = visual.type;
    return this.chartMode(build(visual, data, opts), fresh);
  }

  htmlMode(draw) {
    this.dropChart();
    this.type = null;
    clear(this.el);
    this.el.classList.remove('chart');
    draw(this.el);
    this.ready = Promise.resolve();
    return this.ready;
  }

  chartMode(option, fresh) {
    if (!this.chart) {
      clear(this.el);
      this.el.classList.add('chart');
      this.chart = window.echarts.init(this.el, null, { renderer: 'canvas' });
      this.observer = new ResizeObserver(() => this.chart && this.chart.resize());
      this.observer.observe(this.el);
    }
    const chart = this.chart;
    this.ready = new Promise(resolve => {
      const done = () => { chart.off('finished', done); clearTimeout(timer); resolve(); };
      const timer = setTimeout(done, 3000); // a zero-sized card may never finish
      chart.on('finished', done);
    });
    // Same type: merge so refreshed values animate; new type: start over.
    if (fresh) chart.setOption(option, true);
    else chart.setOption(option, { replaceMerge: ['series', 'xAxis', 'yAxis', 'visualMap'] });
    return this.ready;
  }

  dropChart() {
    if (this.observer) this.observer.disconnect();
    if (this.chart) this.chart.dispose();
    this.chart = null;
    this.observer = null;
  }

  dispose() { this.dropChart(); }
}

// renderVisual draws visual into el and returns its view (see the top).
export function renderVisual(el, visual, data, opts = {}) {
  const v = new VisualView(el);
  v.update(visual, data, opts);
  return v;
}

export function isChartType(type) { return !HTML_TYPES.has(type); }
