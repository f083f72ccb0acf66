// stream.js: one data stream: summary, live metrics (refreshed every 5 s) and shards.
import { aws, get, KINESIS } from '../api.js';
import {
  h, pageHeader, statusBadge, kv, formatTime, formatNumber, formatBytes, formatDuration, compactNumber,
  metricChart, statCard, poller, errorBox, section,
} from '../ui.js';

const REFRESH_MS = 5000;

export async function render(el, params) {
  const name = params.name;
  const minutes = Number(params.query.get('minutes')) || 15;
  const summary = await aws(`${KINESIS}.DescribeStreamSummary`, { StreamName: name }).then(o => o.StreamDescriptionSummary);

  const windowSelect = h('select', { id: 'stream-window', title: 'Metrics window', onchange: e => { location.hash = `#/streams/${encodeURIComponent(name)}?minutes=${e.target.value}`; } },
    [5, 15, 60, 180].map(m => h('option', { value: m, selected: m === minutes }, `Last ${m < 60 ? `${m} min` : `${m / 60} h`}`)));
  el.append(
    pageHeader(name, [['Data streams', '#/streams']], statusBadge(summary.StreamStatus, { id: 'stream-status' }), windowSelect),
    summaryPanel(summary),
  );

  const metrics = metricsPanel(minutes);
  const shardsBody = h('div', {}, h('p', { class: 'muted' }, 'Loading shards…'));
  el.append(metrics.el, section('Shards', shardsBody));
  shardsBody.replaceChildren(await shardTable(name).catch(errorBox));

  const stop = poller(() => metrics.refresh(name), REFRESH_MS);
  return () => { stop(); metrics.dispose(); };
}

function summaryPanel(s) {
  return h('section', { class: 'panel' }, kv([
    ['ARN', h('span', { class: 'mono' }, s.StreamARN)],
    ['Capacity mode', s.StreamModeDetails?.StreamMode || 'PROVISIONED'],
    ['Open shards', formatNumber(s.OpenShardCount)],
    ['Data retention', `${s.RetentionPeriodHours} hours`],
    ['Encryption', s.EncryptionType || 'NONE'],
    ['Enhanced fan-out consumers', formatNumber(s.ConsumerCount ?? 0)],
    ['Max record size', s.MaxRecordSizeInKiB ? `${s.MaxRecordSizeInKiB} KiB` : '1024 KiB'],
    ['Created', formatTime(s.StreamCreationTimestamp)],
  ], { id: 'stream-summary', class: 'kv wide' }));
}

// metricsPanel shows the current rates and three charts of the window.
function metricsPanel(minutes) {
  const cards = h('div', { class: 'cards', id: 'stream-metrics-cards' });
  const charts = {
    records: metricChart('Records per second', '/s'),
    bytes: metricChart('Incoming bytes per second', 'bytes'),
    age: metricChart('Iterator age (max)', 'ms'),
  };
  const note = h('span', { class: 'panel-note', id: 'stream-metrics-note' }, `last ${minutes} min · refreshes every 5 s`);
  const status = h('div', { class: 'muted', id: 'stream-metrics-status' });
  const grid = h('div', { class: 'metrics' }, Object.values(charts).map(c => c.el));
  const el = h('section', { class: 'panel', id: 'stream-metrics' }, h('h2', {}, 'Monitoring', note), status, cards, grid);
  let unavailable = false;

  async function refresh(name) {
    if (unavailable) return;
    let m;
    try {
      m = await get(`/api/metrics/streams/${encodeURIComponent(name)}?minutes=${minutes}`);
    } catch (e) {
      // 501 until the metrics endpoint exists: say so and stop asking.
      unavailable = e.status === 501 || e.status === 404;
      status.textContent = `Metrics unavailable (${e.message}).`;
      grid.hidden = true;
      cards.hidden = true;
      return;
    }
    status.textContent = '';
    grid.hidden = false;
    cards.hidden = false;
    draw(m);
  }

  function draw(m) {
    const period = m.periodSeconds || 60;
    const pts = (m.points || []).map(p => ({ ...p, t: new Date(p.t).getTime() }));
    const series = key => pts.map(p => [p.t, (p[key] || 0) / period]);
    charts.records.update([{ name: 'Incoming', data: series('incomingRecords') }, { name: 'GetRecords', data: series('getRecords') }]);
    charts.bytes.update([{ name: 'Incoming bytes', data: series('incomingBytes') }]);
    charts.age.update([{ name: 'Iterator age', data: pts.map(p => [p.t, p.iteratorAgeMs || 0]) }]);
    // The newest period is still filling: rates come from the one before.
    const last = pts.length > 1 ? pts[pts.length - 2] : pts[0] || {};
    const total = pts.reduce((s, p) => s + (p.incomingRecords || 0), 0);
    const bytes = pts.reduce((s, p) => s + (p.incomingBytes || 0), 0);
    cards.replaceChildren(
      statCard('Incoming records/s', compactNumber((last.incomingRecords || 0) / period), { dataset: { metric: 'incomingRecords' } }),
      statCard('Incoming bytes/s', `${formatBytes((last.incomingBytes || 0) / period)}`, { dataset: { metric: 'incomingBytes' } }),
      statCard('Iterator age', formatDuration(pts.length ? pts[pts.length - 1].iteratorAgeMs || 0 : 0), { dataset: { metric: 'iteratorAge' } }),
      statCard(`Records, last ${minutes} min`, formatNumber(total), { dataset: { metric: 'total' } }, h('div', { class: 'stat-sub' }, formatBytes(bytes))),
      statCard('Shards', formatNumber(m.shards), { dataset: { metric: 'shards' } }),
    );
  }

  return { el, refresh, dispose: () => Object.values(charts).forEach(c => c.dispose()) };
}

// shardTable lists every shard (ListShards, following NextToken).
async function shardTable(name) {
  const shards = [];
  let body = { StreamName: name };
  for (;;) {
    const out = await aws(`${KINESIS}.ListShards`, body);
    shards.push(...(out.Shards || []));
    if (!out.NextToken) break;
    body = { NextToken: out.NextToken };
  }
  const pct = s => {
    // Share of the 128-bit hash key space this shard owns.
    const span = BigInt(s.HashKeyRange.EndingHashKey) - BigInt(s.HashKeyRange.StartingHashKey) + 1n;
    return `${(Number(span * 10000n / (1n << 128n)) / 100).toFixed(2)} %`;
  };
  const head = ['Shard ID', 'State', 'Parent', 'Hash key share', 'Starting hash key', 'Ending hash key', 'Starting sequence number'];
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'shards-table' },
    h('thead', {}, h('tr', {}, head.map(t => h('th', { class: t === 'Hash key share' ? 'num' : '' }, t)))),
    h('tbody', {}, shards.map(s => h('tr', { dataset: { shard: s.ShardId } },
      h('td', { class: 'mono' }, s.ShardId),
      h('td', {}, statusBadge(s.SequenceNumberRange?.EndingSequenceNumber ? 'CLOSED' : 'OPEN')),
      h('td', { class: 'mono muted' }, [s.ParentShardId, s.AdjacentParentShardId].filter(Boolean).join(', ') || '–'),
      h('td', { class: 'num' }, pct(s)),
      h('td', { class: 'mono ellipsis', title: s.HashKeyRange.StartingHashKey }, s.HashKeyRange.StartingHashKey),
      h('td', { class: 'mono ellipsis', title: s.HashKeyRange.EndingHashKey }, s.HashKeyRange.EndingHashKey),
      h('td', { class: 'mono ellipsis', title: s.SequenceNumberRange?.StartingSequenceNumber }, s.SequenceNumberRange?.StartingSequenceNumber),
    )))));
}
