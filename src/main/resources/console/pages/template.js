// One template: its capabilities as a readable table, and the devices that use it.
import { get, del, seg } from '../api.js';
import { h, replace, table, act, emptyRow, quote } from '../ui.js';
import { capabilities, kind, isCloud, schemaText } from '../schema.js';

export async function render(main, [id], ctx) {
  const t = await get('/api/deviceTemplates/' + seg(id));
  const caps = capabilities(t);
  const devices = await get('/api/devices', { query: `SELECT * FROM devices WHERE $template = ${quote(id)}`, count: 'true', maxpagesize: 10 });
  const remove = ctx.role.build ? h('button', { type: 'button', class: 'danger' }, 'Delete template') : null;
  remove?.addEventListener('click', () => {
    if (!confirm(`Delete template ${id}?`)) return;
    act(remove, async () => { await del('/api/deviceTemplates/' + seg(id)); ctx.navigate('/templates'); });
  });
  replace(main, h('p', {}, h('a', { href: '/templates', 'data-link': true }, '← Templates')),
    h('h1', {}, t.displayName ?? id), h('p', { class: 'mono muted' }, id),
    h('h2', {}, 'Capabilities'),
    table(['Name', 'Kind', 'Schema', 'Details'], caps.length ? caps.map((c) => h('tr', {},
      h('td', {}, c.displayName && c.displayName !== c.name ? [c.displayName, ' ', h('span', { class: 'muted mono' }, c.name)] : c.name),
      h('td', {}, kind(c) === 'Property' ? (isCloud(c) ? 'Cloud property' : c.writable ? 'Writable property' : 'Property') : kind(c)),
      h('td', { class: 'mono' }, kind(c) === 'Command' ? (c.request ? `${c.request.name}: ${schemaText(c.request.schema)}` : '—') : schemaText(c.schema)),
      h('td', {}, [c.unit ? `unit ${c.unit}` : null, c.response ? `response ${schemaText(c.response.schema)}` : null].filter(Boolean).join(', '))))
      : emptyRow(4, 'No capabilities.'), { 'aria-label': 'Capabilities' }),
    h('h2', {}, `Devices using it (${devices.count})`),
    table(['Device id', 'Name'], devices.value.length ? devices.value.map((d) => h('tr', {},
      h('td', {}, h('a', { href: '/devices/' + seg(d.id), 'data-link': true }, d.id)), h('td', {}, d.displayName)))
      : emptyRow(2, 'No device uses this template.'), { 'aria-label': 'Devices using the template' }),
    devices.count > devices.value.length ? h('p', {}, h('a', { href: '/devices?template=' + encodeURIComponent(id), 'data-link': true }, `All ${devices.count} devices →`)) : null,
    remove ? h('p', {}, remove) : null);
}
