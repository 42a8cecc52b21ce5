// Enrollment groups (administrators and builders; operators may not read them, docs/api.md's role matrix): the ID
// scope and group keys devices provision with; create, edit (name, type, enabled), regenerate a key, delete.
import { all, get, put, patch, del, seg, ApiError } from '../api.js';
import { h, replace, field, select, secret, emptyRow, table, act, errorBox, notify } from '../ui.js';

const TYPES = [['iot', 'IoT devices'], ['iotEdge', 'IoT Edge devices']];
const typeName = (t) => TYPES.find(([v]) => v === t)?.[1] ?? t;

/** A new group key: 32 random bytes from the browser's cryptographic generator, Base64 (what the server generates). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes));
}

function switchField(id, checked, labelText) {
  const box = h('input', { type: 'checkbox', class: 'switch', role: 'switch', id, checked });
  return [box, h('div', { class: 'inline field' }, box, h('label', { for: id }, labelText))];
}

export async function render(main) {
  // the application's ID scope is the same for every device; read it from any device's credentials
  const first = (await get('/api/devices', { maxpagesize: 1 })).value[0];
  const scope = first ? (await get(`/api/devices/${seg(first.id)}/credentials`)).idScope : null;
  const list = h('div');

  async function show() {
    const groups = await all('/api/enrollmentGroups');
    replace(list, groups.length ? groups.map(section) : table(['Group'], emptyRow(1, 'No enrollment groups.')));
  }

  function section(g) {
    const el = h('section', { class: 'panel', 'aria-label': g.displayName, dataset: { group: g.id } });
    const edit = h('button', { type: 'button', 'aria-label': 'Edit ' + g.displayName }, 'Edit');
    const regen = (which, label) => {
      const b = h('button', { type: 'button', 'aria-label': `Regenerate the ${label} key of ${g.displayName}` }, `Regenerate ${label} key`);
      b.addEventListener('click', () => {
        if (!confirm(`Regenerate the ${label} key of ${g.displayName}? Devices that derive their keys from the current one can no longer provision or connect.`)) return;
        act(b, async () => {
          await patch('/api/enrollmentGroups/' + seg(g.id), { etag: g.etag, attestation: { type: 'symmetricKey', symmetricKey: { [which]: newKey() } } });
          notify(`A new ${label} key for ${g.displayName}.`);
          await show();
        });
      });
      return b;
    };
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': 'Delete ' + g.displayName }, 'Delete');
    remove.addEventListener('click', () => {
      if (!confirm(`Delete the enrollment group ${g.displayName}? Devices it provisioned stay; new ones can no longer register through it.`)) return;
      act(remove, async () => { await del('/api/enrollmentGroups/' + seg(g.id)); notify(`Enrollment group ${g.displayName} deleted.`); await show(); });
    });
    const view = () => replace(el,
      h('h2', {}, g.displayName, ' ', h('span', { class: 'chip ' + (g.enabled ? 'ok' : 'bad'), dataset: { enabled: g.enabled } }, g.enabled ? 'enabled' : 'disabled'),
        h('span', { class: 'chip' }, typeName(g.type))),
      h('p', { class: 'mono muted' }, g.id),
      g.attestation?.symmetricKey ? [secret('Primary key', g.attestation.symmetricKey.primaryKey),
        secret('Secondary key', g.attestation.symmetricKey.secondaryKey)] : null,
      h('div', { class: 'inline wrap' }, edit, regen('primaryKey', 'primary'), regen('secondaryKey', 'secondary'), remove));
    edit.addEventListener('click', () => {
      const name = h('input', { type: 'text', value: g.displayName, required: true });
      const type = select(TYPES, g.type);
      const [enabled, enabledField] = switchField('enabled-' + g.id, g.enabled, 'Enabled: devices may register through this group');
      const out = h('div');
      const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
      const form = h('form', { 'aria-label': 'Edit ' + g.displayName }, h('h2', {}, 'Edit ', g.displayName),
        h('div', { class: 'toolbar' }, field('Display name', name), field('Device type', type)), enabledField, out,
        h('div', { class: 'inline' }, save, h('button', { type: 'button', onclick: view }, 'Cancel')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        save.disabled = true;
        try {
          await patch('/api/enrollmentGroups/' + seg(g.id), { displayName: name.value.trim(), type: type.value, enabled: enabled.checked, etag: g.etag });
          notify(`Enrollment group ${name.value.trim()} saved.`);
          await show();
        } catch (e) {
          replace(out, errorBox(e)); // e.g. a stale etag (someone else changed it) or a missing name
          save.disabled = false;
        }
      });
      replace(el, form);
      name.focus();
    });
    view();
    return el;
  }

  const id = h('input', { type: 'text', required: true, autocomplete: 'off', pattern: '[a-zA-Z0-9\\-]+' });
  const name = h('input', { type: 'text', required: true });
  const type = select(TYPES, 'iot');
  const [enabled, enabledField] = switchField('new-enabled', true, 'Enabled');
  const out = h('div');
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create group');
  id.addEventListener('input', () => replace(out));
  const form = h('form', { class: 'panel', 'aria-label': 'Create an enrollment group', novalidate: true },
    h('h2', {}, 'Create an enrollment group'),
    h('div', { class: 'toolbar' }, field('Group id', id, 'Letters, digits and -'), field('Display name', name), field('Device type', type),
      enabledField, h('div', { class: 'field' }, create)),
    h('p', { class: 'muted' }, 'Its primary and secondary keys are generated by the server.'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(out);
    create.disabled = true;
    const gid = id.value.trim();
    const exists = new ApiError(409, 'Conflict', `An enrollment group with id ${gid} exists already: edit it below, or choose another id.`, null);
    try {
      // PUT creates or replaces: an etag no group has makes it create-only (an existing group answers 412)
      const g = await put('/api/enrollmentGroups/' + seg(gid), { displayName: name.value.trim(), type: type.value,
        enabled: enabled.checked, attestation: { type: 'symmetricKey' }, etag: '"console-create-only"' });
      notify(`Enrollment group ${g.displayName} created.`);
      id.value = '';
      name.value = '';
      await show();
    } catch (e) {
      replace(out, errorBox(e.status === 412 ? Object.assign(exists, { requestId: e.requestId }) : e));
    } finally {
      create.disabled = false;
    }
  });

  replace(main, h('h1', {}, 'Enrollment groups'),
    h('p', { class: 'muted' }, 'A device provisions through DPS with the ID scope and a key derived from a group key (HMAC-SHA256 of its device id). The default group lets unknown devices register themselves.'),
    h('div', { class: 'panel' }, scope ? secret('ID scope', scope)
      : h('p', { class: 'muted' }, 'The ID scope is shown here once the application has a device (Devices → Create a device); the server also logs it at its first start.')),
    form, list);
  await show();
}
