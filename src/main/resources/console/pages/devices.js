// Devices: a server-side paged table (keyset pages, so 100,000 devices page as fast as 10), search and filters in
// the URL, live connection dots from one stream, bulk actions and "run a job on these".
import { get, put, patch, del, all, stream, seg } from '../api.js';
import { h, replace, field, select, table, errorBox, notify, act, quote, debounce, emptyRow } from '../ui.js';
import { createExample, TEMPLATE } from '../example.js';

const PAGE = 50;
const STATUS = [['', 'Any status'], ['online', 'Online'], ['offline', 'Offline'], ['provisioned', 'Provisioned'],
  ['unprovisioned', 'Not provisioned'], ['blocked', 'Blocked'], ['simulated', 'Simulated']];

/** The device-group filter (and connection) the table's search and filters stand for. */
export function deviceQuery({ q, template, status }) {
  const conds = [];
  if (q) conds.push(`(contains($id, ${quote(q)}) OR contains($displayName, ${quote(q)}))`);
  if (template) conds.push(`$template = ${quote(template)}`);
  if (status === 'provisioned') conds.push('$provisioned = true');
  if (status === 'unprovisioned') conds.push('$provisioned = false');
  if (status === 'blocked') conds.push('$enabled = false');
  if (status === 'simulated') conds.push('$simulated = true');
  return {
    query: 'SELECT * FROM devices' + (conds.length ? ' WHERE ' + conds.join(' AND ') : ''),
    connection: status === 'online' || status === 'offline' ? status : 'any',
  };
}

export async function render(main, _params, ctx) {
  const p = ctx.params;
  const state = { q: p.get('q') ?? '', template: p.get('template') ?? '', status: p.get('status') ?? '' };
  const templates = await all('/api/deviceTemplates').catch(() => []);
  const names = new Map(templates.map((t) => [t['@id'], t.displayName]));
  const selected = new Set();
  let allMatching = false;
  let tokens = [null];
  let pageIndex = 0;
  let rows = new Map();
  let total = 0;
  let loads = 0;
  let counted = Promise.resolve(0);

  const search = h('input', { type: 'search', value: state.q, placeholder: 'Device id or name' });
  const templateSelect = select([['', 'Any template'], ...templates.map((t) => [t['@id'], t.displayName])], state.template);
  const statusSelect = select(STATUS, state.status);
  const countEl = h('span', { class: 'muted', 'aria-live': 'polite', id: 'device-count' });
  const bulk = h('div', { class: 'bulk', hidden: true, role: 'region', 'aria-label': 'Selected devices' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const out = h('div');
  const selectPage = h('input', { type: 'checkbox', 'aria-label': 'Select every device on this page' });

  const tableEl = h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Devices' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, selectPage), h('th', { scope: 'col' }, 'Device id'),
      h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'wide' }, 'Template'),
      h('th', { scope: 'col' }, 'Status'))), body));

  const createButton = h('button', { type: 'button', onclick: () => createForm() }, 'Create a device');
  replace(main, h('h1', {}, 'Devices'),
    h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, field('Search', search)), field('Template', templateSelect),
      field('Status', statusSelect), h('div', { class: 'field' }, createButton)),
    out, bulk, h('p', {}, countEl), tableEl, pager);

  function syncUrl() {
    const u = new URLSearchParams();
    for (const k of ['q', 'template', 'status']) if (state[k]) u.set(k, state[k]);
    history.replaceState(null, '', '/devices' + (u.toString() ? '?' + u : ''));
  }

  async function load() {
    const { query, connection } = deviceQuery(state);
    const params = { query, connection, maxpagesize: PAGE, $skiptoken: tokens[pageIndex] ?? undefined };
    const generation = ++loads;
    // the count (a scan when searching) comes after the rows, so the rows never wait for it
    if (pageIndex === 0) {
      counted = get('/api/devices', { query, connection, count: 'true', maxpagesize: 1 }).then((r) => r.count, () => null);
    }
    let page;
    try {
      page = await get('/api/devices', params);
    } catch (e) {
      replace(out, errorBox(e));
      return;
    }
    if (generation !== loads) return;
    replace(out);
    tokens[pageIndex + 1] = page.nextLink ? new URL(page.nextLink).searchParams.get('$skiptoken') : null;
    rows = new Map();
    const filtered = state.q || state.template || state.status;
    if (page.value.length === 0 && pageIndex === 0 && !filtered) {
      replace(body, emptyRow(5, 'No devices yet.'));
      replace(out, emptyState());
    } else {
      replace(body, page.value.length ? page.value.map(row) : emptyRow(5, 'No device matches these filters.'));
    }
    const showCount = () => {
      countEl.textContent = `${total.toLocaleString()} device${total === 1 ? '' : 's'}` +
        (total > PAGE ? ` · page ${pageIndex + 1} of ${Math.max(1, Math.ceil(total / PAGE)).toLocaleString()}` : '');
    };
    if (pageIndex === 0) {
      countEl.textContent = page.nextLink ? `more than ${PAGE} devices (counting…)` : '';
      counted.then((n) => {
        if (generation !== loads || n === null) return;
        total = n;
        showCount();
        renderBulk();
      });
    } else {
      showCount();
    }
    selectPage.checked = page.value.length > 0 && page.value.every((d) => selected.has(d.id));
    replace(pager,
      h('button', { type: 'button', disabled: pageIndex === 0, onclick: () => { pageIndex--; load(); } }, 'Previous page'),
      h('button', { type: 'button', disabled: !tokens[pageIndex + 1], onclick: () => { pageIndex++; load(); } }, 'Next page'));
    renderBulk();
  }

  function status(d) {
    return [
      h('span', { class: 'chip', dataset: { connection: d.id } }, h('span', { class: 'dot' + (d.connected ? ' on' : '') }),
        d.connected ? 'online' : 'offline'),
      d.provisioned ? h('span', { class: 'chip ok' }, 'provisioned') : h('span', { class: 'chip' }, 'not provisioned'),
      d.enabled ? null : h('span', { class: 'chip bad' }, 'blocked'),
      d.simulated ? h('span', { class: 'chip' }, 'simulated') : null,
    ];
  }

  function row(d) {
    const box = h('input', { type: 'checkbox', 'aria-label': 'Select ' + d.id, checked: selected.has(d.id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(d.id); else selected.delete(d.id);
      allMatching = false;
      renderBulk();
    });
    const statusCell = h('td', {}, status(d));
    const tr = h('tr', { dataset: { device: d.id } }, h('td', {}, box),
      h('td', {}, h('a', { href: '/devices/' + seg(d.id), 'data-link': true }, d.id)), h('td', {}, d.displayName),
      h('td', { class: 'wide' }, d.template ? names.get(d.template) ?? d.template : h('span', { class: 'muted' }, 'unassigned')),
      statusCell);
    rows.set(d.id, { device: d, statusCell });
    return tr;
  }

  selectPage.addEventListener('change', () => {
    for (const [id] of rows) if (selectPage.checked) selected.add(id); else selected.delete(id);
    body.querySelectorAll('input[type=checkbox]').forEach((b) => { b.checked = selectPage.checked; });
    allMatching = false;
    renderBulk();
  });

  function renderBulk() {
    const n = allMatching ? total : selected.size;
    bulk.hidden = n === 0;
    if (n === 0) return;
    const buttons = [
      h('strong', {}, `${n.toLocaleString()} selected`),
      !allMatching && total > selected.size
        ? h('button', { type: 'button', onclick: () => { allMatching = true; renderBulk(); } }, `Select all ${total.toLocaleString()} matching`)
        : null,
      h('button', { type: 'button', onclick: (e) => bulkPatch(e.target, { enabled: false }, 'blocked') }, 'Block'),
      h('button', { type: 'button', onclick: (e) => bulkPatch(e.target, { enabled: true }, 'unblocked') }, 'Unblock'),
      h('button', { type: 'button', class: 'danger', onclick: (e) => bulkDelete(e.target) }, 'Delete'),
      h('button', { type: 'button', class: 'primary', onclick: (e) => runJob(e.target) }, 'Run a job on these'),
      h('button', { type: 'button', onclick: () => { selected.clear(); allMatching = false; load(); } }, 'Clear selection'),
    ];
    replace(bulk, buttons);
  }

  async function chosenIds() {
    if (!allMatching) return [...selected];
    const { query, connection } = deviceQuery(state);
    return (await all('/api/devices', { query, connection }, 10000)).map((d) => d.id);
  }

  async function each(ids, fn) {
    let next = 0;
    let failed = null;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try { await fn(id); } catch (e) { failed = failed ?? e; }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    if (failed) throw failed;
  }

  async function bulkPatch(button, body, verb) {
    await act(button, async () => {
      const ids = await chosenIds();
      await each(ids, (id) => patch('/api/devices/' + seg(id), body));
      notify(`${ids.length} device${ids.length === 1 ? '' : 's'} ${verb}.`);
      await load();
    });
  }

  async function bulkDelete(button) {
    const n = allMatching ? total : selected.size;
    if (!confirm(`Delete ${n} device${n === 1 ? '' : 's'}? This cannot be undone.`)) return;
    await act(button, async () => {
      const ids = await chosenIds();
      await each(ids, (id) => del('/api/devices/' + seg(id)));
      selected.clear();
      allMatching = false;
      notify(`${ids.length} device${ids.length === 1 ? '' : 's'} deleted.`);
      pageIndex = 0;
      tokens = [null];
      await load();
    });
  }

  async function runJob(button) {
    await act(button, async () => {
      const { query, connection } = deviceQuery(state);
      let filter;
      let n;
      if (allMatching) {
        if (connection !== 'any') throw new Error('A group cannot follow online/offline state: filter by another status, or select devices one by one.');
        filter = query;
        n = total;
      } else {
        filter = 'SELECT * FROM devices WHERE $id IN [' + [...selected].map(quote).join(', ') + ']';
        n = selected.size;
      }
      const id = 'selection-' + Date.now().toString(36);
      await put('/api/deviceGroups/' + id, { displayName: `Selection of ${n} device${n === 1 ? '' : 's'} (${new Date().toLocaleString()})`,
        description: 'Created from the device list for a job.', filter });
      ctx.navigate('/jobs/new?group=' + encodeURIComponent(id));
    });
  }

  function emptyState() {
    const steps = h('ol', {},
      h('li', {}, 'Publish a device template (Templates → Import a DTDL file): it says what devices send and accept.'),
      h('li', {}, 'Create a device of that template, real or ', h('em', {}, 'simulated'), ' (a simulated device connects at once and sends telemetry).'),
      h('li', {}, 'Run a job on the template\'s group "… - All devices".'));
    const box = h('div', { class: 'panel empty' }, h('h2', {}, 'This server has no devices yet'), steps);
    if (ctx.role.build) {
      const log = h('p', { class: 'muted', 'aria-live': 'polite' });
      const b = h('button', { type: 'button', class: 'primary' }, 'Create the refrigerated-truck example');
      b.addEventListener('click', () => act(b, async () => {
        await createExample((step) => { log.textContent = step + '…'; });
        log.textContent = '';
        for (const t of await all('/api/deviceTemplates')) {
          if (!names.has(t['@id'])) templateSelect.append(h('option', { value: t['@id'] }, t.displayName));
          names.set(t['@id'], t.displayName);
        }
        notify('Created the refrigerated-truck template, three real trucks and five simulated trucks.');
        await load();
      }));
      box.append(h('p', {}, 'Or start from an example: the template ', h('code', {}, TEMPLATE),
        ', three real trucks (offline until you connect them) and five simulated trucks — what ',
        h('code', {}, 'examples/refrigerated-truck/setup.sh'), ' does.'), b, log);
    } else {
      box.append(h('p', { class: 'muted' }, 'Templates are published by builders and administrators; ask one to create the refrigerated-truck example.'));
    }
    return box;
  }

  function createForm() {
    const id = h('input', { type: 'text', required: true, pattern: '[a-zA-Z0-9\\-_.:]+', autocomplete: 'off' });
    const name = h('input', { type: 'text' });
    const tpl = select([['', 'No template'], ...templates.map((t) => [t['@id'], t.displayName])], state.template);
    const sim = h('input', { type: 'checkbox', class: 'switch', role: 'switch' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Create');
    const form = h('form', { class: 'panel', 'aria-label': 'Create a device' }, h('h2', {}, 'Create a device'),
      h('div', { class: 'grid' }, field('Device id', id), field('Display name', name), field('Template', tpl),
        h('div', { class: 'field' }, h('label', { for: 'new-sim' }, 'Simulated'), Object.assign(sim, { id: 'new-sim' }))),
      h('div', { class: 'inline' }, save, h('button', { type: 'button', onclick: () => form.remove() }, 'Cancel')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(save, async () => {
        await put('/api/devices/' + seg(id.value.trim()), { displayName: name.value.trim() || id.value.trim(),
          template: tpl.value || undefined, simulated: sim.checked });
        ctx.navigate('/devices/' + seg(id.value.trim()));
      });
    });
    out.replaceChildren(form);
    id.focus();
  }

  const reload = () => { pageIndex = 0; tokens = [null]; selected.clear(); allMatching = false; syncUrl(); load(); };
  search.addEventListener('input', debounce(() => { state.q = search.value.trim(); reload(); }, 250));
  templateSelect.addEventListener('change', () => { state.template = templateSelect.value; reload(); });
  statusSelect.addEventListener('change', () => { state.status = statusSelect.value; reload(); });

  await load();
  const close = stream('/api/deviceConnectivity/events', (type, data) => {
    if (type === 'reset') { load(); return; }
    const r = rows.get(data.deviceId);
    if (type === 'connection' && r) {
      r.device.connected = data.connected;
      if (data.connected) r.device.provisioned = true;
      replace(r.statusCell, status(r.device));
    }
  });
  return close;
}
