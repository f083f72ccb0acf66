// database.js: one catalog database and its tables.
import { aws, GLUE } from '../api.js';
import { h, pageHeader, kv, formatTime, formatNumber, section } from '../ui.js';
import { listAll } from './catalog.js';

// formatOf names a table's storage format from its SerDe and input format.
export function formatOf(t) {
  const sd = t.StorageDescriptor || {};
  const s = `${sd.SerdeInfo?.SerializationLibrary || ''} ${sd.InputFormat || ''}`.toLowerCase();
  const cls = t.Parameters?.classification;
  if (cls) return cls.toUpperCase();
  for (const [k, v] of [['parquet', 'PARQUET'], ['orc', 'ORC'], ['json', 'JSON'], ['avro', 'AVRO'], ['lazysimple', 'CSV'], ['opencsv', 'CSV'], ['textinput', 'TEXT']]) {
    if (s.includes(k)) return v;
  }
  return '–';
}

export async function render(el, params) {
  const db = params.db;
  const [info, tables] = await Promise.all([
    aws(`${GLUE}.GetDatabase`, { Name: db }).then(o => o.Database),
    listAll('GetTables', { DatabaseName: db }, 'TableList'),
  ]);
  el.append(
    pageHeader(db, [['Data catalog', '#/catalog']],
      h('a', { class: 'button', href: `#/sql?db=${encodeURIComponent(db)}` }, 'Query in SQL editor')),
    h('section', { class: 'panel' }, kv([
      ['Description', info.Description],
      ['Location', info.LocationUri && h('span', { class: 'mono' }, info.LocationUri)],
      ['Created', formatTime(info.CreateTime)],
      ['Tables', formatNumber(tables.length)],
    ], { id: 'database-info' })),
    section(`Tables (${tables.length})`, tableList(db, tables)),
  );
}

function tableList(db, tables) {
  if (!tables.length) return h('p', { class: 'muted', id: 'tables-empty' }, 'No tables in this database.');
  const head = ['Table', 'Type', 'Format', 'Columns', 'Partition keys', 'Location', 'Updated'];
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'tables-table' },
    h('thead', {}, h('tr', {}, head.map(t => h('th', { class: t === 'Columns' ? 'num' : '' }, t)))),
    h('tbody', {}, tables.map(t => h('tr', { dataset: { table: t.Name } },
      h('td', {}, h('a', { href: `#/catalog/${encodeURIComponent(db)}/${encodeURIComponent(t.Name)}` }, t.Name)),
      h('td', {}, t.TableType || '–'),
      h('td', {}, formatOf(t)),
      h('td', { class: 'num' }, formatNumber(t.StorageDescriptor?.Columns?.length || 0)),
      h('td', { class: 'mono' }, (t.PartitionKeys || []).map(k => k.Name).join(', ') || '–'),
      h('td', { class: 'mono ellipsis', title: t.StorageDescriptor?.Location || '' }, t.StorageDescriptor?.Location || '–'),
      h('td', { class: 'nowrap' }, formatTime(t.UpdateTime || t.CreateTime)))))));
}
