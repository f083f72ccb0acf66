// pages/dashboards.js: the dashboards list, with create, import and export.
//
// Stable hooks for tests:
//   #dashboard-list (table; rows tr[data-dashboard-id]), #dashboard-new (creates "Untitled dashboard"
//   and opens its editor), #dashboard-import (shows the import form), #datasets-link,
//   import form: #import-file (file input), #import-json (textarea), #import-submit, #import-error.
//   Row actions: a.dashboard-open, button.dashboard-export, button.dashboard-delete (click twice: the
//   first click arms it and shows 'Delete?').
import { get, send } from '../api.js';
import { h, errorBox, formatTime, downloadJSON, confirmClick } from '../ui.js';
import { slug } from './dashboard.js';

const enc = encodeURIComponent;

export async function render(el) {
  const list = h('div', {}, h('div', { class: 'muted' }, 'Loading…'));
  const importPanel = importForm();
  el.append(
    h('div', { class: 'dash-head' }, h('div', { class: 'dash-titlebar' },
      h('h1', {}, 'Dashboards'), h('span', { class: 'spacer' }),
      h('a', { id: 'datasets-link', class: 'button', href: '#/datasets' }, 'Datasets'),
      h('button', { id: 'dashboard-import', type: 'button', onclick: () => { importPanel.hidden = !importPanel.hidden; } }, 'Import'),
      h('button', { id: 'dashboard-new', type: 'button', class: 'primary', onclick: createDashboard }, '+ New dashboard'))),
    importPanel, list);
  await load(list);
}

async function load(list) {
  let dashboards;
  try {
    dashboards = (await get('/api/dashboards')).dashboards || [];
  } catch (e) {
    list.replaceChildren(errorBox(e));
    return;
  }
  dashboards.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const row = d => h('tr', { dataset: { dashboardId: d.id } },
    h('td', {}, h('a', { class: 'dashboard-open', href: `#/dashboards/${enc(d.id)}` }, h('strong', {}, d.name || d.id))),
    h('td', { class: 'muted' }, d.description || ''),
    h('td', { class: 'muted nowrap' }, formatTime(d.updated)),
    h('td', { class: 'actions' },
      h('a', { class: 'button small-btn', href: `#/dashboards/${enc(d.id)}/edit` }, 'Edit'),
      h('button', { type: 'button', class: 'dashboard-export small-btn', onclick: () => exportDashboard(d) }, 'Export'),
      confirmClick(h('button', { type: 'button', class: 'dashboard-delete small-btn danger' }, 'Delete'), () => deleteDashboard(d, list), 'Delete?')));
  list.replaceChildren(h('div', { class: 'panel flush' }, h('table', { id: 'dashboard-list', class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Description'), h('th', {}, 'Updated'), h('th', {}, ''))),
    h('tbody', {}, dashboards.length ? dashboards.map(row)
      : h('tr', {}, h('td', { colspan: 4, class: 'muted empty-row' }, 'No dashboards yet. Create one, or import a definition.'))))));
}

async function createDashboard(ev) {
  ev.target.disabled = true;
  try {
    const d = await send('POST', '/api/dashboards', { name: 'Untitled dashboard', description: '', refreshSeconds: 0, live: false, filters: [], visuals: [] });
    location.hash = `#/dashboards/${enc(d.id)}/edit`;
  } catch (e) {
    ev.target.disabled = false;
    alert(`Could not create the dashboard: ${e.message}`);
  }
}

async function exportDashboard(d) {
  try {
    downloadJSON(`${slug(d.name)}.dashboard.json`, await get(`/api/dashboards/${enc(d.id)}/export`));
  } catch (e) {
    alert(`Export failed: ${e.message}`);
  }
}

async function deleteDashboard(d, list) {
  try {
    await send('DELETE', `/api/dashboards/${enc(d.id)}`);
  } catch (e) {
    alert(`Delete failed: ${e.message}`);
  }
  await load(list);
}

// importForm takes an exported document from a file or pasted text.
function importForm() {
  const text = h('textarea', { id: 'import-json', rows: 8, placeholder: '{"format":"shoal-dashboard/v1","dashboard":{…},"datasets":[…]}', spellcheck: 'false' });
  const file = h('input', { id: 'import-file', type: 'file', accept: '.json,application/json' });
  const status = h('div', { id: 'import-error' });
  file.addEventListener('change', async () => { if (file.files[0]) text.value = await file.files[0].text(); });
  const submit = h('button', { id: 'import-submit', type: 'button', class: 'primary' }, 'Import');
  submit.addEventListener('click', async () => {
    status.replaceChildren();
    let doc;
    try {
      doc = JSON.parse(text.value);
    } catch (e) {
      status.replaceChildren(errorBox(`Not valid JSON: ${e.message}`));
      return;
    }
    if (doc && !doc.format && doc.visuals) doc = { format: 'shoal-dashboard/v1', dashboard: doc, datasets: [] };
    submit.disabled = true;
    try {
      const d = await send('POST', '/api/dashboards/import', doc);
      location.hash = `#/dashboards/${enc(d.id)}`;
    } catch (e) {
      status.replaceChildren(errorBox(e));
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'panel', hidden: true },
    h('h2', {}, 'Import a dashboard'),
    h('p', { class: 'muted small' }, 'Choose a file exported from a Shoal console, or paste its JSON. Datasets are matched by name or created.'),
    h('div', { class: 'toolbar' }, file), text, h('div', { class: 'toolbar top-gap' }, submit), status);
}
