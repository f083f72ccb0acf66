// catalog.js: the Glue Data Catalog's databases.
import { aws, GLUE } from '../api.js';
import { h, pageHeader, formatTime, formatNumber } from '../ui.js';

// listAll follows a Glue listing's NextToken, collecting out[key].
export async function listAll(op, body, key) {
  const items = [];
  let token;
  do {
    const out = await aws(`${GLUE}.${op}`, token ? { ...body, NextToken: token } : body);
    items.push(...(out[key] || []));
    token = out.NextToken;
  } while (token);
  return items;
}

export async function render(el) {
  const dbs = await listAll('GetDatabases', {}, 'DatabaseList');
  const counts = await Promise.all(dbs.map(d => listAll('GetTables', { DatabaseName: d.Name }, 'TableList').then(t => t.length).catch(() => null)));
  el.append(pageHeader('Data catalog', [['Overview', '#/']], h('span', { class: 'muted' }, `${dbs.length} database${dbs.length === 1 ? '' : 's'}`)));
  if (!dbs.length) {
    el.append(h('div', { class: 'panel muted', id: 'catalog-empty' }, 'No databases yet. Create one with ',
      h('code', {}, 'aws glue create-database'), ' or ', h('code', {}, 'CREATE DATABASE'), ' in the ', h('a', { href: '#/sql' }, 'SQL editor'), '.'));
    return;
  }
  el.append(h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'databases-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Database'), h('th', { class: 'num' }, 'Tables'), h('th', {}, 'Description'), h('th', {}, 'Location'), h('th', {}, 'Created'))),
    h('tbody', {}, dbs.map((d, i) => h('tr', { dataset: { database: d.Name } },
      h('td', {}, h('a', { href: `#/catalog/${encodeURIComponent(d.Name)}` }, d.Name)),
      h('td', { class: 'num' }, counts[i] === null ? '–' : formatNumber(counts[i])),
      h('td', {}, d.Description || h('span', { class: 'muted' }, '–')),
      h('td', { class: 'mono ellipsis', title: d.LocationUri || '' }, d.LocationUri || '–'),
      h('td', { class: 'nowrap' }, formatTime(d.CreateTime))))))));
}
