// deliverystream.js: one delivery stream: configuration and delivery stats
// (buffer fill, last delivery, records delivered, errors), refreshed every 5 s.
import { aws, get, FIREHOSE } from '../api.js';
import {
  h, pageHeader, statusBadge, kv, formatTime, formatNumber, formatBytes, statCard, poller, section,
  parseS3URI, bucketHref, formatDuration,
} from '../ui.js';

const REFRESH_MS = 5000;

// destinationOf is the S3 destination of a description, with its bucket
// name and 's3://bucket/prefix' address.
export function destinationOf(desc) {
  const d = desc.Destinations?.[0] || {};
  const dest = d.ExtendedS3DestinationDescription || d.S3DestinationDescription || {};
  const bucket = (dest.BucketARN || '').replace(/^arn:[^:]+:s3:::/, '');
  return { ...dest, bucket, uri: bucket ? `s3://${bucket}/${dest.Prefix || ''}` : '' };
}

// sourceOf names what feeds the delivery stream.
export function sourceOf(desc) {
  const arn = desc.Source?.KinesisStreamSourceDescription?.KinesisStreamARN;
  if (arn) return { stream: arn.replace(/^.*:stream\//, ''), label: 'Kinesis data stream' };
  return { label: desc.DeliveryStreamType === 'DirectPut' || !desc.DeliveryStreamType ? 'Direct PUT' : desc.DeliveryStreamType };
}

export async function render(el, params) {
  const name = params.name;
  const desc = await aws(`${FIREHOSE}.DescribeDeliveryStream`, { DeliveryStreamName: name }).then(o => o.DeliveryStreamDescription);
  const dest = destinationOf(desc);
  const stats = statsPanel(dest);
  el.append(
    pageHeader(name, [['Delivery streams', '#/delivery']], statusBadge(desc.DeliveryStreamStatus, { id: 'delivery-status' })),
    stats.el,
    h('div', { class: 'two-col' }, configPanel(desc, dest), transformPanel(dest)),
  );
  const stop = poller(() => stats.refresh(name), REFRESH_MS);
  return stop;
}

function configPanel(desc, dest) {
  const src = sourceOf(desc);
  const hints = dest.BufferingHints || {};
  const folder = p => (p || '').replace(/[^/]*$/, '');
  return section('Configuration', kv([
    ['ARN', h('span', { class: 'mono' }, desc.DeliveryStreamARN)],
    ['Source', src.stream ? h('a', { href: `#/streams/${encodeURIComponent(src.stream)}` }, `${src.label}: ${src.stream}`) : src.label],
    ['Destination', dest.bucket ? h('a', { href: bucketHref(dest.bucket, folder(staticPrefix(dest.Prefix))), id: 'delivery-destination', class: 'mono' },
      `s3://${dest.bucket}/${folder(staticPrefix(dest.Prefix))}`) : '–'],
    ['Error output prefix', dest.ErrorOutputPrefix && dest.bucket
      ? h('a', { href: bucketHref(dest.bucket, dest.ErrorOutputPrefix), class: 'mono', id: 'delivery-error-prefix' }, `s3://${dest.bucket}/${dest.ErrorOutputPrefix}`) : '–'],
    ['Buffer', `${hints.SizeInMBs ?? 5} MB or ${hints.IntervalInSeconds ?? 300} s, whichever first`],
    ['Compression', dest.CompressionFormat || 'UNCOMPRESSED'],
    ['Backup', dest.S3BackupMode || 'Disabled'],
    ['Encryption', desc.DeliveryStreamEncryptionConfiguration?.Status || 'DISABLED'],
    ['Version', desc.VersionId],
    ['Created', formatTime(desc.CreateTimestamp)],
    ['Updated', formatTime(desc.LastUpdateTimestamp)],
  ], { id: 'delivery-config' }));
}

// staticPrefix is the part of a prefix before its first !{...} expression.
function staticPrefix(p) {
  const i = (p || '').indexOf('!{');
  return i < 0 ? p || '' : p.slice(0, i);
}

function transformPanel(dest) {
  const conv = dest.DataFormatConversionConfiguration;
  const schema = conv?.SchemaConfiguration;
  const dyn = dest.DynamicPartitioningConfiguration;
  const procs = dest.ProcessingConfiguration?.Enabled ? dest.ProcessingConfiguration.Processors || [] : [];
  const serializer = conv?.OutputFormatConfiguration?.Serializer || {};
  const outFormat = serializer.ParquetSerDe ? `Parquet (${serializer.ParquetSerDe.Compression || 'SNAPPY'})` : serializer.OrcSerDe ? 'ORC' : '–';
  return section('Transform and partitioning', kv([
    ['Record format conversion', conv?.Enabled ? `JSON → ${outFormat}` : 'Disabled'],
    schema && ['Schema table', h('a', { href: `#/catalog/${encodeURIComponent(schema.DatabaseName)}/${encodeURIComponent(schema.TableName)}` }, `${schema.DatabaseName}.${schema.TableName}`)],
    ['Dynamic partitioning', dyn?.Enabled ? 'Enabled' : 'Disabled'],
    ['S3 prefix', h('code', {}, dest.Prefix || '(default YYYY/MM/dd/HH/)')],
    ...procs.map(p => [p.Type, h('div', {}, (p.Parameters || []).map(x => h('div', {},
      h('span', { class: 'muted' }, `${x.ParameterName}: `), h('code', {}, x.ParameterValue))))]),
  ]));
}

// ago says how long ago an RFC 3339 time was: '12 s ago', '5 min ago'.
function ago(t) {
  const s = Math.max(0, Math.round((Date.now() - new Date(t).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

// statsPanel shows the delivery figures from /api/metrics/deliverystreams.
function statsPanel(dest) {
  const body = h('div', { class: 'cards', id: 'delivery-stats' });
  const status = h('div', { class: 'muted', id: 'delivery-stats-status' }, 'Loading delivery metrics…');
  const lastError = h('div', { id: 'delivery-last-error' });
  const el = h('section', { class: 'panel', id: 'delivery-metrics' },
    h('h2', {}, 'Delivery', h('span', { class: 'panel-note' }, 'refreshes every 5 s')), status, body, lastError);
  let unavailable = false;

  async function refresh(name) {
    if (unavailable) return;
    let s;
    try {
      s = await get(`/api/metrics/deliverystreams/${encodeURIComponent(name)}`);
    } catch (e) {
      unavailable = e.status === 501 || e.status === 404;
      status.textContent = `Metrics unavailable (${e.message}).`;
      return;
    }
    status.textContent = '';
    draw(s);
  }

  function draw(s) {
    const fill = s.bufferSizeBytes ? Math.min(100, 100 * s.bufferedBytes / s.bufferSizeBytes) : 0;
    const errLoc = parseS3URI(s.errorOutputPrefix) || (dest.bucket && dest.ErrorOutputPrefix ? { bucket: dest.bucket, key: dest.ErrorOutputPrefix } : null);
    body.replaceChildren(
      statCard('Buffer fill', `${fill.toFixed(fill < 10 ? 1 : 0)} %`, { dataset: { metric: 'buffer' } },
        h('div', { class: 'fill' }, h('div', { style: `width:${fill}%` })),
        h('div', { class: 'stat-sub' }, `${formatNumber(s.bufferedRecords)} records · ${formatBytes(s.bufferedBytes)} of ${formatBytes(s.bufferSizeBytes)} · ${s.bufferIntervalSeconds} s`)),
      statCard('Last delivery', s.lastDelivery ? ago(s.lastDelivery) : 'never', { dataset: { metric: 'lastDelivery' } },
        s.lastDelivery ? h('div', { class: 'stat-sub' }, formatTime(s.lastDelivery)) : null),
      statCard('Records delivered', formatNumber(s.recordsDelivered), { dataset: { metric: 'recordsDelivered' } },
        h('div', { class: 'stat-sub' }, `${formatBytes(s.bytesDelivered)} in ${formatNumber(s.objectsDelivered)} objects`)),
      statCard('Errors', formatNumber(s.errorCount), { dataset: { metric: 'errorCount' }, class: s.errorCount ? 'card stat has-errors' : 'card stat' },
        errLoc ? h('a', { href: bucketHref(errLoc.bucket, errLoc.key), id: 'delivery-error-link' }, 'View error objects →') : null),
      s.source ? sourceCard(s.source) : null,
    );
    lastError.replaceChildren(s.lastError ? h('div', { class: 'error' }, `Last error: ${s.lastError}`) : '');
  }

  return { el, refresh };
}

// sourceCard shows how far behind a Kinesis source's readers are.
function sourceCard(src) {
  const open = src.shards.filter(sh => !sh.finished);
  const lost = src.recordsLost ? ` · at least ${formatNumber(src.recordsLost)} records lost to retention` : '';
  return statCard('Behind source', formatDuration(src.millisBehindLatest), {
    dataset: { metric: 'millisBehindLatest' }, class: src.recordsLost ? 'card stat has-errors' : 'card stat',
  }, h('div', { class: 'stat-sub' }, `${open.length} shards read${lost}`));
}
