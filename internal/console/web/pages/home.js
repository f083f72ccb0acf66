import { aws, KINESIS, FIREHOSE, GLUE, get } from '../api.js';
import { h, section } from '../ui.js';

export async function render(el) {
  el.append(h('h1', {}, 'Overview'));
  const [streams, delivery, dbs, dashboards] = await Promise.all([
    aws(`${KINESIS}.ListStreams`, {}).catch(() => ({ StreamNames: [] })),
    aws(`${FIREHOSE}.ListDeliveryStreams`, {}).catch(() => ({ DeliveryStreamNames: [] })),
    aws(`${GLUE}.GetDatabases`, {}).catch(() => ({ DatabaseList: [] })),
    get('/api/dashboards').catch(() => ({ dashboards: [] })),
  ]);
  const card = (title, n, href) => h('a', { class: 'card', href }, h('div', { class: 'card-n' }, String(n)), h('div', {}, title));
  el.append(h('div', { class: 'cards' },
    card('Dashboards', (dashboards.dashboards || []).length, '#/dashboards'),
    card('Data streams', (streams.StreamNames || []).length, '#/streams'),
    card('Delivery streams', (delivery.DeliveryStreamNames || []).length, '#/delivery'),
    card('Databases', (dbs.DatabaseList || []).length, '#/catalog'),
  ));
  el.append(section('Dashboards', h('ul', {}, (dashboards.dashboards || []).map(d => h('li', {}, h('a', { href: `#/dashboards/${encodeURIComponent(d.id)}` }, d.name))))));
}
