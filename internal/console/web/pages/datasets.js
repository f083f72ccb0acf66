// pages/datasets.js: datasets (a SQL query over the catalog that visuals
// read): list, create/edit, preview rows, refresh SPICE snapshots.
//
// Stable hooks for tests:
//   #dataset-new (opens the form), #dataset-list (table; rows tr[data-dataset-id]),
//   form: #dataset-form, #dataset-name, #dataset-database (select of Glue databases), #dataset-sql,
//   #dataset-mode (DIRECT|SPICE), #dataset-refresh-interval (seconds, SPICE only), #dataset-preview,
//   #dataset-save, #dataset-cancel, #dataset-error, #dataset-preview-result (table of ≤100 rows).
//   Row actions: button.dataset-preview, button.dataset-refresh (SPICE), button.dataset-edit,
//   button.dataset-delete (click twice: the first click arms it);
//   the row's td.dataset-status shows the snapshot state (rows, last refresh, error).
import { aws, get, send, GLUE } from '../api.js';
import { h, errorBox, formatTime, formatNumber, confirmClick } from '../ui.js';

const enc = encodeURIComponent;

export async function render(el) {
  const list = h('div', {}, h('div', { class: 'muted' }, 'Loading…'));
  const formSlot = h('div');
  const preview = h('div', { id: 'dataset-preview-result' });
  const page = { list, formSlot, preview, databases: loadDatabases() };
  el.append(
    h('div', { class: 'dash-head' },
      h('div', { class: 'dash-crumbs' }, h('a', { href: '#/dashboards' }, 'Dashboards'), h('span', { class: 'sep' }, '/')),
      h('div', { class: 'dash-titlebar' }, h('h1', {}, 'Datasets'), h('span', { class: 'spacer' }),
        h('button', { id: 'dataset-new', type: 'button', class: 'primary', onclick: () => openForm(page, null) }, '+ New dataset'))),
    h('p', { class: 'muted small' }, 'A dataset is a SQL query over the catalog. DIRECT datasets query the lake on every visual refresh; SPICE datasets read a snapshot refreshed on a schedule.'),
    formSlot, list, preview);
  await load(page);
}

async function loadDatabases() {
  try {
    return ((await aws(`${GLUE}.GetDatabases`, {})).DatabaseList || []).map(d => d.Name).sort();
  } catch {
    return [];
  }
}

async function load(page) {
  let datasets;
  try {
    datasets = (await get('/api/datasets')).datasets || [];
  } catch (e) {
    page.list.replaceChildren(errorBox(e));
    return;
  }
  datasets.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  page.list.replaceChildren(h('div', { class: 'panel flush' }, h('table', { id: 'dataset-list', class: 'grid' },
    h('thead', {}, h('tr', {}, ['Name', 'Database', 'Mode', 'Columns', 'Snapshot', 'Updated', ''].map(t => h('th', {}, t)))),
    h('tbody', {}, datasets.length ? datasets.map(d => datasetRow(page, d))
      : h('tr', {}, h('td', { colspan: 7, class: 'muted empty-row' }, 'No datasets yet.'))))));
}

function datasetRow(page, d) {
  const spice = d.mode === 'SPICE';
  const status = h('td', { class: 'dataset-status small' }, snapshotState(d));
  const refresh = spice ? h('button', { type: 'button', class: 'dataset-refresh small-btn' }, 'Refresh') : null;
  refresh?.addEventListener('click', async () => {
    refresh.disabled = true;
    status.replaceChildren(h('span', { class: 'muted' }, 'Refreshing…'));
    try {
      status.replaceChildren(snapshotState(await send('POST', `/api/datasets/${enc(d.id)}/refresh`)));
    } catch (e) {
      status.replaceChildren(h('span', { class: 'badge bad', title: e.message }, 'failed'));
    } finally {
      refresh.disabled = false;
    }
  });
  return h('tr', { dataset: { datasetId: d.id } },
    h('td', {}, h('strong', {}, d.name), h('div', { class: 'muted mono small ellipsis', title: d.sql }, d.sql)),
    h('td', {}, d.database),
    h('td', {}, h('span', { class: `badge ${spice ? 'warn' : ''}` }, d.mode), spice && d.refreshIntervalSeconds ? h('div', { class: 'muted small' }, `every ${d.refreshIntervalSeconds} s`) : null),
    h('td', { class: 'small' }, (d.columns || []).length),
    status,
    h('td', { class: 'muted small nowrap' }, formatTime(d.updated)),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'dataset-preview small-btn', onclick: () => showPreview(page, d.database, d.sql, d.name) }, 'Preview'),
      refresh,
      h('button', { type: 'button', class: 'dataset-edit small-btn', onclick: () => openForm(page, d) }, 'Edit'),
      confirmClick(h('button', { type: 'button', class: 'dataset-delete small-btn danger' }, 'Delete'), () => deleteDataset(page, d), 'Delete?')));
}

function snapshotState(d) {
  if (d.mode !== 'SPICE') return h('span', { class: 'muted' }, 'live');
  if (d.snapshotError) return h('span', { class: 'badge bad', title: d.snapshotError }, 'error');
  if (!d.lastRefreshed) return h('span', { class: 'muted' }, 'not refreshed');
  return h('span', {}, `${formatNumber(d.snapshotRows)} rows`, h('div', { class: 'muted' }, formatTime(d.lastRefreshed)));
}

async function deleteDataset(page, d) {
  try {
    await send('DELETE', `/api/datasets/${enc(d.id)}`);
  } catch (e) {
    alert(`Delete failed: ${e.message}`);
  }
  await load(page);
}

// showPreview runs the query (≤ 100 rows) and shows the rows.
async function showPreview(page, database, sql, title) {
  page.preview.replaceChildren(h('section', { class: 'panel' }, h('h2', {}, `Preview: ${title || 'query'}`), h('div', { class: 'muted' }, 'Running…')));
  try {
    const r = await send('POST', '/api/datasets/preview', { database, sql });
    const cols = r.columns || [];
    page.preview.replaceChildren(h('section', { class: 'panel' },
      h('h2', {}, `Preview: ${title || 'query'} `, h('span', { class: 'muted small' }, `${(r.rows || []).length} rows`)),
      h('div', { class: 'vtable preview' }, h('table', { class: 'grid dense' },
        h('thead', {}, h('tr', {}, cols.map(c => h('th', {}, c.name, h('div', { class: 'ctype' }, c.type))))),
        h('tbody', {}, (r.rows || []).map(row => h('tr', {}, row.map(v => h('td', {}, v === null ? h('span', { class: 'muted' }, 'null') : String(v))))))))));
  } catch (e) {
    page.preview.replaceChildren(h('section', { class: 'panel' }, h('h2', {}, `Preview: ${title || 'query'}`), errorBox(e)));
  }
}

// openForm shows the create (d null) or edit form.
async function openForm(page, d) {
  const field = (label, input, hint) => h('label', {}, label, input, hint ? h('span', { class: 'hint' }, hint) : null);
  const name = h('input', { id: 'dataset-name', value: d?.name || '', placeholder: 'Inventory', required: true });
  const database = h('select', { id: 'dataset-database' }, h('option', { value: '' }, 'Loading…'));
  const sql = h('textarea', { id: 'dataset-sql', rows: 6, spellcheck: 'false', placeholder: 'SELECT * FROM conversion_table' }, d?.sql || '');
  const mode = h('select', { id: 'dataset-mode' }, h('option', { value: 'DIRECT' }, 'DIRECT — query the lake each time'), h('option', { value: 'SPICE' }, 'SPICE — snapshot, refreshed on a schedule'));
  mode.value = d?.mode || 'DIRECT';
  const interval = h('input', { id: 'dataset-refresh-interval', type: 'number', min: 0, step: 1, value: String(d?.refreshIntervalSeconds ?? 300) });
  const intervalField = field('Refresh every (seconds, 0 = only by hand)', interval);
  const syncMode = () => { intervalField.hidden = mode.value !== 'SPICE'; };
  mode.addEventListener('change', syncMode);
  syncMode();
  const err = h('div', { id: 'dataset-error' });
  const save = h('button', { id: 'dataset-save', type: 'submit', class: 'primary' }, d ? 'Save dataset' : 'Create dataset');
  const form = h('form', { id: 'dataset-form', class: 'panel dataset-form' },
    h('h2', {}, d ? `Edit dataset ${d.name}` : 'New dataset'),
    h('div', { class: 'form-row' }, field('Name', name), field('Database', database), field('Mode', mode), intervalField),
    field('SQL', sql, 'Tables are resolved in the chosen database. Visual filters and aggregations are applied on top of this query.'),
    h('div', { class: 'toolbar top-gap' }, save,
      h('button', { id: 'dataset-preview', type: 'button', onclick: () => showPreview(page, database.value, sql.value, name.value) }, 'Preview rows'),
      h('button', { id: 'dataset-cancel', type: 'button', onclick: () => page.formSlot.replaceChildren() }, 'Cancel')),
    err);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    err.replaceChildren();
    save.disabled = true;
    const body = { name: name.value.trim(), database: database.value, sql: sql.value, mode: mode.value, refreshIntervalSeconds: mode.value === 'SPICE' ? Number(interval.value) || 0 : 0 };
    try {
      if (d) await send('PUT', `/api/datasets/${enc(d.id)}`, body);
      else await send('POST', '/api/datasets', body);
      page.formSlot.replaceChildren();
      await load(page);
    } catch (e) {
      err.replaceChildren(errorBox(e));
    } finally {
      save.disabled = false;
    }
  });
  page.formSlot.replaceChildren(form);
  name.focus();
  const dbs = await page.databases;
  const names = d?.database && !dbs.includes(d.database) ? [d.database, ...dbs] : dbs;
  database.replaceChildren(...(names.length ? names : ['default']).map(n => h('option', { value: n }, n)));
  database.value = d?.database || (names.includes('default') ? 'default' : names[0] || 'default');
}
