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
