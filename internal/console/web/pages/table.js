// table.js: one catalog table: schema, partitions (paged), versions, properties.
import { aws, GLUE } from '../api.js';
import { h, pageHeader, kv, formatTime, formatNumber, tabs, tokenPager, parseS3URI, bucketHref, errorBox } from '../ui.js';
import { formatOf } from './database.js';

export async function render(el, params) {
  const { db, table: name } = params;
  const t = await aws(`${GLUE}.GetTable`, { DatabaseName: db, Name: name }).then(o => o.Table);
  const sd = t.StorageDescriptor || {};
  const sql = `SELECT * FROM "${db}"."${name}" LIMIT 10;`;
  const body = h('div', { id: 'table-tab' });
  const views = {
    schema: () => schemaView(t),
    partitions: () => partitionsView(db, name, t.PartitionKeys || []),
    versions: () => versionsView(db, name),
    properties: () => propertiesView(t),
  };
  const strip = tabs([['schema', 'Schema'], ['partitions', 'Partitions'], ['versions', 'Versions'], ['properties', 'Properties']],
    async key => {
      body.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
      try { body.replaceChildren(await views[key]()); } catch (e) { body.replaceChildren(errorBox(e)); }
    }, { id: 'table-tabs' });

  el.append(
    pageHeader(name, [['Data catalog', '#/catalog'], [db, `#/catalog/${encodeURIComponent(db)}`]],
      h('a', { class: 'button primary', id: 'table-query', href: `#/sql?db=${encodeURIComponent(db)}&q=${encodeURIComponent(sql)}&run=1` }, 'Query table')),
    h('section', { class: 'panel' }, kv([
      ['Location', locationLink(sd.Location)],
      ['Format', formatOf(t)],
      ['Table type', t.TableType],
      ['Input format', sd.InputFormat && h('span', { class: 'mono' }, sd.InputFormat)],
      ['SerDe', sd.SerdeInfo?.SerializationLibrary && h('span', { class: 'mono' }, sd.SerdeInfo.SerializationLibrary)],
      ['Columns', `${formatNumber(sd.Columns?.length || 0)} + ${formatNumber(t.PartitionKeys?.length || 0)} partition keys`],
      ['Created', formatTime(t.CreateTime)],
      ['Updated', formatTime(t.UpdateTime)],
      t.VersionId && ['Version', t.VersionId],
    ], { id: 'table-info', class: 'kv wide' })),
    h('section', { class: 'panel' }, strip.el, body),
  );
  strip.select(params.query.get('tab') || 'schema');
}

function locationLink(uri) {
  const loc = parseS3URI(uri);
  if (!loc) return uri ? h('span', { class: 'mono' }, uri) : '–';
  const prefix = loc.key && !loc.key.endsWith('/') ? `${loc.key}/` : loc.key;
  return h('a', { class: 'mono', href: bucketHref(loc.bucket, prefix) }, uri);
}

function columnsTable(cols, partitionKeys, attrs = {}) {
  const rows = [...cols.map(c => ({ ...c, part: false })), ...partitionKeys.map(c => ({ ...c, part: true }))];
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', ...attrs },
    h('thead', {}, h('tr', {}, h('th', { class: 'num idx' }, '#'), h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, ''), h('th', {}, 'Comment'))),
    h('tbody', {}, rows.map((c, i) => h('tr', { dataset: { column: c.Name } },
      h('td', { class: 'num idx' }, String(i + 1)),
      h('td', { class: 'mono' }, c.Name),
      h('td', { class: 'mono' }, c.Type),
      h('td', {}, c.part ? h('span', { class: 'badge warn' }, 'Partition key') : ''),
      h('td', {}, c.Comment || ''))))));
}

function schemaView(t) {
  return columnsTable(t.StorageDescriptor?.Columns || [], t.PartitionKeys || [], { id: 'columns-table' });
}

function partitionsView(db, name, keys) {
  if (!keys.length) return h('p', { class: 'muted', id: 'partitions-none' }, 'This table is not partitioned.');
  const list = h('div');
  const count = h('span', { class: 'muted' });
  const pager = tokenPager(async token => {
    const out = await aws(`${GLUE}.GetPartitions`, { DatabaseName: db, TableName: name, MaxResults: 100, ...(token ? { NextToken: token } : {}) });
    const parts = out.Partitions || [];
    count.textContent = `${parts.length} partition${parts.length === 1 ? '' : 's'}${out.NextToken ? ' on this page' : ''}`;
    list.replaceChildren(h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'partitions-table' },
      h('thead', {}, h('tr', {}, keys.map(k => h('th', {}, k.Name)), h('th', {}, 'Location'), h('th', {}, 'Created'))),
      h('tbody', {}, parts.length ? parts.map(p => h('tr', {},
        (p.Values || []).map(v => h('td', { class: 'mono' }, v)),
        h('td', {}, locationLink(p.StorageDescriptor?.Location)),
        h('td', { class: 'nowrap' }, formatTime(p.CreationTime))))
        : h('tr', {}, h('td', { colspan: keys.length + 2, class: 'muted' }, 'No partitions registered.'))))));
    return out.NextToken;
  }, { prev: 'partitions-prev', next: 'partitions-next' });
  const el = h('div', {}, h('div', { class: 'toolbar' }, count, h('span', { class: 'spacer' }), pager.el), list);
  return pager.first().then(() => el);
}

async function versionsView(db, name) {
  const versions = [];
  let token;
  do {
    const out = await aws(`${GLUE}.GetTableVersions`, { DatabaseName: db, TableName: name, ...(token ? { NextToken: token } : {}) });
    versions.push(...(out.TableVersions || []));
    token = out.NextToken;
  } while (token);
  versions.sort((a, b) => Number(b.VersionId) - Number(a.VersionId));
  const detail = h('div', { id: 'version-detail' });
  const rows = versions.map(v => {
    const tr = h('tr', { class: 'clickable', dataset: { version: v.VersionId }, onclick: () => show(v, tr) },
      h('td', { class: 'num' }, v.VersionId),
      h('td', { class: 'nowrap' }, formatTime(v.Table?.UpdateTime || v.Table?.CreateTime)),
      h('td', { class: 'num' }, formatNumber(v.Table?.StorageDescriptor?.Columns?.length || 0)),
      h('td', { class: 'mono' }, (v.Table?.PartitionKeys || []).map(k => k.Name).join(', ') || '–'),
      h('td', { class: 'mono ellipsis' }, v.Table?.StorageDescriptor?.Location || '–'));
    return tr;
  });
  function show(v, tr) {
    for (const r of rows) r.classList.toggle('selected', r === tr);
    detail.replaceChildren(h('h3', { style: 'margin-top:14px' }, `Version ${v.VersionId}`),
      columnsTable(v.Table?.StorageDescriptor?.Columns || [], v.Table?.PartitionKeys || []));
  }
  if (!versions.length) return h('p', { class: 'muted' }, 'No versions recorded.');
  return h('div', {}, h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'versions-table' },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'Version'), h('th', {}, 'Updated'), h('th', { class: 'num' }, 'Columns'), h('th', {}, 'Partition keys'), h('th', {}, 'Location'))),
    h('tbody', {}, rows))), detail);
}

function propertiesView(t) {
  const sd = t.StorageDescriptor || {};
  const entries = (o, label) => Object.entries(o || {}).map(([k, v]) => [label, k, v]);
  const rows = [...entries(t.Parameters, 'Table'), ...entries(sd.Parameters, 'Storage'), ...entries(sd.SerdeInfo?.Parameters, 'SerDe')];
  if (!rows.length) return h('p', { class: 'muted' }, 'No properties.');
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'properties-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Scope'), h('th', {}, 'Key'), h('th', {}, 'Value'))),
    h('tbody', {}, rows.map(([s, k, v]) => h('tr', {}, h('td', { class: 'muted' }, s), h('td', { class: 'mono' }, k), h('td', { class: 'mono' }, v))))));
}
