// API tokens (administrators): create (the token is shown once, with a copy button), list, delete.
import { all, put, del, seg } from '../api.js';
import { h, replace, field, select, table, act, secret, when, emptyRow } from '../ui.js';

const ROLES = [['ca310b8d-2f4a-44e0-a36e-957c202cd8d4', 'Administrator'], ['344138e9-8de4-4497-8c54-5237e96d6aaf', 'Builder'],
  ['ae2c9854-393b-4f97-8c42-479d70ce626e', 'Operator']];
const roleName = (id) => ROLES.find(([r]) => r === id)?.[1] ?? id;

export async function render(main) {
  const list = h('div');
  const created = h('div', { 'aria-live': 'polite' });
  const show = async () => {
    const tokens = await all('/api/apiTokens');
    replace(list, table(['Token id', 'Role', 'Expires', ''], tokens.length ? tokens.map((t) => {
      const remove = h('button', { type: 'button', class: 'danger', 'aria-label': 'Delete token ' + t.id }, 'Delete');
      remove.addEventListener('click', () => {
        if (!confirm(`Delete token ${t.id}? Clients using it are refused from their next request.`)) return;
        act(remove, async () => { await del('/api/apiTokens/' + seg(t.id)); await show(); });
      });
      return h('tr', {}, h('td', { class: 'mono' }, t.id), h('td', {}, (t.roles ?? []).map((r) => roleName(r.role)).join(', ')),
        h('td', {}, t.expiry ? when(t.expiry) : 'never'), h('td', {}, remove));
    }) : emptyRow(4, 'No tokens.'), { 'aria-label': 'API tokens' }));
  };
  const id = h('input', { type: 'text', required: true, autocomplete: 'off', pattern: '[a-zA-Z0-9\\-_.]+' });
  const role = select(ROLES, ROLES[2][0]);
  const expiry = h('input', { type: 'datetime-local' });
  const go = h('button', { type: 'submit', class: 'primary' }, 'Create token');
  const form = h('form', { class: 'panel', 'aria-label': 'Create an API token' }, h('h2', {}, 'Create a token'),
    h('div', { class: 'toolbar' }, field('Token id', id), field('Role', role), field('Expires (optional)', expiry), h('div', { class: 'field' }, go)), created);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(go, async () => {
      const body = { roles: [{ role: role.value }] };
      if (expiry.value) body.expiry = new Date(expiry.value).toISOString();
      const t = await put('/api/apiTokens/' + seg(id.value.trim()), body);
      replace(created, h('div', { class: 'success' }, h('p', {}, h('strong', {}, 'Copy this token now: it is shown only once.')),
        secret('Token ' + t.id, t.token)));
      id.value = '';
      await show();
    });
  });
  replace(main, h('h1', {}, 'API tokens'), form, list);
  await show();
}
