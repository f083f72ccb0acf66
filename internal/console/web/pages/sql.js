// sql.js: the SQL editor (the Athena console's query editor): database
// picker and table browser, run/cancel, live status, paged results with CSV
// download, query history and saved (named) queries. Everything goes through
// the Athena and Glue APIs, as the AWS console does.
import { aws, s3Buckets, s3URL, ATHENA } from '../api.js';
import { listAll as listGlue } from './catalog.js';
import {
  h, codeEditor, tabs, tokenPager, statusBadge, formatBytes, formatDuration, formatTime, parseS3URI,
  sqlErrorPosition, errorBox,
} from '../ui.js';

const WORKGROUP = 'primary';
const PAGE_SIZE = 100;
const STORE = { db: 'shoal.sql.database', query: 'shoal.sql.query', output: 'shoal.sql.outputLocation' };
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const NUMERIC = /^(tinyint|smallint|integer|int|bigint|real|float|double|decimal)/i;

const athena = (op, body) => aws(`${ATHENA}.${op}`, body);
const stored = key => { try { return localStorage.getItem(key) || ''; } catch { return ''; } };
const store = (key, v) => { try { localStorage.setItem(key, v); } catch { /* private mode */ } };

export async function render(el, params) {
  const editor = codeEditor({ id: 'sql-editor', 'aria-label': 'SQL query', name: 'sql' });
  const status = statusBar();
  const errorEl = h('div', { id: 'sql-error', class: 'error', role: 'alert', hidden: true });
  const results = h('div', { id: 'sql-results' }, h('p', { class: 'muted' }, 'Run a query to see its results here.'));
  const historyPane = h('div', { id: 'sql-history' });
  const savedPane = h('div', { id: 'sql-saved' });
  const dbSelect = h('select', { id: 'sql-database', 'aria-label': 'Database' });
  const tableList = h('ul', { class: 'sql-tables', id: 'sql-tables' });
  const output = h('input', { id: 'sql-output-location', type: 'text', placeholder: 's3://bucket/athena-results/', 'aria-label': 'Query result location' });
  const outputNote = h('span', {});
  const runBtn = h('button', { type: 'button', class: 'primary', id: 'sql-run', title: 'Run (Ctrl+Enter)', onclick: () => run() }, '▶ Run');
  const cancelBtn = h('button', { type: 'button', id: 'sql-cancel', disabled: true, onclick: () => cancel() }, '■ Cancel');
  const save = saveForm();
  const s = { db: '', execId: '', poll: null, tick: null, closed: false, wgOutput: '', tab: 'results' };

  const panes = { results, history: historyPane, saved: savedPane };
  const strip = tabs([['results', 'Results'], ['history', 'Recent queries'], ['saved', 'Saved queries']], key => {
    s.tab = key;
    for (const [k, p] of Object.entries(panes)) p.hidden = k !== key;
    if (key === 'history') loadHistory();
    if (key === 'saved') loadSaved();
  }, { id: 'sql-tabs' });

  el.append(h('div', { class: 'sql-layout' },
    h('aside', { class: 'panel sql-side' },
      h('label', {}, 'Database', dbSelect),
      h('div', { class: 'muted', style: 'margin-top:10px;font-size:12px' }, 'Tables'),
      tableList),
    h('div', { class: 'sql-main' },
      h('section', { class: 'panel' },
        editor.el,
        h('div', { class: 'toolbar sql-toolbar' },
          runBtn, cancelBtn, save.button,
          h('span', { class: 'kbd' }, 'Ctrl/⌘ + Enter to run'),
          h('span', { class: 'spacer' }), status.el),
        save.el,
        h('div', { class: 'sql-settings' }, 'Query result location', output, outputNote),
        errorEl),
      h('section', { class: 'panel' }, strip.el, results, historyPane, savedPane))));

  editor.textarea.addEventListener('keydown', e => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); run(); }
  });
  editor.textarea.addEventListener('input', () => store(STORE.query, editor.value));
  dbSelect.addEventListener('change', () => selectDatabase(dbSelect.value));
  output.addEventListener('change', () => store(STORE.output, output.value.trim()));

  editor.value = params.query.get('q') || stored(STORE.query) || 'SELECT 1 AS one';
  strip.select('results');
  await Promise.all([loadDatabases(params.query.get('db')), loadOutputLocation()]);
  // A link may carry a query to open (and run); the address then drops it
  // so that a reload keeps the user's edits.
  if (params.query.has('q') || params.query.has('db')) window.history.replaceState(null, '', '#/sql');
  if (params.query.get('run') === '1') run();

  return () => { s.closed = true; stopTracking(); };

  // ---- database picker and table browser ----

  async function loadDatabases(wanted) {
    let names = [];
    try {
      names = (await listGlue('GetDatabases', {}, 'DatabaseList')).map(d => d.Name);
    } catch (e) {
      tableList.replaceChildren(h('li', { class: 'muted' }, e.message));
    }
    if (!names.length) names = ['default'];
    const pick = [wanted, stored(STORE.db)].find(n => n && names.includes(n)) || names[0];
    dbSelect.replaceChildren(...names.map(n => h('option', { value: n, selected: n === pick }, n)));
    await selectDatabase(pick);
  }

  async function selectDatabase(name) {
    s.db = name;
    dbSelect.value = name;
    store(STORE.db, name);
    tableList.replaceChildren(h('li', { class: 'muted' }, 'Loading…'));
    let tables;
    try {
      tables = await listGlue('GetTables', { DatabaseName: name }, 'TableList');
    } catch (e) {
      tableList.replaceChildren(h('li', { class: 'muted' }, e.code === 'EntityNotFoundException' ? 'No such database.' : e.message));
      return;
    }
    if (s.db !== name) return;
    tableList.replaceChildren(...(tables.length ? tables.map(tableItem) : [h('li', { class: 'muted' }, 'No tables.')]));
  }

  function tableItem(t) {
    const cols = [...(t.StorageDescriptor?.Columns || []), ...(t.PartitionKeys || []).map(c => ({ ...c, pk: true }))];
    const list = h('ul', { hidden: true }, cols.map(c => h('li', { title: `Insert ${c.Name}`, onclick: () => insert(quoteIdent(c.Name)) },
      h('span', { class: c.pk ? 'pk' : '' }, c.Name), h('span', { class: 'ctype' }, c.pk ? `${c.Type} · partition` : c.Type))));
    const caret = h('span', { class: 'icon' }, '▸');
    const toggle = () => { list.hidden = !list.hidden; caret.textContent = list.hidden ? '▸' : '▾'; };
    const preview = h('button', {
      type: 'button', class: 'link preview', title: 'Preview 10 rows',
      onclick: e => { e.stopPropagation(); editor.value = `SELECT * FROM ${quoteIdent(s.db)}.${quoteIdent(t.Name)} LIMIT 10`; store(STORE.query, editor.value); run(); },
    }, '▶');
    return h('li', { dataset: { table: t.Name } },
      h('div', { class: 'tname', onclick: toggle, ondblclick: () => insert(`${quoteIdent(s.db)}.${quoteIdent(t.Name)}`) },
        caret, h('span', { class: 'spacer' }, t.Name), preview),
      list);
  }

  function insert(text) {
    const ta = editor.textarea;
    ta.focus();
    ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, 'end');
    editor.refresh();
    store(STORE.query, editor.value);
  }

  // ---- output location: the workgroup's, else one the user sets ----

  async function loadOutputLocation() {
    try {
      const wg = await athena('GetWorkGroup', { WorkGroup: WORKGROUP });
      s.wgOutput = wg.WorkGroup?.Configuration?.ResultConfiguration?.OutputLocation || '';
    } catch { s.wgOutput = ''; }
    if (s.wgOutput) {
      output.value = s.wgOutput;
      output.readOnly = true;
      outputNote.textContent = `(set by workgroup ${WORKGROUP})`;
      return;
    }
    let value = stored(STORE.output);
    if (!value) {
      const buckets = await s3Buckets().catch(() => []);
      value = buckets.length ? `s3://${buckets[0].name}/athena-results/` : '';
    }
    output.value = value;
    outputNote.textContent = value ? '' : 'needed: the workgroup has none';
  }

  // ---- running a query ----

  async function run() {
    const query = editor.value;
    if (!query.trim() || runBtn.disabled) return;
    hideError();
    stopTracking();
    setRunning(true);
    status.show({ state: 'QUEUED', elapsed: 0 });
    results.replaceChildren(h('p', { class: 'muted' }, 'Running…'));
    if (s.tab !== 'results') strip.select('results');
    const body = { QueryString: query, WorkGroup: WORKGROUP, QueryExecutionContext: { Database: s.db } };
    const out = output.value.trim();
    if (!s.wgOutput && out) {
      body.ResultConfiguration = { OutputLocation: out };
      store(STORE.output, out);
    }
    let id;
    try {
      ({ QueryExecutionId: id } = await athena('StartQueryExecution', body));
    } catch (e) {
      setRunning(false);
      status.show({ state: 'FAILED' });
      showError(e.code && e.code !== 'InvalidRequestException' ? `${e.code}: ${e.message}` : e.message, query);
      return;
    }
    track(id, Date.now());
  }

  async function cancel() {
    if (!s.execId) return;
    cancelBtn.disabled = true;
    try { await athena('StopQueryExecution', { QueryExecutionId: s.execId }); } catch (e) { showError(e.message, ''); }
  }

  function setRunning(on) {
    runBtn.disabled = on;
    cancelBtn.disabled = !on;
    el.querySelector('.sql-main')?.classList.toggle('running', on);
  }

  // track polls an execution until it ends, with a live running time.
  function track(id, startedAt) {
    s.execId = id;
    setRunning(true);
    s.tick = setInterval(() => status.elapsed(Date.now() - startedAt), 100);
    let delay = 150;
    const poll = async () => {
      let exec;
      try {
        exec = (await athena('GetQueryExecution', { QueryExecutionId: id })).QueryExecution;
      } catch (e) {
        if (s.closed) return;
        stopTracking();
        setRunning(false);
        showError(e.message, '');
        return;
      }
      if (s.closed || s.execId !== id) return;
      if (!TERMINAL.has(exec.Status.State)) {
        status.show({ state: exec.Status.State, id, scanned: exec.Statistics?.DataScannedInBytes });
        delay = Math.min(1000, delay * 1.5);
        s.poll = setTimeout(poll, delay);
        return;
      }
      stopTracking();
      finish(exec);
    };
    s.poll = setTimeout(poll, 50);
  }

  function stopTracking() {
    clearTimeout(s.poll);
    clearInterval(s.tick);
    s.poll = s.tick = null;
  }

  function finish(exec) {
    setRunning(false);
    showExecution(exec);
    if (exec.Status.State === 'SUCCEEDED') showResults(exec);
    else if (exec.Status.State === 'FAILED') {
      showError(exec.Status.AthenaError?.ErrorMessage || exec.Status.StateChangeReason || 'Query failed', exec.Query);
      results.replaceChildren(h('p', { class: 'muted' }, 'The query failed; no results.'));
    } else results.replaceChildren(h('p', { class: 'muted', id: 'sql-cancelled' }, 'The query was cancelled.'));
    if (s.tab !== 'results') strip.select('results');
  }

  function showExecution(exec) {
    const st = exec.Statistics || {};
    const total = st.TotalExecutionTimeInMillis || (exec.Status.CompletionDateTime && exec.Status.SubmissionDateTime
      ? (exec.Status.CompletionDateTime - exec.Status.SubmissionDateTime) * 1000 : null);
    status.show({ state: exec.Status.State, id: exec.QueryExecutionId, elapsed: total, scanned: st.DataScannedInBytes });
  }

  // ---- results ----

  function showResults(exec) {
    const id = exec.QueryExecutionId;
    const hasHeader = exec.StatementType === 'DML';
    const offsets = [0];
    const grid = h('div', { class: 'grid-wrap' });
    const rowsLabel = h('span', { class: 'muted', id: 'sql-rows' });
    const pager = tokenPager(async (token, page) => {
      const body = { QueryExecutionId: id, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) };
      const out = await athena('GetQueryResults', body);
      if (s.execId && s.execId !== id) return '';
      let rows = out.ResultSet?.Rows || [];
      if (hasHeader && page === 0) rows = rows.slice(1);
      const cols = out.ResultSet?.ResultSetMetadata?.ColumnInfo || [];
      offsets[page + 1] = offsets[page] + rows.length;
      rowsLabel.textContent = rows.length ? `Rows ${offsets[page] + 1}–${offsets[page + 1]}${out.NextToken ? ' (more on the next page)' : ''}` : 'No rows';
      grid.replaceChildren(resultTable(cols, rows, offsets[page]));
      return out.NextToken;
    }, { prev: 'sql-prev-page', next: 'sql-next-page', page: 'sql-page' });
    const loc = parseS3URI(exec.ResultConfiguration?.OutputLocation);
    const download = loc ? h('a', { class: 'button', id: 'sql-download', href: s3URL(loc.bucket, loc.key), download: loc.key.split('/').pop() }, '⤓ Download CSV') : null;
    results.replaceChildren(h('div', { class: 'results-bar' }, rowsLabel, h('span', { class: 'spacer' }), pager.el, download), grid);
    results.dataset.execution = id;
    pager.first().catch(e => grid.replaceChildren(errorBox(e)));
  }

  // ---- errors, with the position marked in the editor ----

  function showError(message, query) {
    const pos = query && query === editor.value ? sqlErrorPosition(message, query) : null;
    errorEl.replaceChildren();
    delete errorEl.dataset.line;
    delete errorEl.dataset.column;
    if (pos) {
      errorEl.dataset.line = pos.line;
      errorEl.dataset.column = pos.column;
      errorEl.append(h('button', { type: 'button', class: 'link sql-error-pos', id: 'sql-error-goto', onclick: () => editor.select(pos.line, pos.column, pos.length) },
        `Line ${pos.line}, column ${pos.column}:`));
      editor.mark(pos.line);
      editor.select(pos.line, pos.column, pos.length);
    }
    errorEl.append(h('span', { class: 'sql-error-msg' }, message));
    errorEl.hidden = false;
  }

  function hideError() {
    errorEl.hidden = true;
    editor.unmark();
  }

  // ---- history: recent executions of the workgroup ----

  async function loadHistory() {
    const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const pager = tokenPager(async token => {
      const page = await athena('ListQueryExecutions', { WorkGroup: WORKGROUP, MaxResults: 50, ...(token ? { NextToken: token } : {}) });
      const ids = page.QueryExecutionIds || [];
      const execs = ids.length ? (await athena('BatchGetQueryExecution', { QueryExecutionIds: ids })).QueryExecutions || [] : [];
      execs.sort((a, b) => (b.Status.SubmissionDateTime || 0) - (a.Status.SubmissionDateTime || 0));
      list.replaceChildren(historyTable(execs));
      return page.NextToken;
    }, { prev: 'sql-history-prev', next: 'sql-history-next' });
    historyPane.replaceChildren(h('div', { class: 'toolbar' },
      h('button', { type: 'button', id: 'sql-history-refresh', onclick: () => loadHistory() }, 'Refresh'), h('span', { class: 'spacer' }), pager.el), list);
    await pager.first().catch(e => list.replaceChildren(errorBox(e)));
  }

  function historyTable(execs) {
    if (!execs.length) return h('p', { class: 'muted' }, 'No queries run yet.');
    return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'sql-history-table' },
      h('thead', {}, h('tr', {}, ['State', 'Query', 'Database', 'Submitted', 'Run time', 'Data scanned'].map(t => h('th', { class: /time|scanned/i.test(t) && t !== 'Submitted' ? 'num' : '' }, t)))),
      h('tbody', {}, execs.map(x => h('tr', { class: 'clickable', title: 'Open this query and its results', dataset: { execution: x.QueryExecutionId }, onclick: () => openExecution(x) },
        h('td', {}, statusBadge(x.Status.State)),
        h('td', { class: 'query-text', title: x.Query }, x.Query),
        h('td', {}, x.QueryExecutionContext?.Database || '–'),
        h('td', { class: 'nowrap' }, formatTime(x.Status.SubmissionDateTime)),
        h('td', { class: 'num' }, formatDuration(x.Statistics?.TotalExecutionTimeInMillis)),
        h('td', { class: 'num' }, formatBytes(x.Statistics?.DataScannedInBytes)))))));
  }

  async function openExecution(x) {
    stopTracking();
    hideError();
    editor.value = x.Query;
    store(STORE.query, x.Query);
    const db = x.QueryExecutionContext?.Database;
    if (db && db !== s.db && [...dbSelect.options].some(o => o.value === db)) selectDatabase(db);
    s.execId = x.QueryExecutionId;
    if (TERMINAL.has(x.Status.State)) finish(x);
    else track(x.QueryExecutionId, (x.Status.SubmissionDateTime || Date.now() / 1000) * 1000);
  }

  // ---- saved (named) queries ----

  function saveForm() {
    const name = h('input', { id: 'sql-save-name', required: true, placeholder: 'Name', maxlength: 128 });
    const desc = h('input', { id: 'sql-save-description', placeholder: 'Description (optional)', maxlength: 1024, style: 'min-width:320px' });
    const msg = h('span', { class: 'muted', id: 'sql-save-message' });
    const el = h('form', {
      class: 'sql-save-form', id: 'sql-save-form', hidden: true,
      onsubmit: async e => {
        e.preventDefault();
        if (!name.value.trim()) { name.focus(); return; }
        try {
          await athena('CreateNamedQuery', { Name: name.value.trim(), Description: desc.value.trim() || undefined, Database: s.db, QueryString: editor.value, WorkGroup: WORKGROUP });
        } catch (err) {
          msg.textContent = err.message;
          return;
        }
        el.hidden = true;
        name.value = desc.value = msg.textContent = '';
        strip.select('saved');
      },
    }, h('label', {}, 'Name', name), h('label', {}, 'Description', desc),
    h('button', { type: 'submit', class: 'primary', id: 'sql-save-confirm' }, 'Save query'),
    h('button', { type: 'button', onclick: () => { el.hidden = true; } }, 'Close'), msg);
    const button = h('button', { type: 'button', id: 'sql-save', onclick: () => { el.hidden = !el.hidden; if (!el.hidden) name.focus(); } }, 'Save as…');
    return { el, button };
  }

  async function loadSaved() {
    const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
    const pager = tokenPager(async token => {
      const page = await athena('ListNamedQueries', { WorkGroup: WORKGROUP, MaxResults: 50, ...(token ? { NextToken: token } : {}) });
      const ids = page.NamedQueryIds || [];
      const named = ids.length ? (await athena('BatchGetNamedQuery', { NamedQueryIds: ids })).NamedQueries || [] : [];
      named.sort((a, b) => a.Name.localeCompare(b.Name));
      list.replaceChildren(savedTable(named));
      return page.NextToken;
    }, { prev: 'sql-saved-prev', next: 'sql-saved-next' });
    savedPane.replaceChildren(h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, `Named queries of workgroup ${WORKGROUP}`), h('span', { class: 'spacer' }), pager.el), list);
    await pager.first().catch(e => list.replaceChildren(errorBox(e)));
  }

  function savedTable(named) {
    if (!named.length) return h('p', { class: 'muted', id: 'sql-saved-empty' }, 'No saved queries. Use “Save as…” to keep the query in the editor.');
    return h('div', { class: 'grid-wrap' }, h('table', { class: 'grid dense', id: 'sql-saved-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Description', 'Database', 'Query', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, named.map(q => h('tr', { dataset: { namedQuery: q.NamedQueryId, name: q.Name } },
        h('td', {}, h('a', { href: '#', class: 'open', onclick: e => { e.preventDefault(); openNamed(q); } }, q.Name)),
        h('td', {}, q.Description || ''),
        h('td', {}, q.Database || '–'),
        h('td', { class: 'query-text', title: q.QueryString }, q.QueryString),
        h('td', { class: 'nowrap' },
          h('button', { type: 'button', class: 'open', onclick: () => openNamed(q) }, 'Open'), ' ',
          h('button', { type: 'button', class: 'danger delete', onclick: () => deleteNamed(q) }, 'Delete')))))));
  }

  function openNamed(q) {
    hideError();
    editor.value = q.QueryString;
    store(STORE.query, q.QueryString);
    if (q.Database && [...dbSelect.options].some(o => o.value === q.Database)) selectDatabase(q.Database);
    editor.textarea.focus();
  }

  async function deleteNamed(q) {
    if (!confirm(`Delete the saved query “${q.Name}”?`)) return;
    try {
      await athena('DeleteNamedQuery', { NamedQueryId: q.NamedQueryId });
    } catch (e) {
      savedPane.prepend(errorBox(e));
      return;
    }
    loadSaved();
  }
}

// statusBar shows an execution's state, running time and data scanned.
function statusBar() {
  const state = h('span', { id: 'sql-state' });
  const elapsed = h('span', { class: 'fig', id: 'sql-elapsed' }, '–');
  const scanned = h('span', { class: 'fig', id: 'sql-scanned' }, '–');
  const id = h('span', { class: 'muted mono', id: 'sql-execution-id', style: 'font-size:11px' });
  const el = h('div', { class: 'sql-status', id: 'sql-status', hidden: true }, state,
    h('span', {}, h('span', { class: 'lbl' }, 'Run time'), elapsed),
    h('span', {}, h('span', { class: 'lbl' }, 'Data scanned'), scanned), id);
  return {
    el,
    show(x) {
      el.hidden = false;
      el.dataset.state = x.state;
      state.replaceChildren(statusBadge(x.state));
      if (x.elapsed !== undefined) elapsed.textContent = formatDuration(x.elapsed);
      scanned.textContent = x.scanned === undefined ? '–' : formatBytes(x.scanned);
      id.textContent = x.id || '';
      id.title = x.id ? 'Query execution id' : '';
    },
    elapsed(ms) { elapsed.textContent = formatDuration(ms); },
  };
}

function resultTable(cols, rows, offset) {
  const numeric = cols.map(c => NUMERIC.test(c.Type || ''));
  const width = Math.max(cols.length, ...rows.map(r => (r.Data || []).length));
  const head = Array.from({ length: width }, (_, i) => cols[i] || { Name: `_col${i}`, Type: '' });
  return h('table', { class: 'grid dense' },
    h('thead', {}, h('tr', {}, h('th', { class: 'rownum' }, '#'),
      head.map((c, i) => h('th', { class: numeric[i] ? 'num' : '', title: c.Type }, c.Label || c.Name, c.Type ? h('span', { class: 'ctype' }, c.Type) : null)))),
    h('tbody', {}, rows.length ? rows.map((r, n) => h('tr', {}, h('td', { class: 'rownum' }, String(offset + n + 1)),
      head.map((_, i) => {
        const d = (r.Data || [])[i];
        const v = d && d.VarCharValue;
        return v === undefined ? h('td', { class: 'null' }, 'NULL') : h('td', { class: numeric[i] ? 'num' : '', title: v.length > 60 ? v : null }, v);
      })))
      : h('tr', {}, h('td', { colspan: width + 1, class: 'muted' }, 'No rows.'))));
}

// quoteIdent quotes a name when SQL needs it to.
function quoteIdent(name) {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
