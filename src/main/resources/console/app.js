// The console's shell: sign-in, navigation by URL (every page can be bookmarked and reloaded), one page at a time.
import { api, session, whenUnauthorized, ApiError } from './api.js';
import { h, replace, errorBox, clearNotice, field } from './ui.js';

const ROLES = {
  admin: { name: 'Administrator', build: true, admin: true },
  builder: { name: 'Builder', build: true, admin: false },
  operator: { name: 'Operator', build: false, admin: false },
};

const PAGES = [
  [/^\/devices$/, 'devices'],
  [/^\/devices\/([^/]+)$/, 'device'],
  [/^\/templates$/, 'templates'],
  [/^\/templates\/([^/]+)$/, 'template'],
  [/^\/groups$/, 'groups'],
  [/^\/groups\/new$/, 'group'],
  [/^\/groups\/([^/]+)$/, 'group'],
  [/^\/jobs$/, 'jobs'],
  [/^\/jobs\/new$/, 'wizard'],
  [/^\/jobs\/scheduled\/([^/]+)$/, 'scheduled'],
  [/^\/jobs\/([^/]+)$/, 'job'],
  [/^\/tokens$/, 'tokens', 'admin'],
  [/^\/enrollment-groups$/, 'enrollment', 'build'],
];

let cleanup = null;
const main = () => document.getElementById('main');

export function navigate(path, { replace: replacing = false } = {}) {
  if (replacing) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

/** Works out the token's role from what it may read: any valid token reads roles; only builders read enrollment groups. */
async function roleOf(token) {
  await api('GET', '/api/roles', { token });
  const id = /skn=([^&]+)/.exec(token)?.[1];
  try {
    if (id) {
      await api('GET', '/api/apiTokens/' + encodeURIComponent(decodeURIComponent(id)), { token });
      return 'admin';
    }
  } catch (e) {
    if (e.status !== 403 && e.status !== 404) throw e;
  }
  try {
    await api('GET', '/api/enrollmentGroups', { token, params: { maxpagesize: 1 } });
    return 'builder';
  } catch (e) {
    if (e.status !== 403) throw e;
    return 'operator';
  }
}

function signIn(reason) {
  teardown();
  replace(document.getElementById('nav'));
  replace(document.getElementById('who'));
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'SharedAccessSignature sr=…&sig=…&skn=…&se=…', required: true });
  const out = h('div');
  const button = h('button', { class: 'primary', type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'panel signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Flotilla'),
    h('p', { class: 'muted' }, 'Paste an API token. On a new server the administrator token is in ',
      h('code', {}, '<data-dir>/admin-token'), '; more tokens come from ', h('code', {}, 'flotilla token create'),
      ' or the API tokens page. The token stays in this browser tab only.'),
    field('API token', input), out, button);
  if (reason) out.append(errorBox(reason));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    out.replaceChildren();
    const token = input.value.trim();
    try {
      const role = await roleOf(token);
      session.set({ token, role });
      route();
    } catch (e) {
      out.append(errorBox(e.status === 401
        ? new ApiError(401, e.code, 'The server refused this token (unknown, expired, revoked or mistyped). ' + e.message, e.requestId)
        : e));
    } finally {
      button.disabled = false;
    }
  });
  replace(main(), form);
  input.focus();
}

function teardown() {
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
}

function shell(s, section) {
  const role = ROLES[s.role] ?? ROLES.operator;
  const links = [['/devices', 'Devices'], ['/templates', 'Templates'], ['/groups', 'Groups'], ['/jobs', 'Jobs']];
  if (role.build) links.push(['/enrollment-groups', 'Enrollment groups']);
  if (role.admin) links.push(['/tokens', 'API tokens']);
  replace(document.getElementById('nav'), h('ul', {}, links.map(([href, text]) =>
    h('li', {}, h('a', { href, 'data-link': true, 'aria-current': href.slice(1) === section ? 'page' : null }, text)))));
  replace(document.getElementById('who'), h('span', { class: 'chip', title: 'Your role' }, role.name),
    h('button', { type: 'button', onclick: () => { session.clear(); history.pushState(null, '', location.pathname); signIn(); } }, 'Sign out'));
  return role;
}

async function route() {
  teardown();
  clearNotice();
  const s = session.get();
  if (!s?.token) {
    signIn();
    return;
  }
  let path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') {
    history.replaceState(null, '', '/devices');
    path = '/devices';
  }
  const match = PAGES.map(([re, page, needs]) => [re.exec(path), page, needs]).find(([m]) => m);
  const section = path.split('/')[1];
  const role = shell(s, section === 'enrollment-groups' ? 'enrollment-groups' : section);
  const el = main();
  if (!match) {
    replace(el, h('h1', {}, 'Page not found'), h('p', {}, 'Nothing lives at ', h('code', {}, path), '. ',
      h('a', { href: '/devices', 'data-link': true }, 'Go to devices')));
    document.body.dataset.page = 'not-found';
    return;
  }
  const [m, page, needs] = match;
  if (needs && !role[needs]) {
    replace(el, h('h1', {}, 'Not available'), errorBox(new ApiError(403, 'Forbidden',
      `Your role (${role.name}) may not use this page.`, null)));
    document.body.dataset.page = 'not-available';
    return;
  }
  replace(el, h('p', { class: 'muted' }, 'Loading…'));
  const started = performance.now();
  try {
    const module = await import(`./pages/${page}.js`);
    const ctx = { role, roleId: s.role, navigate, params: new URLSearchParams(location.search) };
    cleanup = await module.render(el, m.slice(1).map(decodeURIComponent), ctx);
  } catch (e) {
    replace(el, h('h1', {}, 'Could not show this page'), errorBox(e));
  }
  // the page's data is on screen: the browser tests read this mark (time since navigation) and the page's duration
  performance.mark('flotilla:rendered', { detail: { page, ms: performance.now() - started } });
  document.body.dataset.page = page;
  document.body.dataset.rendered = String(Math.round(performance.now() - started));
}

whenUnauthorized((e) => {
  session.clear();
  signIn(e);
});

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-link]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', route);
route();
