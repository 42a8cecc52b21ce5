// Small DOM helpers: no framework, no innerHTML with data (text only), labelled controls.
let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/** h('button', {onclick, class: 'primary'}, 'Save'): an element with attributes, handlers and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') Object.entries(v).forEach(([p, x]) => el.style.setProperty(p, x)); // CSSOM: CSP allows it
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled control: the label's for= points at the control's id. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = nextId();
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control,
    hint ? h('span', { class: 'muted' }, hint) : null);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

/** The API's error as the operator reads it: its message and request id, never a blank page. */
export function errorBox(e) {
  const box = h('div', { class: 'error', role: 'alert' },
    h('strong', {}, e.status === 403 ? 'Not allowed: ' : e.status === 401 ? 'Not signed in: ' : 'Error: '),
    e.message ?? String(e));
  if (e.requestId) box.append(h('span', { class: 'rid' }, 'requestId ' + e.requestId));
  return box;
}

/** Shows a passing message (or error) above the page. */
export function notify(content, isError = false) {
  const area = document.getElementById('notice');
  const node = isError ? errorBox(content) : h('div', { class: 'success', role: 'status' }, content);
  node.append(' ', h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: () => node.remove() }, '×'));
  area.replaceChildren(node);
}

export function clearNotice() {
  document.getElementById('notice').replaceChildren();
}

/** Runs an async action from a button: disables it meanwhile, reports a failure readably. */
export async function act(button, fn) {
  if (button) button.disabled = true;
  try {
    return await fn();
  } catch (e) {
    notify(e, true);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function copyButton(text, label) {
  const b = h('button', { type: 'button', 'aria-label': label }, 'Copy');
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(b.previousElementSibling ?? b);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      b.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { b.textContent = 'Copy'; }, 2000);
  });
  return b;
}

export function secret(labelText, value) {
  return h('div', { class: 'field' }, h('span', { class: 'muted' }, labelText),
    h('div', { class: 'secret' }, h('code', {}, value), copyButton(value, 'Copy ' + labelText)));
}

export function table(headers, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' }, h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map((c) => (c instanceof Node ? h('th', { scope: 'col' }, c)
      : h('th', { scope: 'col', class: typeof c === 'object' ? c.class : null }, typeof c === 'object' ? c.text : c))))),
    h('tbody', {}, rows)));
}

export function progressBar(p) {
  const total = Math.max(p?.total ?? 0, 1);
  const done = (p?.completed ?? 0) + (p?.failed ?? 0);
  return h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': p?.total ?? 0,
    'aria-valuenow': done, 'aria-label': `${done} of ${p?.total ?? 0} devices done` },
  h('span', { class: 'c', style: { width: `${(100 * (p?.completed ?? 0)) / total}%` } }),
  h('span', { class: 'f', style: { width: `${(100 * (p?.failed ?? 0)) / total}%` } }));
}

export const statusChip = (status) => h('span', {
  class: 'chip ' + ({ completed: 'ok', complete: 'ok', failed: 'bad', cancelled: 'bad', stopped: 'warn', running: 'ok' }[status] ?? ''),
}, status);

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

/** A filter-language string literal. */
export const quote = (s) => '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

export function emptyRow(cols, text) {
  return h('tr', {}, h('td', { colspan: cols, class: 'muted' }, text));
}
