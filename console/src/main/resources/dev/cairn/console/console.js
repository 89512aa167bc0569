// Cairn console: the page's script. Served as a file of its own (the Content-Security-Policy allows no inline
// script). Every value that comes from the API (names, payloads, errors, ids) is put in the page as text
// (textContent, a property such as title, or a form field's value), never as markup.
'use strict';

(() => {
  const STATUSES = ['PENDING', 'RUNNING', 'SUSPENDED', 'PARKED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
  const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

  const state = {
    settings: { actionsEnabled: false, refreshMillis: 3000 },
    paused: false,
    timer: null,
    loading: false,
    pageCursors: [null], // the cursor of each page seen, so that "Newer" goes back
    filters: {},
    withData: false,
    callbackSignature: null,
  };

  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ DOM helpers (text only)

  /** An element with a class, properties, and children: strings become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (typeof props === 'string') {
      node.className = props;
    } else if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null) continue;
        if (key === 'class') node.className = value;
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
        else node[key] = value; // properties such as href, title, type, value: never innerHTML
      }
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function statusBadge(status) {
    return el('span', { class: 'status ' + (status || ''), textContent: status || '?' });
  }

  function executionLink(id, text) {
    return el('a', { href: '#/executions/' + encodeURIComponent(id), title: id, class: 'mono' }, text || shortId(id));
  }

  function shortId(id) {
    return id && id.length > 13 ? id.slice(0, 8) + '…' + id.slice(-4) : id;
  }

  // ------------------------------------------------------------------ times

  function formatTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return d.toISOString().replace('T', ' ').replace('Z', '');
  }

  function formatDuration(ms) {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
    const sign = ms < 0 ? '-' : '';
    ms = Math.abs(ms);
    if (ms < 1000) return sign + Math.round(ms) + ' ms';
    if (ms < 60000) return sign + (ms / 1000).toFixed(ms < 10000 ? 3 : 1) + ' s';
    if (ms < 3600000) return sign + Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
    if (ms < 86400000) return sign + Math.floor(ms / 3600000) + ' h ' + Math.round((ms % 3600000) / 60000) + ' min';
    return sign + Math.floor(ms / 86400000) + ' d ' + Math.round((ms % 86400000) / 3600000) + ' h';
  }

  function isoDuration(text) {
    return text ? text.replace(/^PT/, '').toLowerCase() : '';
  }

  const ms = (iso) => (iso ? new Date(iso).getTime() : null);

  /** The value of a datetime-local field, read as UTC, as an ISO-8601 instant. */
  function localFieldToInstant(value) {
    if (!value) return null;
    const withSeconds = value.length === 16 ? value + ':00' : value;
    const d = new Date(withSeconds + 'Z');
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }

  // ------------------------------------------------------------------ API

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store',
      credentials: 'same-origin' });
    return readAnswer(response);
  }

  async function action(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Cairn-Console': '1', Accept: 'application/json' },
      credentials: 'same-origin',
      body,
    });
    return readAnswer(response);
  }

  async function readAnswer(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.message ? body.message : response.status + ' ' + response.statusText;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function showMessage(text, info) {
    const box = $('message');
    box.textContent = text;
    box.className = 'message' + (info ? ' info' : '');
    box.hidden = false;
  }

  function hideMessage() {
    $('message').hidden = true;
  }

  // ------------------------------------------------------------------ routing and refresh

  function route() {
    const hash = location.hash || '#/';
    const m = hash.match(/^#\/executions\/([^/?]+)/);
    return m ? { view: 'execution', id: decodeURIComponent(m[1]) } : { view: 'list' };
  }

  async function refresh() {
    clearTimeout(state.timer);
    if (state.loading) return;
    state.loading = true;
    const r = route();
    $('list-view').hidden = r.view !== 'list';
    $('execution-view').hidden = r.view !== 'execution';
    try {
      if (r.view === 'list') await loadList();
      else await loadExecution(r.id);
      $('updated').textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
    } catch (e) {
      showMessage(e.message || String(e));
    } finally {
      state.loading = false;
      schedule();
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    if (!state.paused) state.timer = setTimeout(refresh, state.settings.refreshMillis);
  }

  // ------------------------------------------------------------------ the list

  function listQuery() {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state.filters)) {
      if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
      else if (value) params.set(key, value);
    }
    const cursor = state.pageCursors[state.pageCursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    const text = params.toString();
    return 'api/executions' + (text ? '?' + text : '');
  }

  async function loadList() {
    const [stats, page] = await Promise.all([api('api/stats'), api(listQuery())]);
    hideMessage();
    renderCounts(stats);
    renderRows(page);
  }

  function renderCounts(stats) {
    const box = clear($('counts'));
    const selected = new Set(state.filters.status || []);
    box.append(el('div', 'count', el('b', null, String(stats.total)), 'all'));
    for (const s of STATUSES) {
      const chip = el('button', {
        type: 'button',
        class: 'count' + (selected.size === 1 && selected.has(s) ? ' selected' : ''),
        title: 'Show only ' + s,
        dataset: { status: s },
        on: { click: () => { setStatusFilter([s]); } },
      }, el('b', null, String(stats.counts[s] ?? 0)), statusBadge(s));
      box.append(chip);
    }
  }

  function renderRows(page) {
    const body = clear($('executions').tBodies[0]);
    for (const e of page.items) {
      body.append(el('tr', { dataset: { id: e.id } },
        el('td', null, statusBadge(e.status)),
        el('td', null, executionLink(e.id)),
        el('td', null, e.function),
        el('td', null, e.name || ''),
        el('td', 'mono', formatTime(e.createdAt)),
        el('td', 'mono', e.endedAt ? formatTime(e.endedAt) : e.wakeAt ? 'due ' + formatTime(e.wakeAt) : ''),
        el('td', null, e.errorType || ''),
        el('td', null, e.parentId ? executionLink(e.parentId) : '')));
    }
    $('empty').hidden = page.items.length > 0;
    state.nextCursor = page.nextCursor;
    $('older').disabled = !page.nextCursor;
    $('newer').disabled = state.pageCursors.length <= 1;
    $('page-number').textContent = 'page ' + state.pageCursors.length;
  }

  function setStatusFilter(statuses) {
    for (const box of document.querySelectorAll('#status-filter input')) box.checked = statuses.includes(box.value);
    applyFilters();
  }

  function applyFilters() {
    const form = $('filters');
    const f = {};
    for (const name of ['function', 'namePrefix', 'parentId']) {
      const v = form.elements[name].value.trim();
      if (v) f[name] = v;
    }
    for (const name of ['createdAfter', 'createdBefore']) {
      const v = localFieldToInstant(form.elements[name].value);
      if (v) f[name] = v;
    }
    f.limit = form.elements.limit.value;
    const statuses = [...document.querySelectorAll('#status-filter input:checked')].map((b) => b.value);
    if (statuses.length) f.status = statuses;
    state.filters = f;
    state.pageCursors = [null];
    refresh();
  }

  // ------------------------------------------------------------------ one execution

  async function loadExecution(id) {
    const data = state.withData ? '?includeData=true' : '';
    const path = 'api/executions/' + encodeURIComponent(id);
    const [d, h] = await Promise.all([api(path + data), api(path + '/history' + data)]);
    hideMessage();
    renderSummary(d);
    renderActions(d);
    renderCallbacks(d);
    renderTimeline(d, h.events);
    renderTree(d);
    renderEvents(d, h.events);
  }

  function renderSummary(d) {
    clear($('ex-status')).append(statusBadge(d.status));
    $('ex-title').textContent = (d.name || d.function) + ' ';
    $('ex-title').append(el('span', 'muted mono', d.id));
    const dl = clear($('ex-summary'));
    const row = (label, ...value) => { dl.append(el('dt', null, label), el('dd', null, ...value)); };
    row('Execution id', el('span', 'mono', d.id));
    row('Function', d.function);
    if (d.name) row('Name', d.name);
    row('Created', el('span', 'mono', formatTime(d.createdAt)));
    row('Updated', el('span', 'mono', formatTime(d.updatedAt)));
    if (d.endedAt) row('Ended', el('span', 'mono', formatTime(d.endedAt)),
      ' (' + formatDuration(ms(d.endedAt) - ms(d.createdAt)) + ')');
    if (d.wakeAt) row('Due', el('span', 'mono', formatTime(d.wakeAt)));
    if (d.parentId) row('Invoked by', executionLink(d.parentId, d.parentId));
    if (d.childExecutionIds.length) row('Invoked', ...d.childExecutionIds.flatMap((c) => [executionLink(c), ' ']));
    const err = clear($('ex-error'));
    if (d.error) err.append(errorBox(d.error));
    const payloads = clear($('payloads'));
    if (state.withData) {
      payloads.append(el('div', 'payload-block', el('b', null, 'Input'), payloadText(d.input)));
      if (d.result !== null && d.result !== undefined) {
        payloads.append(el('div', 'payload-block', el('b', null, 'Result'), payloadText(d.result)));
      }
    }
  }

  function errorBox(error) {
    return el('div', 'error-box', el('b', null, error.type), error.message ? ': ' + error.message : '',
      error.stackTrace ? el('details', null, el('summary', null, 'stack trace'), el('pre', null, error.stackTrace))
        : null);
  }

  function payloadText(text) {
    if (text === null || text === undefined) return el('span', 'muted', ' none');
    let shown = text;
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      // not JSON: shown as it is
    }
    return el('pre', 'payload', shown);
  }

  function renderActions(d) {
    const box = clear($('ex-actions'));
    if (TERMINAL.has(d.status)) return;
    if (!state.settings.actionsEnabled) {
      box.append(el('span', 'muted', 'Read-only console: cancelling and completing callbacks are disabled.'));
      return;
    }
    box.append(el('button', {
      type: 'button', id: 'cancel', class: 'danger',
      on: {
        click: async () => {
          if (!window.confirm('Cancel execution ' + d.id + '?')) return;
          try {
            const r = await action('api/executions/' + encodeURIComponent(d.id) + '/cancel',
              JSON.stringify({ reason: 'cancelled from the console' }));
            showMessage('Execution ' + d.id + ' is ' + r.status, true);
          } catch (e) {
            showMessage(e.message);
          }
          refresh();
        },
      },
    }, 'Cancel execution'));
  }

  function renderCallbacks(d) {
    const pending = TERMINAL.has(d.status) ? [] : d.callbacks.filter((c) => c.status === 'PENDING');
    const signature = d.id + '|' + state.settings.actionsEnabled + '|' + pending.map((c) => c.id).join(',');
    const box = $('callbacks');
    if (signature === state.callbackSignature) {
      // the forms stay as they are, so that what is typed in them survives a refresh; only the deadlines move
      for (const c of pending) {
        const info = box.querySelector('[data-callback-id="' + CSS.escape(c.id) + '"] .deadlines');
        if (info) info.textContent = deadlines(c);
      }
      return;
    }
    state.callbackSignature = signature;
    clear(box);
    if (!pending.length) return;
    box.append(el('h2', null, 'Pending callbacks'));
    for (const c of pending) {
      const op = d.operations.find((o) => o.id === c.operationId);
      const card = el('div', { class: 'callback', dataset: { callbackId: c.id } },
        el('div', null, el('b', null, op && op.name ? op.name : 'callback'), ' ',
          el('span', 'muted', 'operation ' + c.operationId + ' · callback '), el('span', 'mono', c.id)),
        el('div', 'muted deadlines', deadlines(c)));
      if (state.settings.actionsEnabled) {
        const result = el('textarea', { class: 'result', placeholder: 'the result, as JSON: "approved" or {"approve": true}',
          ariaLabel: 'Result as JSON' });
        const type = el('input', { type: 'text', class: 'error-type', placeholder: 'error type', value: 'Rejected' });
        const message = el('input', { type: 'text', class: 'error-message', placeholder: 'message' });
        const send = async (path, body, done) => {
          try {
            await action('api/callbacks/' + encodeURIComponent(c.id) + '/' + path, body);
            showMessage('Callback ' + c.id + ' ' + done, true);
            state.callbackSignature = null;
          } catch (e) {
            showMessage(e.message);
          }
          refresh();
        };
        card.append(el('label', null, 'Result (JSON)'), result,
          el('div', 'row',
            el('button', { type: 'button', class: 'primary complete', on: { click: () => {
              send('complete', result.value, 'completed');
            } } }, 'Complete'),
            el('span', 'muted', 'or fail it with'), type, message,
            el('button', { type: 'button', class: 'danger fail', on: { click: () => {
              send('fail', JSON.stringify({ type: type.value, message: message.value }), 'failed');
            } } }, 'Fail')));
      }
      box.append(card);
    }
  }

  function deadlines(c) {
    const parts = ['created ' + formatTime(c.createdAt)];
    if (c.timeoutAt) parts.push('times out ' + formatTime(c.timeoutAt));
    if (c.heartbeatDeadline) parts.push('next heartbeat due ' + formatTime(c.heartbeatDeadline));
    return parts.join(' · ');
  }

  // ------------------------------------------------------------------ timeline

  /**
   * Rows of bars from the history: one row for the execution (its suspensions shaded), one per operation in the
   * order they first appear. A step has a bar per attempt (and a dotted line for each backoff), a wait a bar to its
   * end (dashed to its scheduled end while it waits), a callback a bar to its completion with a tick per heartbeat.
   */
  function timelineRows(d, events) {
    const now = Date.now();
    const open = !TERMINAL.has(d.status);
    const rows = new Map();
    const execution = { label: 'execution · ' + d.function, bars: [], marks: [] };
    let suspendedAt = null;
    const rowOf = (e) => {
      if (!rows.has(e.operationId)) {
        rows.set(e.operationId, { label: e.operationId + ' · ' + (e.operationType || '').toLowerCase()
          + (e.subType ? ' ' + e.subType : '') + (e.name ? ' · ' + e.name : ''), bars: [], marks: [], opened: {} });
      }
      return rows.get(e.operationId);
    };
    for (const e of events) {
      const t = ms(e.timestamp);
      if (!e.operationId) {
        if (e.type === 'EXECUTION_SUSPENDED') suspendedAt = t;
        if ((e.type === 'EXECUTION_RESUMED' || e.type.startsWith('EXECUTION_') && e.type !== 'EXECUTION_STARTED'
            && e.type !== 'EXECUTION_SUSPENDED') && suspendedAt !== null) {
          execution.bars.push({ from: suspendedAt, to: t, cls: 'suspended', title: 'suspended ' + formatDuration(t - suspendedAt) });
          suspendedAt = null;
        }
        continue;
      }
      const row = rowOf(e);
      const key = e.type.startsWith('STEP_') ? 'attempt ' + e.attempt : 'run';
      if (e.type.endsWith('_STARTED')) {
        row.opened[key] = { from: t, event: e };
      } else if (e.type === 'CALLBACK_HEARTBEAT') {
        row.marks.push({ at: t, title: 'heartbeat ' + formatTime(e.timestamp) });
      } else {
        const started = row.opened[key];
        const from = started ? started.from : t;
        delete row.opened[key];
        const outcome = e.type.replace(/^[A-Z]+_/, '');
        const what = (e.operationType || '').toLowerCase() + (e.type.startsWith('STEP_') ? ' attempt ' + e.attempt : '');
        row.bars.push({ from, to: t, cls: outcome + (e.operationType === 'WAIT' ? ' wait' : ''),
          title: what + ' ' + outcome.toLowerCase() + ' after ' + formatDuration(t - from)
            + (e.error ? ' · ' + e.error.type + (e.error.message ? ': ' + e.error.message : '') : '') });
        if (e.type === 'STEP_FAILED' && e.scheduledAt) {
          row.bars.push({ from: t, to: ms(e.scheduledAt), cls: 'backoff',
            title: 'backoff until attempt ' + (e.attempt + 1) + ' at ' + formatTime(e.scheduledAt) });
        }
      }
    }
    const end = open ? now : ms(d.endedAt) || (events.length ? ms(events[events.length - 1].timestamp) : now);
    let horizon = end;
    for (const row of rows.values()) {
      for (const { from, event } of Object.values(row.opened)) {
        const to = open ? now : end;
        row.bars.push({ from, to, cls: 'open', title: (event.operationType || '').toLowerCase() + ' under way since '
          + formatTime(event.timestamp) });
        if (event.type === 'WAIT_STARTED' && event.scheduledAt && open) {
          const planned = ms(event.scheduledAt);
          row.bars.push({ from: to, to: planned, cls: 'planned', title: 'wait ends ' + formatTime(event.scheduledAt) });
          horizon = Math.max(horizon, planned);
        }
      }
    }
    if (suspendedAt !== null) {
      execution.bars.push({ from: suspendedAt, to: open ? now : end, cls: 'suspended',
        title: 'suspended since ' + formatTime(new Date(suspendedAt).toISOString()) });
    }
    const start = events.length ? ms(events[0].timestamp) : ms(d.createdAt);
    return { start, end: Math.max(horizon, start + 1), rows: [execution, ...rows.values()] };
  }

  function renderTimeline(d, events) {
    const box = clear($('timeline'));
    if (!events.length) {
      box.append(el('span', 'muted', 'No events yet.'));
      return;
    }
    const { start, end, rows } = timelineRows(d, events);
    const span = end - start;
    const pct = (t) => Math.min(100, Math.max(0, ((t - start) / span) * 100));
    for (const row of rows) {
      const track = el('div', 'tl-track');
      for (const bar of row.bars) {
        const b = el('div', { class: 'tl-bar ' + bar.cls, title: bar.title });
        b.style.left = pct(bar.from) + '%';
        b.style.width = Math.max(0, pct(bar.to) - pct(bar.from)) + '%';
        track.append(b);
      }
      for (const mark of row.marks) {
        const m = el('div', { class: 'tl-mark', title: mark.title });
        m.style.left = pct(mark.at) + '%';
        track.append(m);
      }
      box.append(el('div', 'tl-row', el('div', { class: 'tl-label', title: row.label }, row.label), track));
    }
    box.append(el('div', 'tl-axis', el('span'), el('div', 'ends',
      el('span', 'mono', formatTime(new Date(start).toISOString())),
      el('span', null, formatDuration(span)),
      el('span', 'mono', formatTime(new Date(end).toISOString())))));
    box.append(el('div', 'tl-legend', el('span', null, 'succeeded'), el('span', 'l-failed', 'failed attempt'),
      el('span', 'l-backoff', 'retry backoff'), el('span', 'l-open', 'under way'),
      el('span', 'l-planned', 'scheduled end'), el('span', 'l-heartbeat', 'heartbeat'),
      el('span', 'l-suspended', 'execution suspended')));
  }

  // ------------------------------------------------------------------ operation tree

  function renderTree(d) {
    const box = clear($('tree'));
    if (!d.operations.length) {
      box.append(el('span', 'muted', 'No operations yet.'));
      return;
    }
    const children = new Map();
    for (const op of d.operations) {
      const key = op.parentId || '';
      if (!children.has(key)) children.set(key, []);
      children.get(key).push(op);
    }
    const known = new Set(d.operations.map((o) => o.id));
    const roots = d.operations.filter((o) => !o.parentId || !known.has(o.parentId));
    const list = (ops) => el('ul', null, ops.map((op) => {
      const took = op.endedAt ? ' (' + formatDuration(ms(op.endedAt) - ms(op.startedAt)) + ')' : '';
      return el('li', { dataset: { operationId: op.id } },
        el('div', 'op', statusBadge(op.status), el('span', 'mono', op.id),
          el('span', 'kind', op.type + (op.subType ? ' · ' + op.subType : '')),
          el('b', null, op.name || ''),
          op.type === 'STEP' ? el('span', 'muted', op.attempts + (op.attempts === 1 ? ' attempt' : ' attempts')) : null,
          el('span', 'muted mono', formatTime(op.startedAt) + (op.endedAt ? ' → ' + formatTime(op.endedAt) : '') + took),
          op.scheduledAt && !op.endedAt ? el('span', 'muted', 'due ' + formatTime(op.scheduledAt)) : null),
        op.error ? errorBox(op.error) : null,
        state.withData && op.result !== null && op.result !== undefined ? payloadText(op.result) : null,
        children.has(op.id) ? list(children.get(op.id)) : null);
    }));
    box.append(list(roots));
  }

  // ------------------------------------------------------------------ event table

  function renderEvents(d, events) {
    const table = $('events');
    table.classList.toggle('with-data', state.withData);
    const body = clear(table.tBodies[0]);
    const start = events.length ? ms(events[0].timestamp) : 0;
    for (const e of events) {
      const details = [];
      if (e.scheduledAt) details.push((e.type === 'STEP_FAILED' ? 'next attempt ' : e.type === 'WAIT_STARTED'
        ? 'until ' : 'due ') + formatTime(e.scheduledAt));
      if (e.callbackId) details.push('callback ' + e.callbackId);
      if (e.timeout) details.push('timeout ' + isoDuration(e.timeout));
      if (e.heartbeatTimeout) details.push('heartbeat timeout ' + isoDuration(e.heartbeatTimeout));
      body.append(el('tr', { class: 'event', dataset: { type: e.type } },
        el('td', 'nowrap', String(e.sequence)),
        el('td', 'mono time nowrap', formatTime(e.timestamp)),
        el('td', 'mono nowrap', '+' + formatDuration(ms(e.timestamp) - start)),
        el('td', 'nowrap', e.type),
        el('td', 'mono nowrap', e.operationId || ''),
        el('td', null, e.name || ''),
        el('td', 'nowrap', e.attempt ? String(e.attempt) : ''),
        el('td', null, details.join(' · '), e.error ? errorBox(e.error) : null),
        el('td', 'data-col', e.payload !== null && e.payload !== undefined ? payloadText(e.payload) : '')));
    }
  }

  // ------------------------------------------------------------------ start

  function setUp() {
    const fieldset = $('status-filter');
    for (const s of STATUSES) {
      fieldset.append(el('label', null, el('input', { type: 'checkbox', name: 'status', value: s }), ' ' + s));
    }
    $('filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      applyFilters();
    });
    $('clear-filters').addEventListener('click', () => {
      $('filters').reset();
      applyFilters();
    });
    $('older').addEventListener('click', () => {
      if (state.nextCursor) {
        state.pageCursors.push(state.nextCursor);
        refresh();
      }
    });
    $('newer').addEventListener('click', () => {
      if (state.pageCursors.length > 1) {
        state.pageCursors.pop();
        refresh();
      }
    });
    $('pause').addEventListener('click', () => {
      state.paused = !state.paused;
      $('pause').setAttribute('aria-pressed', String(state.paused));
      $('pause').textContent = state.paused ? 'Resume refresh' : 'Pause refresh';
      if (state.paused) clearTimeout(state.timer);
      else refresh();
    });
    $('with-data').addEventListener('change', (ev) => {
      state.withData = ev.target.checked;
      refresh();
    });
    window.addEventListener('hashchange', () => {
      state.callbackSignature = null;
      hideMessage();
      window.scrollTo(0, 0);
      refresh();
    });
  }

  async function start() {
    setUp();
    try {
      state.settings = await api('api/console');
    } catch (e) {
      showMessage('Could not read the console settings: ' + e.message);
    }
    $('mode').textContent = state.settings.actionsEnabled ? 'actions enabled' : 'read-only';
    refresh();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
