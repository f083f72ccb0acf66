// bucket.js: browse one bucket level by level (prefixes as folders), with
// sizes, times, downloads, and ListObjectsV2 continuation-token paging.
import { s3List, s3URL } from '../api.js';
import { h, pageHeader, formatBytes, formatTime, tokenPager, bucketHref, errorBox } from '../ui.js';

export async function render(el, params) {
  const bucket = params.bucket;
  // A path prefix is a folder; ?prefix= is taken exactly (an error prefix
  // such as 'error' need not end in '/').
  const prefix = params.query.has('prefix') ? params.query.get('prefix') : params.prefix ? `${params.prefix}/` : '';

  const summary = h('span', { class: 'muted', id: 'bucket-summary' });
  const listing = h('div', { id: 'bucket-listing' });
  const pager = tokenPager(load, { prev: 'bucket-prev', next: 'bucket-next', page: 'bucket-page' });
  const filter = h('input', {
    type: 'search', class: 'bucket-filter', id: 'bucket-filter', placeholder: 'Go to prefix…', value: prefix,
    onkeydown: e => { if (e.key === 'Enter') location.hash = bucketHref(bucket, e.target.value); },
  });
  el.append(
    pageHeader(title(bucket, prefix), crumbs(bucket, prefix)),
    h('div', { class: 'toolbar' }, filter, h('button', { type: 'button', onclick: () => pager.first() }, 'Refresh'), h('span', { class: 'spacer' }), summary, pager.el),
    listing,
  );

  async function load(token) {
    let page;
    try {
      page = await s3List(bucket, prefix, token);
    } catch (e) {
      listing.replaceChildren(errorBox(e));
      return '';
    }
    summary.textContent = `${page.prefixes.length} folder${page.prefixes.length === 1 ? '' : 's'}, ${page.objects.length} object${page.objects.length === 1 ? '' : 's'}${page.nextToken ? ' on this page' : ''}`;
    listing.replaceChildren(objectTable(bucket, prefix, page));
    return page.nextToken;
  }
  await pager.first();
}

// crumbs links the bucket list, the bucket root and every folder above the
// one being browsed.
function crumbs(bucket, prefix) {
  const out = [['Buckets', '#/buckets']];
  if (!prefix) return out;
  out.push([bucket, bucketHref(bucket)]);
  const parts = prefix.split('/').slice(0, -1);
  if (prefix.endsWith('/')) parts.pop();
  parts.forEach((p, i) => out.push([p, bucketHref(bucket, `${parts.slice(0, i + 1).join('/')}/`)]));
  return out;
}

// title names the folder being browsed, or the bucket at its root.
function title(bucket, prefix) {
  if (!prefix) return bucket;
  if (prefix.endsWith('/')) return prefix.split('/').slice(-2)[0] + '/';
  return `${prefix.split('/').pop()}*`;
}

function objectTable(bucket, prefix, page) {
  // Names are shown relative to the folder being browsed.
  const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const rel = k => k.slice(base.length) || k;
  const rows = [
    ...page.prefixes.map(p => h('tr', { class: 'folder', dataset: { prefix: p } },
      h('td', {}, h('span', { class: 'icon' }, '▸'), h('a', { href: bucketHref(bucket, p) }, rel(p))),
      h('td', { class: 'muted' }, 'Folder'), h('td', { class: 'num' }, '–'), h('td', {}, '–'), h('td', {}))),
    ...page.objects.map(o => h('tr', { class: 'object', dataset: { key: o.key } },
      h('td', { class: 'mono' }, h('span', { class: 'icon' }, '·'), rel(o.key)),
      h('td', { class: 'muted' }, kindOf(o.key)),
      h('td', { class: 'num', title: `${o.size} bytes` }, formatBytes(o.size)),
      h('td', { class: 'nowrap' }, formatTime(o.lastModified)),
      h('td', {}, h('a', { href: s3URL(bucket, o.key), download: o.key.split('/').pop(), class: 'download' }, 'Download')))),
  ];
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'bucket-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', { class: 'num' }, 'Size'), h('th', {}, 'Last modified'), h('th', {}, ''))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 5, class: 'muted' }, prefix ? `Nothing under ${prefix}` : 'The bucket is empty.')))));
}

function kindOf(key) {
  const m = /\.([a-z0-9]+)(\.(gz|snappy|zst))?$/i.exec(key);
  return m ? m[1].toUpperCase() + (m[3] ? ` (${m[3]})` : '') : 'Object';
}
