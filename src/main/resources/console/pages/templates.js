// Templates: the list, and (for builders) importing a DTDL JSON file.
import { all, put, seg } from '../api.js';
import { h, replace, table, field, notify, act, emptyRow, errorBox } from '../ui.js';
import { capabilities } from '../schema.js';

export async function render(main, _params, ctx) {
  const list = h('div');
  const show = async () => {
    const templates = await all('/api/deviceTemplates');
    replace(list, table(['Name', 'Template id', 'Capabilities'], templates.length ? templates.map((t) => h('tr', {},
      h('td', {}, h('a', { href: '/templates/' + seg(t['@id']), 'data-link': true }, t.displayName ?? t['@id'])),
      h('td', { class: 'mono' }, t['@id']), h('td', { class: 'num' }, capabilities(t).length)))
      : emptyRow(3, 'No templates yet.'), { 'aria-label': 'Device templates' }));
  };
  const importBox = ctx.role.build ? importForm(async (id) => { await show(); ctx.navigate('/templates/' + seg(id)); }) : null;
  replace(main, h('h1', {}, 'Device templates'), importBox, list);
  await show();
}

function importForm(done) {
  const file = h('input', { type: 'file', accept: 'application/json,.json' });
  const id = h('input', { type: 'text', placeholder: 'from the file\'s @id', autocomplete: 'off' });
  const out = h('div');
  const go = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const form = h('form', { class: 'panel', 'aria-label': 'Import a device template' },
    h('h2', {}, 'Import a DTDL JSON file'),
    h('p', { class: 'muted' }, 'A device template as IoT Central exports it (with a capabilityModel), published as it is. Publishing also creates the group "<name> - All devices".'),
    h('div', { class: 'toolbar' }, field('Template file', file), field('Template id', id), h('div', { class: 'field' }, go)), out);
  file.addEventListener('change', async () => {
    replace(out);
    try {
      const doc = JSON.parse(await file.files[0].text());
      if (!id.value) id.value = doc['@id'] ?? '';
    } catch (e) {
      replace(out, errorBox(new Error('The file is not valid JSON: ' + e.message)));
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(go, async () => {
      replace(out);
      if (!file.files[0]) throw new Error('Choose a template file first.');
      let doc;
      try { doc = JSON.parse(await file.files[0].text()); } catch (e) { throw new Error('The file is not valid JSON: ' + e.message); }
      const templateId = id.value.trim() || doc['@id'];
      if (!templateId) throw new Error('The file has no @id: enter the template id.');
      await put('/api/deviceTemplates/' + seg(templateId), doc);
      notify(`Template ${templateId} published.`);
      await done(templateId);
    });
  });
  return form;
}
