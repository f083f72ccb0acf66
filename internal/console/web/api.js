// api.js: the console's calls to the server. AWS operations go through
// /api/aws with their X-Amz-Target, exactly as the AWS API takes them.

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

export class APIError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

async function parse(res) {
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  if (res.status === 401) {
    location.href = '/signin';
    throw new APIError(401, 'Unauthenticated', 'signed out');
  }
  if (!res.ok) {
    const e = body && (body.error || body);
    throw new APIError(res.status, (e && (e.code || e.__type)) || String(res.status), (e && (e.message || e.Message)) || text);
  }
  return body;
}

// json calls a console endpoint: get('/api/x'), send('POST', '/api/x', body).
export async function get(path, opts = {}) {
  return parse(await fetch(path, { credentials: 'same-origin', signal: opts.signal }));
}

export async function send(method, path, body, opts = {}) {
  return parse(await fetch(path, {
    method, credentials: 'same-origin', signal: opts.signal,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

// aws runs one AWS JSON operation: aws('AmazonAthena.StartQueryExecution', {...}).
export async function aws(target, body = {}, opts = {}) {
  return parse(await fetch('/api/aws', {
    method: 'POST', credentials: 'same-origin', signal: opts.signal,
    headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1', 'X-CSRF-Token': csrf() },
    body: JSON.stringify(body),
  }));
}

// Target prefixes of the services.
export const KINESIS = 'Kinesis_20131202';
export const FIREHOSE = 'Firehose_20150804';
export const GLUE = 'AWSGlue';
export const ATHENA = 'AmazonAthena';

// s3List lists a bucket level (ListObjectsV2 with delimiter '/').
export async function s3List(bucket, prefix = '', token = '') {
  const q = new URLSearchParams({ 'list-type': '2', prefix, delimiter: '/' });
  if (token) q.set('continuation-token', token);
  const res = await fetch(`/api/s3/${encodeURIComponent(bucket)}?${q}`, { credentials: 'same-origin' });
  const text = await res.text();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (!res.ok) {
    const code = doc.querySelector('Code')?.textContent || String(res.status);
    throw new APIError(res.status, code, doc.querySelector('Message')?.textContent || code);
  }
  const val = (el, name) => el.getElementsByTagName(name)[0]?.textContent ?? '';
  return {
    prefixes: [...doc.getElementsByTagName('CommonPrefixes')].map(p => val(p, 'Prefix')),
    objects: [...doc.getElementsByTagName('Contents')].map(o => ({
      key: val(o, 'Key'), size: Number(val(o, 'Size')), lastModified: val(o, 'LastModified'), etag: val(o, 'ETag'),
    })),
    nextToken: val(doc.documentElement, 'NextContinuationToken'),
  };
}

// s3URL is a download link for an object.
export function s3URL(bucket, key) {
  return `/api/s3/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

// s3Buckets lists buckets (ListBuckets).
export async function s3Buckets() {
  const res = await fetch('/api/s3/', { credentials: 'same-origin' });
  const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
  if (!res.ok) throw new APIError(res.status, doc.querySelector('Code')?.textContent || String(res.status), doc.querySelector('Message')?.textContent || '');
  return [...doc.getElementsByTagName('Bucket')].map(b => ({
    name: b.getElementsByTagName('Name')[0]?.textContent,
    created: b.getElementsByTagName('CreationDate')[0]?.textContent,
  }));
}
