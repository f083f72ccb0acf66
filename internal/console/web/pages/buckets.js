// buckets.js: the lake's buckets (S3 console's bucket list).
import { s3Buckets } from '../api.js';
import { h, pageHeader, formatTime } from '../ui.js';

export async function render(el) {
  const buckets = await s3Buckets();
  el.append(pageHeader('Buckets', [['Overview', '#/']], h('span', { class: 'muted' }, `${buckets.length} bucket${buckets.length === 1 ? '' : 's'}`)));
  if (!buckets.length) {
    el.append(h('div', { class: 'panel muted', id: 'buckets-empty' }, 'No buckets yet. Create one with ', h('code', {}, 'aws s3 mb s3://NAME'), '.'));
    return;
  }
  el.append(h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'buckets-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Created'))),
    h('tbody', {}, buckets.map(b => h('tr', { dataset: { bucket: b.name } },
      h('td', {}, h('span', { class: 'icon' }, '▣'), h('a', { href: `#/buckets/${encodeURIComponent(b.name)}` }, b.name)),
      h('td', { class: 'nowrap' }, formatTime(b.created))))))));
}
