// Enrollment groups (administrators and builders): the ID scope and group keys devices provision with.
import { all, get, seg } from '../api.js';
import { h, replace, secret, emptyRow, table } from '../ui.js';

export async function render(main) {
  const groups = await all('/api/enrollmentGroups');
  // the application's ID scope is the same for every device; read it from any device's credentials
  const first = (await get('/api/devices', { maxpagesize: 1 })).value[0];
  const scope = first ? (await get(`/api/devices/${seg(first.id)}/credentials`)).idScope : null;
  replace(main, h('h1', {}, 'Enrollment groups'),
    h('p', { class: 'muted' }, 'A device provisions through DPS with the ID scope and a key derived from a group key (HMAC-SHA256 of its device id). The default group lets unknown devices register themselves.'),
    scope ? h('div', { class: 'panel' }, secret('ID scope', scope)) : null,
    groups.length ? groups.map((g) => h('section', { class: 'panel', 'aria-label': g.displayName },
      h('h2', {}, g.displayName, ' ', h('span', { class: 'chip ' + (g.enabled ? 'ok' : 'bad') }, g.enabled ? 'enabled' : 'disabled'),
        h('span', { class: 'chip' }, g.type)),
      h('p', { class: 'mono muted' }, g.id),
      g.attestation?.symmetricKey ? [secret('Primary key', g.attestation.symmetricKey.primaryKey),
        secret('Secondary key', g.attestation.symmetricKey.secondaryKey)] : null))
      : table(['Group'], emptyRow(1, 'No enrollment groups.')));
}
