// streams.js: the data streams list (Kinesis console's "Data streams").
import { aws, get, KINESIS } from '../api.js';
import { h, pageHeader, statusBadge, formatTime, formatNumber, compactNumber, errorBox } from '../ui.js';

// listStreamNames follows ListStreams' pagination.
async function listStreamNames() {
  const names = [];
  let body = {};
  for (;;) {
    const out = await aws(`${KINESIS}.ListStreams`, body);
    names.push(...(out.StreamNames || []));
    if (!out.HasMoreStreams || !out.StreamNames?.length) return names;
    body = out.NextToken ? { NextToken: out.NextToken } : { ExclusiveStartStreamName: names[names.length - 1] };
  }
}

// recentRate is the incoming records/s over the last 5 minutes, or null
// when metrics are unavailable.
async function recentRate(name) {
  try {
    const m = await get(`/api/metrics/streams/${encodeURIComponent(name)}?minutes=5`);
    const points = m.points || [];
    if (!points.length) return 0;
    const sum = points.reduce((s, p) => s + (p.incomingRecords || 0), 0);
    return sum / (points.length * (m.periodSeconds || 60));
  } catch {
    return null;
  }
}

export async function render(el) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  el.append(pageHeader('Data streams', [['Overview', '#/']],
    h('button', { type: 'button', onclick: () => load() }, 'Refresh')), body);

  async function load() {
    let names;
    try {
      names = await listStreamNames();
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    const rows = await Promise.all(names.map(async name => {
      const [sum, rate] = await Promise.all([
        aws(`${KINESIS}.DescribeStreamSummary`, { StreamName: name }).then(o => o.StreamDescriptionSummary).catch(e => ({ error: e })),
        recentRate(name),
      ]);
      return { name, sum, rate };
    }));
    body.replaceChildren(streamTable(rows));
  }
  await load();
}

function streamTable(rows) {
  if (!rows.length) {
    return h('div', { class: 'panel muted', id: 'streams-empty' },
      'No data streams yet. Create one with ', h('code', {}, 'aws kinesis create-stream --stream-name NAME --shard-count 1'), '.');
  }
  const head = ['Name', 'Status', 'Capacity mode', 'Open shards', 'Retention', 'Consumers', 'Incoming (5 min)', 'Created'];
  return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'streams-table' },
    h('thead', {}, h('tr', {}, head.map((t, i) => h('th', { class: i >= 3 && i <= 6 ? 'num' : '' }, t)))),
    h('tbody', {}, rows.map(({ name, sum, rate }) => h('tr', { dataset: { stream: name } },
      h('td', {}, h('a', { href: `#/streams/${encodeURIComponent(name)}` }, name)),
      sum.error ? h('td', { colspan: 7, class: 'muted' }, sum.error.message)
        : [
          h('td', {}, statusBadge(sum.StreamStatus)),
          h('td', {}, sum.StreamModeDetails?.StreamMode || 'PROVISIONED'),
          h('td', { class: 'num' }, formatNumber(sum.OpenShardCount)),
          h('td', { class: 'num' }, `${sum.RetentionPeriodHours} h`),
          h('td', { class: 'num' }, formatNumber(sum.ConsumerCount ?? 0)),
          h('td', { class: 'num', title: 'records per second' }, rate === null ? h('span', { class: 'muted' }, 'n/a') : `${compactNumber(rate)}/s`),
          h('td', { class: 'nowrap' }, formatTime(sum.StreamCreationTimestamp)),
        ],
    )))));
}
