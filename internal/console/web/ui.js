// ui.js: small DOM helpers shared by the pages. Append new helpers at the
// end; keep existing signatures.

// h builds an element: h('div', {class: 'x', onclick: fn}, child, 'text', [more]).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

export function formatBytes(n) {
  if (n === null || n === undefined || isNaN(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  n = Number(n);
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i && n < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(t) {
  if (!t) return '–';
  const d = typeof t === 'number' ? new Date(t < 1e12 ? t * 1000 : t) : new Date(t);
  return isNaN(d) ? String(t) : d.toLocaleString();
}

export function formatNumber(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString();
}

// table renders rows as a <table>: columns [{label, value: row => node|text}].
export function table(columns, rows, attrs = {}) {
  return h('table', { class: 'grid', ...attrs },
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {}, c.label)))),
    h('tbody', {}, rows.length ? rows.map(r => h('tr', {}, columns.map(c => h('td', {}, c.value(r)))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'None'))));
}

export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, err && err.code ? `${err.code}: ${err.message}` : String(err && err.message || err));
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

// ---- resource browser + SQL editor helpers ----

// kv renders a definition list of [label, value] pairs (falsy values show '–').
export function kv(pairs, attrs = {}) {
  return h('dl', { class: 'kv', ...attrs }, pairs.filter(Boolean).map(([k, v]) => [
    h('dt', {}, k), h('dd', {}, v === undefined || v === null || v === '' ? '–' : v),
  ]));
}

// pageHeader is the title row of a page: breadcrumb links, the title, actions.
// crumbs: [[label, href], ...].
export function pageHeader(title, crumbs = [], ...actions) {
  return h('div', { class: 'page-head' },
    crumbs.length ? h('nav', { class: 'crumbs' }, crumbs.map(([label, href]) => [h('a', { href }, label), h('span', { class: 'sep' }, '/')])) : null,
    h('div', { class: 'page-title' }, h('h1', {}, title), h('span', { class: 'spacer' }), ...actions));
}

// statusBadge colours an AWS status word (ACTIVE, SUCCEEDED, FAILED...).
export function statusBadge(status, attrs = {}) {
  const s = String(status || '').toUpperCase();
  const cls = /^(ACTIVE|SUCCEEDED|ENABLED|OPEN)$/.test(s) ? 'ok'
    : /^(FAILED|DELETING|CANCELLED|ERROR|.*_FAILED)$/.test(s) ? 'bad'
      : /^(CREATING|UPDATING|QUEUED|RUNNING|PENDING)$/.test(s) ? 'warn' : '';
  return h('span', { class: `badge ${cls}`.trim(), ...attrs }, s || '–');
}

// formatDuration shows milliseconds as '850 ms', '3.2 s' or '4 min 05 s'.
export function formatDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

// parseS3URI splits 's3://bucket/key' into {bucket, key}, or null.
export function parseS3URI(uri) {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri || '');
  return m ? { bucket: m[1], key: m[2] } : null;
}

// bucketHref links the bucket browser at a prefix. Folder prefixes (ending
// in '/') go in the path; any other prefix is passed exactly as ?prefix=.
export function bucketHref(bucket, prefix = '') {
  const base = `#/buckets/${encodeURIComponent(bucket)}`;
  if (!prefix) return base;
  if (prefix.endsWith('/')) return `${base}/${prefix.slice(0, -1).split('/').map(encodeURIComponent).join('/')}`;
  return `${base}?prefix=${encodeURIComponent(prefix)}`;
}

// tabs builds a tab strip; onSelect(key) runs on a click. Returns
// {el, select(key)}. items: [[key, label], ...].
export function tabs(items, onSelect, attrs = {}) {
  const buttons = new Map(items.map(([key, label]) => [key,
    h('button', { class: 'tab', type: 'button', role: 'tab', dataset: { tab: key }, onclick: () => select(key) }, label)]));
  function select(key) {
    for (const [k, b] of buttons) { b.classList.toggle('active', k === key); b.setAttribute('aria-selected', String(k === key)); }
    onSelect(key);
  }
  return { el: h('div', { class: 'tabs', role: 'tablist', ...attrs }, [...buttons.values()]), select };
}

// poller runs fn now and every ms until stop() is called; a run never
// overlaps the previous one.
export function poller(fn, ms) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    try { await fn(); } catch (e) { console.warn(e); }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

// metricChart draws a small time-series line chart with ECharts into a new
// element. series: [{name, data: [[Date|ms, value], ...]}]; unit formats the
// axis: 'bytes', 'ms' or a suffix such as '/s'. Returns {el, update, dispose}.
export function metricChart(title, unit = '') {
  const box = h('div', { class: 'metric-chart' });
  const el = h('div', { class: 'metric' }, h('div', { class: 'metric-title' }, title), box);
  const fmt = v => unit === 'bytes' ? `${formatBytes(v)}/s` : unit === 'ms' ? formatDuration(v) : `${compactNumber(v)}${unit}`;
  let chart = null;
  let observer = null;
  const ensure = () => {
    if (chart || !window.echarts || !box.isConnected) return chart;
    chart = window.echarts.init(box, null, { renderer: 'svg' });
    observer = new ResizeObserver(() => chart && chart.resize());
    observer.observe(box);
    return chart;
  };
  return {
    el,
    update(series) {
      if (!ensure()) { box.textContent = window.echarts ? '' : 'charts unavailable'; return; }
      chart.setOption({
        animation: false,
        grid: { left: 56, right: 12, top: 10, bottom: 22 },
        tooltip: { trigger: 'axis', valueFormatter: fmt },
        legend: series.length > 1 ? { top: 0, right: 0, itemWidth: 12, textStyle: { fontSize: 11 } } : undefined,
        xAxis: { type: 'time', axisLabel: { fontSize: 10, color: '#6b7280' }, splitLine: { show: false } },
        yAxis: { type: 'value', min: 0, axisLabel: { fontSize: 10, color: '#6b7280', formatter: fmt }, splitLine: { lineStyle: { color: '#eef0f3' } } },
        series: series.map((s, i) => ({
          name: s.name, type: 'line', showSymbol: false, data: s.data, lineStyle: { width: 1.5 },
          areaStyle: i === 0 ? { opacity: 0.08 } : undefined,
        })),
        color: ['#2563eb', '#f59e0b', '#10b981'],
      }, { replaceMerge: ['series'] });
    },
    dispose() { if (observer) observer.disconnect(); if (chart) chart.dispose(); chart = null; },
  };
}

// compactNumber shows 1234567 as '1.2M'.
export function compactNumber(n) {
  if (n === null || n === undefined || isNaN(n)) return '–';
  return Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

// statCard is a small labelled figure for a .cards row.
export function statCard(label, value, attrs = {}, ...extra) {
  return h('div', { class: 'card stat', ...attrs }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), ...extra);
}

// sqlErrorPosition finds where an Athena error points in the query: Trino
// style 'line 1:8: ...' or DuckDB style 'LINE 2: <text>' followed by a caret
// line. Returns {line, column, length} (1-based) or null.
export function sqlErrorPosition(message, query) {
  const lines = String(query || '').split('\n');
  const trino = /\bline (\d+):(\d+)\b/.exec(message || '');
  if (trino) return clampPosition(lines, Number(trino[1]), Number(trino[2]), tokenAt(lines[Number(trino[1]) - 1] || '', Number(trino[2]) - 1));
  const duck = /LINE (\d+): ([^\n]*)\n( *)\^/.exec(message || '');
  if (!duck) return null;
  const line = Number(duck[1]);
  const prefix = `LINE ${duck[1]}: `.length;
  const shown = duck[2];
  const at = Math.max(0, duck[3].length - prefix);
  const token = tokenAt(shown, at);
  // DuckDB shows the engine's (translated) text: find its token in the
  // user's line, nearest the caret column.
  const text = lines[line - 1] || '';
  let col = at + 1;
  if (token && text.slice(at, at + token.length) !== token) {
    const found = text.indexOf(token);
    if (found >= 0) col = found + 1;
  }
  return clampPosition(lines, line, col, token.length);
}

function tokenAt(text, i) {
  const m = /^("[^"]*"|'[^']*'|[\w.$]+|\S)/.exec(text.slice(i));
  return m ? m[0] : '';
}

function clampPosition(lines, line, column, length) {
  line = Math.min(Math.max(1, line), Math.max(1, lines.length));
  const text = lines[line - 1] || '';
  column = Math.min(Math.max(1, column), text.length + 1);
  return { line, column, length: Math.max(1, Math.min(length || 1, text.length - column + 1)) };
}

// codeEditor is a textarea with a line-number gutter that can mark a line.
// Returns {el, textarea, mark(line), unmark(), select(line, column, length)}.
export function codeEditor(attrs = {}) {
  const gutter = h('div', { class: 'code-gutter', 'aria-hidden': 'true' });
  const textarea = h('textarea', { spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off', wrap: 'off', ...attrs });
  const el = h('div', { class: 'code-editor' }, gutter, textarea);
  let marked = 0;
  const renderGutter = () => {
    const n = textarea.value.split('\n').length;
    if (gutter.childElementCount !== n) {
      clear(gutter);
      for (let i = 1; i <= n; i++) gutter.append(h('div', { class: i === marked ? 'err' : '', dataset: { line: i } }, String(i)));
    }
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('input', () => { unmark(); renderGutter(); });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; });
  textarea.addEventListener('keydown', e => {
    if (e.key === 'Tab' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      textarea.setRangeText('  ', textarea.selectionStart, textarea.selectionEnd, 'end');
      renderGutter();
    }
  });
  function unmark() {
    marked = 0;
    for (const d of gutter.querySelectorAll('.err')) d.classList.remove('err');
  }
  function mark(line) {
    unmark();
    marked = line;
    gutter.querySelector(`[data-line="${line}"]`)?.classList.add('err');
  }
  function select(line, column, length = 1) {
    const lines = textarea.value.split('\n');
    let start = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    start += column - 1;
    textarea.focus();
    textarea.setSelectionRange(start, start + length);
    // Scroll the line into view: line height is fixed by the stylesheet.
    const lh = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    const top = (line - 1) * lh;
    if (top < textarea.scrollTop || top > textarea.scrollTop + textarea.clientHeight - lh) textarea.scrollTop = Math.max(0, top - lh * 2);
    gutter.scrollTop = textarea.scrollTop;
  }
  return {
    el, textarea, mark, unmark, select,
    set value(v) { textarea.value = v; unmark(); renderGutter(); },
    get value() { return textarea.value; },
    refresh: renderGutter,
  };
}

// tokenPager pages through a token-paginated listing. load(token) renders one
// page and resolves to the next page's token ('' or undefined at the end).
// ids: {prev, next, page} element ids. Returns {el, first(), page()}.
export function tokenPager(load, ids = {}) {
  const tokens = [''];
  let index = 0;
  let busy = false;
  const label = h('span', { class: 'muted pager-label', id: ids.page });
  const prev = h('button', { type: 'button', id: ids.prev, title: 'Previous page', onclick: () => go(index - 1) }, '‹ Prev');
  const next = h('button', { type: 'button', id: ids.next, title: 'Next page', onclick: () => go(index + 1) }, 'Next ›');
  const el = h('div', { class: 'pager' }, prev, label, next);
  const sync = () => {
    prev.disabled = busy || index === 0;
    next.disabled = busy || !tokens[index + 1];
    label.textContent = `Page ${index + 1}`;
    el.hidden = index === 0 && !tokens[1];
  };
  async function go(i) {
    if (busy || i < 0 || i >= tokens.length) return;
    busy = true;
    sync();
    try {
      const nextToken = await load(tokens[i] || '', i);
      index = i;
      tokens.length = i + 1;
      if (nextToken) tokens.push(nextToken);
    } finally {
      busy = false;
      sync();
    }
  }
  sync();
  return { el, first: () => { tokens.length = 1; index = 0; return go(0); }, page: () => index };
}

// ---- dashboards helpers ----

// downloadJSON saves obj as a pretty-printed .json file in the browser.
export function downloadJSON(filename, obj) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(obj, null, 2) + '\n'], { type: 'application/json' }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// debounce delays fn until calls pause for ms; .cancel() drops a pending call.
export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  d.cancel = () => clearTimeout(t);
  return d;
}

// confirmClick makes a button act on the second click within 4 s (the first
// asks "Sure?"), a modal-free confirmation for destructive actions.
export function confirmClick(button, action, ask = 'Click again to confirm') {
  let armed = null;
  const label = button.textContent;
  button.addEventListener('click', () => {
    if (armed) { clearTimeout(armed); armed = null; button.textContent = label; action(); return; }
    button.textContent = ask;
    button.classList.add('armed');
    armed = setTimeout(() => { armed = null; button.textContent = label; button.classList.remove('armed'); }, 4000);
  });
  return button;
}
