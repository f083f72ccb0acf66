// deliverystreams.js: the delivery streams list (Firehose console's list).
import { aws, get, FIREHOSE } from '../api.js';
import { h, pageHeader, statusBadge, formatTime, formatNumber, errorBox } from '../ui.js';
import { destinationOf, sourceOf } from './deliverystream.js';

async function listNames() {
  const names = [];
  let body = { Limit: 100 };
  for (;;) {
    const out = await aws(`${FIREHOSE}.ListDeliveryStreams`, body);
    names.push(...(out.DeliveryStreamNames || []));
    if (!out.HasMoreDeliveryStreams || !out.DeliveryStreamNames?.length) return names;
    body = { Limit: 100, ExclusiveStartDeliveryStreamName: names[names.length - 1] };
  }
}

export async function render(el) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  el.append(pageHeader('Delivery streams', [['Overview', '#/']],
    h('button', { type: 'button', onclick: () => load() }, 'Refresh')), body);

  async function load() {
    let names;
    try {
      names = await listNames();
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    const rows = await Promise.all(names.map(async name => ({
      name,
      desc: await aws(`${FIREHOSE}.DescribeDeliveryStream`, { DeliveryStreamName: name })
        .then(o => o.DeliveryStreamDescription).catch(e => ({ error: e })),
      stats: await get(`/api/metrics/deliverystreams/${encodeURIComponent(name)}`).catch(() => null),
    })));
    body.replaceChildren(table(rows));
  }
  await load();
}

function table(rows) {
  if (!rows.length) {
    return h('div', { class: 'panel muted', id: 'delivery-empty' }, 'No delivery streams yet. ',
      h('code', {}, 'shoal demo'), ' creates one, or use ', h('code', {}, 'aws firehose create-delivery-stream'), '.');
  }
  const head = ['Name', 'Status', 'Source', 'Destination', 'Format', 'Buffer', 'Delivered', 'Errors', 'Created'];
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'delivery-table' },
    h('thead', {}, h('tr', {}, head.map(t => h('th', { class: t === 'Delivered' || t === 'Errors' ? 'num' : '' }, t)))),
    h('tbody', {}, rows.map(row))));
}

function row({ name, desc, stats }) {
  const link = h('a', { href: `#/delivery/${encodeURIComponent(name)}` }, name);
  if (desc.error) return h('tr', { dataset: { delivery: name } }, h('td', {}, link), h('td', { colspan: 8, class: 'muted' }, desc.error.message));
  const dest = destinationOf(desc);
  const src = sourceOf(desc);
  const hints = dest.BufferingHints || {};
  const conv = dest.DataFormatConversionConfiguration;
  const format = conv?.Enabled ? (conv.OutputFormatConfiguration?.Serializer?.ParquetSerDe ? 'Parquet' : 'ORC') : 'JSON / raw';
  return h('tr', { dataset: { delivery: name } },
    h('td', {}, link),
    h('td', {}, statusBadge(desc.DeliveryStreamStatus)),
    h('td', {}, src.stream ? h('a', { href: `#/streams/${encodeURIComponent(src.stream)}` }, src.stream) : src.label),
    h('td', { class: 'mono ellipsis', title: dest.uri }, dest.uri || '–'),
    h('td', {}, format),
    h('td', { class: 'nowrap' }, `${hints.SizeInMBs ?? 5} MB / ${hints.IntervalInSeconds ?? 300} s`),
    h('td', { class: 'num' }, stats ? formatNumber(stats.recordsDelivered) : h('span', { class: 'muted' }, 'n/a')),
    h('td', { class: 'num' }, stats ? h('span', { class: stats.errorCount ? 'badge bad' : '' }, formatNumber(stats.errorCount)) : h('span', { class: 'muted' }, 'n/a')),
    h('td', { class: 'nowrap' }, formatTime(desc.CreateTimestamp)));
}
