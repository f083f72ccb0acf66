// app.js: the console shell. Routes are hash paths; each page module exports
// render(el, params) and may return a cleanup function, called when the user
// navigates away (stop timers, abort fetches).
import { send } from './api.js';
import { h, clear, errorBox } from './ui.js';

// [pattern, module, nav key]; ':name' segments become params, '*rest' the tail.
const routes = [
  ['/', './pages/home.js', ''],
  ['/dashboards', './pages/dashboards.js', 'dashboards'],
  ['/dashboards/:id', './pages/dashboard.js', 'dashboards'],
  ['/dashboards/:id/edit', './pages/dashboard-edit.js', 'dashboards'],
  ['/datasets', './pages/datasets.js', 'dashboards'],
  ['/sql', './pages/sql.js', 'sql'],
  ['/streams', './pages/streams.js', 'streams'],
  ['/streams/:name', './pages/stream.js', 'streams'],
  ['/delivery', './pages/deliverystreams.js', 'delivery'],
  ['/delivery/:name', './pages/deliverystream.js', 'delivery'],
  ['/buckets', './pages/buckets.js', 'buckets'],
  ['/buckets/:bucket/*prefix', './pages/bucket.js', 'buckets'],
  ['/catalog', './pages/catalog.js', 'catalog'],
  ['/catalog/:db', './pages/database.js', 'catalog'],
  ['/catalog/:db/:table', './pages/table.js', 'catalog'],
];

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, mod, nav] of routes) {
    const pp = pattern.split('/').filter(Boolean);
    const params = {};
    let ok = true;
    for (let i = 0; i < pp.length && ok; i++) {
      if (pp[i].startsWith('*')) { params[pp[i].slice(1)] = parts.slice(i).map(decodeURIComponent).join('/'); return { mod, nav, params }; }
      if (i >= parts.length) ok = false;
      else if (pp[i].startsWith(':')) params[pp[i].slice(1)] = decodeURIComponent(parts[i]);
      else if (pp[i] !== parts[i]) ok = false;
    }
    if (ok && pp.length === parts.length) return { mod, nav, params };
    if (ok && pp.length + 1 === parts.length && pattern.includes('*')) return { mod, nav, params };
  }
  return null;
}

let cleanup = null;

async function navigate() {
  const view = document.getElementById('view');
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const m = match(path);
  if (typeof cleanup === 'function') { try { cleanup(); } catch (e) { console.error(e); } }
  cleanup = null;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', m && a.dataset.nav === m.nav);
  clear(view);
  if (!m) { view.append(errorBox(`No page at ${path}`)); return; }
  try {
    const page = await import(m.mod);
    m.params.query = new URLSearchParams(query || '');
    cleanup = await page.render(view, m.params);
  } catch (e) {
    console.error(e);
    view.append(errorBox(e));
  }
}

document.getElementById('principal').textContent = document.querySelector('meta[name="principal"]').content;
document.getElementById('signout').addEventListener('click', async () => {
  try { await send('POST', '/signout'); } finally { location.href = '/signin'; }
});
window.addEventListener('hashchange', navigate);
navigate();

export { h };
