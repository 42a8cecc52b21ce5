// Create or edit a group with a filter builder (template, attributes, property comparisons, AND/OR) and a live
// preview of the matching devices and their count as the filter changes.
import { get, put, del, all, seg } from '../api.js';
import { h, replace, field, select, table, errorBox, act, debounce, quote, emptyRow, notify } from '../ui.js';

const FIELDS = [['$template', 'Template'], ['$id', 'Device id'], ['$displayName', 'Display name'],
  ['$simulated', 'Simulated'], ['$provisioned', 'Provisioned'], ['$enabled', 'Enabled (not blocked)'], ['property', 'Property…']];
const FLAGS = new Set(['$simulated', '$provisioned', '$enabled']);

/** The filter text of the builder's conditions. */
export function filterText(join, conds) {
  const parts = conds.map((c) => {
    const name = c.field === 'property' ? c.property.trim() : c.field;
    if (!name) return null;
    let literal;
    if (FLAGS.has(c.field) || c.type === 'boolean') literal = c.value === 'false' ? 'false' : 'true';
    else if (c.type === 'number') literal = String(Number(c.value));
    else literal = quote(c.value);
    return c.op === 'contains' ? `contains(${name}, ${literal})` : `${name} ${c.op} ${literal}`;
  }).filter(Boolean);
  return 'SELECT * FROM devices' + (parts.length ? ' WHERE ' + parts.join(` ${join} `) : '');
}

/** The builder's conditions of a filter it wrote (or null: edit it as text). */
function parse(text) {
  const m = /^SELECT \* FROM devices(?: WHERE (.*))?$/.exec(text.trim());
  if (!m) return null;
  if (!m[1]) return { join: 'AND', conds: [] };
  const join = / OR /.test(m[1]) && !/ AND /.test(m[1]) ? 'OR' : 'AND';
  const conds = [];
  for (const part of m[1].split(` ${join} `)) {
    let c = /^contains\((\$?\w+), "(.*)"\)$/.exec(part);
    if (c) { conds.push(cond(c[1], 'contains', c[2], 'string')); continue; }
    c = /^(\$?\w+) (=|!=|<=|>=|<|>) (.*)$/.exec(part);
    if (!c) return null;
    const lit = c[3];
    const type = /^".*"$/.test(lit) ? 'string' : lit === 'true' || lit === 'false' ? 'boolean' : 'number';
    conds.push(cond(c[1], c[2], type === 'string' ? lit.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\') : lit, type));
  }
  return { join, conds };
}

function cond(name, op, value, type) {
  const known = FIELDS.some(([f]) => f === name);
  return { field: known ? name : 'property', property: known ? '' : name, op, value, type };
}

export async function render(main, [id], ctx) {
  const existing = id ? await get('/api/deviceGroups/' + seg(id)) : null;
  const templates = await all('/api/deviceTemplates').catch(() => []);
  const parsed = existing ? parse(existing.filter) : { join: 'AND', conds: [cond('$template', '=', templates[0]?.['@id'] ?? '', 'string')] };
  const model = parsed ?? { join: 'AND', conds: [] };
  let byHand = !parsed;

  const name = h('input', { type: 'text', value: existing?.displayName ?? '', required: true });
  const description = h('input', { type: 'text', value: existing?.description ?? '' });
  const join = select([['AND', 'all conditions (AND)'], ['OR', 'any condition (OR)']], model.join);
  const rowsEl = h('div', { role: 'group', 'aria-label': 'Conditions' });
  const text = h('textarea', { spellcheck: 'false', id: 'filter-text' }, existing?.filter ?? '');
  const count = h('p', { 'aria-live': 'polite', id: 'preview-count' });
  const preview = h('div', { id: 'preview' });
  const save = h('button', { type: 'submit', class: 'primary' }, existing ? 'Save group' : 'Create group');

  const refresh = debounce(async () => {
    const q = text.value.trim();
    try {
      const r = await get('/api/devices', { query: q, count: 'true', maxpagesize: 10 });
      count.textContent = `${r.count.toLocaleString()} matching device${r.count === 1 ? '' : 's'}`;
      replace(preview, table(['Device id', 'Name', 'Template'], r.value.length ? r.value.map((d) => h('tr', {},
        h('td', {}, h('a', { href: '/devices/' + seg(d.id), 'data-link': true }, d.id)), h('td', {}, d.displayName),
        h('td', { class: 'mono' }, d.template ?? ''))) : emptyRow(3, 'No device matches.'), { 'aria-label': 'Matching devices' }));
    } catch (e) {
      count.textContent = '';
      replace(preview, errorBox(e));
    }
  }, 250);

  function update() {
    if (!byHand) text.value = filterText(join.value, model.conds);
    refresh();
  }

  function condRow(c, i) {
    const fieldSel = select(FIELDS, c.field, { 'aria-label': `Condition ${i + 1} field` });
    const prop = h('input', { type: 'text', value: c.property, placeholder: 'property name', 'aria-label': `Condition ${i + 1} property name`, hidden: c.field !== 'property' });
    const typeSel = select([['string', 'text'], ['number', 'number'], ['boolean', 'true/false']], c.type,
      { 'aria-label': `Condition ${i + 1} value type`, hidden: c.field !== 'property' });
    const flag = FLAGS.has(c.field) || (c.field === 'property' && c.type === 'boolean');
    const ops = flag ? [['=', '=']] : c.type === 'number' ? ['=', '!=', '<', '<=', '>', '>='].map((o) => [o, o])
      : [['=', '='], ['!=', '≠'], ['contains', 'contains']];
    const opSel = select(ops, c.op, { 'aria-label': `Condition ${i + 1} operator` });
    const value = c.field === '$template'
      ? select(templates.map((t) => [t['@id'], t.displayName]), c.value, { 'aria-label': `Condition ${i + 1} value` })
      : flag ? select([['true', 'yes'], ['false', 'no']], c.value === 'false' ? 'false' : 'true', { 'aria-label': `Condition ${i + 1} value` })
        : h('input', { type: c.type === 'number' ? 'number' : 'text', step: 'any', value: c.value, 'aria-label': `Condition ${i + 1} value` });
    const remove = h('button', { type: 'button', 'aria-label': `Remove condition ${i + 1}` }, 'Remove');
    fieldSel.addEventListener('change', () => {
      c.field = fieldSel.value;
      c.type = FLAGS.has(c.field) ? 'boolean' : 'string';
      c.op = '=';
      c.value = c.field === '$template' ? templates[0]?.['@id'] ?? '' : FLAGS.has(c.field) ? 'true' : '';
      draw();
    });
    typeSel.addEventListener('change', () => { c.type = typeSel.value; c.op = '='; c.value = c.type === 'boolean' ? 'true' : ''; draw(); });
    prop.addEventListener('input', () => { c.property = prop.value; update(); });
    opSel.addEventListener('change', () => { c.op = opSel.value; update(); });
    value.addEventListener(value.tagName === 'SELECT' ? 'change' : 'input', () => { c.value = value.value; update(); });
    remove.addEventListener('click', () => { model.conds.splice(i, 1); draw(); });
    return h('div', { class: 'cond' }, fieldSel, prop, typeSel, opSel, value, remove);
  }

  function draw() {
    replace(rowsEl, byHand ? h('p', { class: 'muted' }, 'This filter is edited as text below.') : model.conds.map(condRow));
    update();
  }

  const add = h('button', { type: 'button', onclick: () => { byHand = false; model.conds.push(cond('$template', '=', templates[0]?.['@id'] ?? '', 'string')); draw(); } }, 'Add a condition');
  join.addEventListener('change', () => { model.join = join.value; update(); });
  text.addEventListener('input', () => { byHand = true; replace(rowsEl, h('p', { class: 'muted' }, 'This filter is edited as text below.')); refresh(); });

  const form = h('form', { class: 'panel', 'aria-label': existing ? 'Edit group' : 'Create group' },
    h('div', { class: 'grid' }, field('Name', name), field('Description', description)),
    h('h2', {}, 'Devices that match'), field('Match', join), rowsEl, add,
    field('Filter', text, 'The device-group filter language (docs/api.md); the builder writes it, or edit it by hand.'),
    save);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(save, async () => {
      const groupId = existing?.id ?? (name.value.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'group') + '-' + Date.now().toString(36);
      await put('/api/deviceGroups/' + seg(groupId), { displayName: name.value.trim(), description: description.value.trim() || undefined,
        filter: text.value.trim() });
      notify(`Group "${name.value.trim()}" saved.`);
      ctx.navigate('/groups');
    });
  });
  const remove = existing ? h('button', { type: 'button', class: 'danger' }, 'Delete group') : null;
  remove?.addEventListener('click', () => {
    if (!confirm(`Delete group ${existing.displayName}? Its devices stay.`)) return;
    act(remove, async () => { await del('/api/deviceGroups/' + seg(existing.id)); ctx.navigate('/groups'); });
  });
  replace(main, h('p', {}, h('a', { href: '/groups', 'data-link': true }, '← Groups')),
    h('h1', {}, existing ? existing.displayName : 'New device group'), form,
    h('section', { 'aria-label': 'Preview' }, h('h2', {}, 'Preview'), count, preview), remove);
  draw();
}
