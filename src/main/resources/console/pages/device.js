// One device: identity, live connection, properties with their $metadata times and an edit form from the template,
// commands with a form from the request schema, the latest telemetry with a live chart, and credentials.
import { get, patch, post, del, stream, seg } from '../api.js';
import { h, replace, table, errorBox, notify, act, secret, when, emptyRow } from '../ui.js';
import { capabilities, kind, isCloud, control, schemaText } from '../schema.js';

const NUMERIC = new Set(['double', 'float', 'integer', 'long']);

export async function render(main, [id], ctx) {
  const device = await get('/api/devices/' + seg(id));
  const template = device.template ? await get('/api/deviceTemplates/' + seg(device.template)).catch(() => null) : null;
  const caps = capabilities(template);
  const connection = h('span', { class: 'chip', id: 'connection' }, h('span', { class: 'dot' }), 'offline');
  const setConnection = (on) => replace(connection, h('span', { class: 'dot' + (on ? ' on' : '') }), on ? 'online' : 'offline');

  const blockButton = h('button', { type: 'button' }, device.enabled ? 'Block' : 'Unblock');
  blockButton.addEventListener('click', () => act(blockButton, async () => {
    const updated = await patch('/api/devices/' + seg(id), { enabled: !device.enabled });
    device.enabled = updated.enabled;
    blockButton.textContent = device.enabled ? 'Block' : 'Unblock';
    replace(enabledChip, device.enabled ? 'enabled' : 'blocked');
    enabledChip.className = 'chip ' + (device.enabled ? 'ok' : 'bad');
    notify(`${id} ${device.enabled ? 'unblocked: it may connect again' : 'blocked: it is disconnected and may not connect'}.`);
  }));
  const deleteButton = h('button', { type: 'button', class: 'danger' }, 'Delete');
  deleteButton.addEventListener('click', () => {
    if (!confirm(`Delete device ${id}? This cannot be undone.`)) return;
    act(deleteButton, async () => { await del('/api/devices/' + seg(id)); ctx.navigate('/devices'); });
  });
  const enabledChip = h('span', { class: 'chip ' + (device.enabled ? 'ok' : 'bad'), id: 'enabled' }, device.enabled ? 'enabled' : 'blocked');

  const propsBox = h('section', { 'aria-labelledby': 'h-props' });
  const commandsBox = h('section', { 'aria-labelledby': 'h-commands' });
  const telemetryBox = h('section', { 'aria-labelledby': 'h-telemetry' });
  const credentialsBox = h('section', { 'aria-labelledby': 'h-credentials' });

  replace(main,
    h('p', {}, h('a', { href: '/devices', 'data-link': true }, '← Devices')),
    h('h1', {}, device.displayName || id),
    h('div', { class: 'panel' }, h('dl', { class: 'kv' },
      h('dt', {}, 'Device id'), h('dd', { class: 'mono' }, id),
      h('dt', {}, 'Template'), h('dd', {}, template
        ? h('a', { href: '/templates/' + seg(device.template), 'data-link': true }, template.displayName ?? device.template)
        : h('span', { class: 'muted' }, device.template ?? 'unassigned')),
      h('dt', {}, 'Connection'), h('dd', {}, connection),
      h('dt', {}, 'State'), h('dd', {}, enabledChip, h('span', { class: 'chip' }, device.provisioned ? 'provisioned' : 'not provisioned'),
        device.simulated ? h('span', { class: 'chip' }, 'simulated') : null)),
    h('div', { class: 'inline', style: { 'margin-top': '10px' } }, blockButton, deleteButton)),
    telemetryBox, propsBox, commandsBox, credentialsBox);

  // Telemetry: the latest stored value of each, then the values arriving live, charted.
  const telemetry = caps.filter((c) => kind(c) === 'Telemetry');
  const charts = new Map();
  let uPlot = null;
  if (telemetry.some((c) => NUMERIC.has(c.schema))) {
    uPlot = (await import('/console/vendor/uplot/uPlot.esm.js')).default;
  }
  const latestCells = new Map();
  replace(telemetryBox, h('h2', { id: 'h-telemetry' }, 'Telemetry'),
    telemetry.length ? table(['Name', 'Latest value', 'At'], telemetry.map((c) => {
      const value = h('td', { dataset: { telemetry: c.name } }, '—');
      const at = h('td', {}, '');
      latestCells.set(c.name, { value, at });
      return h('tr', {}, h('td', {}, c.displayName ?? c.name), value, at);
    }), { 'aria-label': 'Latest telemetry' }) : h('p', { class: 'muted' }, 'The template declares no telemetry.'),
    h('div', { class: 'grid', id: 'charts' }, telemetry.filter((c) => NUMERIC.has(c.schema) && uPlot).map((c) => {
      const el = h('div', { class: 'panel chart', role: 'img', 'aria-label': `Chart of ${c.name} since this page opened`, dataset: { chart: c.name } },
        h('strong', {}, c.displayName ?? c.name), h('p', { class: 'muted' }, 'Waiting for values…'));
      charts.set(c.name, { el, xs: [], ys: [], plot: null });
      return el;
    })));
  const showLatest = (name, value, at) => {
    const cell = latestCells.get(name);
    if (!cell) return;
    cell.value.textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
    cell.at.textContent = when(at);
  };
  await Promise.all(telemetry.map((c) => get(`/api/devices/${seg(id)}/telemetry/${seg(c.name)}`)
    .then((v) => showLatest(c.name, v.value, v.timestamp)).catch(() => {})));
  const plot = (name, value, at) => {
    const chart = charts.get(name);
    if (!chart || typeof value !== 'number') return;
    chart.xs.push(new Date(at).getTime() / 1000);
    chart.ys.push(value);
    if (chart.xs.length > 2000) { chart.xs.shift(); chart.ys.shift(); }
    const width = Math.max(260, chart.el.clientWidth - 30);
    if (!chart.plot) {
      replace(chart.el, h('strong', {}, name));
      chart.plot = new uPlot({ width, height: 140, series: [{}, { label: name, stroke: getComputedStyle(document.body).getPropertyValue('--accent') || '#1d4ed8', width: 2 }],
        axes: [{ stroke: '#888' }, { stroke: '#888' }], legend: { show: true } }, [chart.xs, chart.ys], chart.el);
    } else {
      chart.plot.setData([chart.xs, chart.ys]);
    }
    chart.el.dataset.points = String(chart.xs.length);
  };

  // Properties: what the device reported and what the cloud holds, with times; forms for what may be written.
  const properties = caps.filter((c) => kind(c) === 'Property');
  async function showProperties() {
    let doc;
    try {
      doc = await get(`/api/devices/${seg(id)}/properties`);
    } catch (e) {
      replace(propsBox, h('h2', { id: 'h-props' }, 'Properties'), errorBox(e));
      return;
    }
    const meta = doc.$metadata ?? {};
    const names = new Set([...properties.map((p) => p.name), ...Object.keys(doc).filter((k) => k !== '$metadata')]);
    const rows = [...names].map((name) => {
      const cap = properties.find((p) => p.name === name);
      const m = meta[name] ?? {};
      const kindText = cap ? (isCloud(cap) ? 'cloud' : cap.writable ? 'writable' : 'read-only') : 'not in template';
      return h('tr', { dataset: { property: name } }, h('td', {}, cap?.displayName ?? name), h('td', {}, kindText),
        h('td', { class: 'mono' }, name in doc ? JSON.stringify(doc[name]) : '—'),
        h('td', { class: 'mono' }, 'desiredValue' in m ? JSON.stringify(m.desiredValue) + (m.desiredVersion ? ` (v${m.desiredVersion})` : '') : ''),
        h('td', {}, m.ackVersion !== undefined ? `acknowledged v${m.ackVersion}` + (m.ackCode ? ` (${m.ackCode})` : '') : ''),
        h('td', {}, when(m.lastUpdateTime)));
    });
    const writable = properties.filter((p) => p.writable || isCloud(p));
    const controls = writable.map((p) => [p.name, control(p.displayName ?? p.name, p.schema,
      meta[p.name]?.desiredValue ?? doc[p.name])]);
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save properties');
    const form = h('form', { class: 'panel', 'aria-label': 'Edit properties' }, h('h2', {}, 'Edit writable and cloud properties'),
      h('div', { class: 'grid' }, controls.map(([, c]) => c.el)), save);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(save, async () => {
        const body = {};
        for (const [name, c] of controls) if (c.input?.value !== '' || c.input?.type === 'checkbox') body[name] = c.value();
        await patch(`/api/devices/${seg(id)}/properties`, body);
        notify('Properties saved' + (writable.some((p) => !isCloud(p)) ? ': writable ones are sent to the device (or wait for it to connect).' : '.'));
        await showProperties();
      });
    });
    replace(propsBox, h('h2', { id: 'h-props' }, 'Properties'),
      table(['Name', 'Kind', 'Reported / cloud value', 'Desired', 'Acknowledgement', 'Updated'],
        rows.length ? rows : emptyRow(6, 'No properties.'), { 'aria-label': 'Properties' }),
      writable.length ? form : null);
  }
  await showProperties();

  // Commands: a form from each command's request schema; the device's answer shown.
  const commands = caps.filter((c) => kind(c) === 'Command');
  replace(commandsBox, h('h2', { id: 'h-commands' }, 'Commands'),
    commands.length ? commands.map((c) => {
      const req = c.request ? control(c.request.displayName ?? c.request.name, c.request.schema) : null;
      const run = h('button', { type: 'submit', class: 'primary' }, 'Run ' + (c.displayName ?? c.name));
      const answer = h('div', { 'aria-live': 'polite', dataset: { answer: c.name } });
      const form = h('form', { class: 'panel', 'aria-label': 'Command ' + c.name },
        h('h3', {}, c.displayName ?? c.name, ' ', h('span', { class: 'muted' }, c.request ? `(${schemaText(c.request.schema)})` : '(no request)')),
        req?.el, run, answer);
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        act(run, async () => {
          replace(answer);
          let request;
          try { request = req ? req.value() : undefined; } catch (e) { replace(answer, errorBox(e)); return; }
          try {
            const r = await post(`/api/devices/${seg(id)}/commands/${seg(c.name)}`, request === undefined ? {} : { request });
            replace(answer, h('p', {}, 'Response code ', h('strong', { class: 'response-code' }, String(r.responseCode))),
              r.response !== undefined ? h('pre', {}, JSON.stringify(r.response, null, 2)) : null);
          } catch (e) {
            replace(answer, errorBox(e));
          }
        });
      });
      return form;
    }) : h('p', { class: 'muted' }, 'The template declares no commands.'));

  // Credentials: ID scope, keys, a ready connection string.
  try {
    const cred = await get(`/api/devices/${seg(id)}/credentials`);
    const key = cred.symmetricKey?.primaryKey;
    replace(credentialsBox, h('h2', { id: 'h-credentials' }, 'Credentials'), h('div', { class: 'panel' },
      secret('ID scope', cred.idScope),
      key ? secret('Primary key', key) : null,
      cred.symmetricKey?.secondaryKey ? secret('Secondary key', cred.symmetricKey.secondaryKey) : null,
      key ? secret('Connection string', `HostName=${location.hostname};DeviceId=${id};SharedAccessKey=${key}`) : null,
      h('p', { class: 'muted' }, 'Devices provision through DPS with the ID scope and a key; the connection string names this server as seen from your browser (the gateway\'s --host-name may differ).')));
  } catch (e) {
    replace(credentialsBox, h('h2', { id: 'h-credentials' }, 'Credentials'), errorBox(e));
  }

  return stream(`/api/devices/${seg(id)}/events`, (type, data) => {
    if (type === 'connection') setConnection(data.connected);
    else if (type === 'telemetry' && !data.component) {
      for (const [name, value] of Object.entries(data.values ?? {})) {
        showLatest(name, value, data.at);
        plot(name, value, data.at);
      }
    } else if (type === 'properties') showProperties();
  });
}
