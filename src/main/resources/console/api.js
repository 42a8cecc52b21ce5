// The REST API as the console uses it: the token from sessionStorage as the Authorization header, api-version on
// every call, errors as ApiError (the API's error.message and requestId), and Server-Sent Events read through fetch
// (EventSource cannot send the Authorization header).
export const VERSION = '2022-07-31';
const KEY = 'flotilla.session';

export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(KEY)); } catch { return null; }
  },
  set(value) { sessionStorage.setItem(KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(KEY); },
};

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

export function url(path, params = {}) {
  const u = new URL(path, location.origin);
  if (path.startsWith('/api/') && !u.searchParams.has('api-version')) u.searchParams.set('api-version', VERSION);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  }
  return u.pathname + u.search;
}

/** Calls the API; answers the parsed JSON body (null for none); throws ApiError. */
export async function api(method, path, { params, body, token, raw } = {}) {
  const headers = { Authorization: token ?? session.get()?.token ?? '' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(url(path, params), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NetworkError', 'The server could not be reached: ' + e.message, null);
  }
  if (raw && response.ok) return response;
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!response.ok) {
    const err = json?.error ?? {};
    const e = new ApiError(response.status, err.code ?? 'HTTP' + response.status,
      err.message ?? `The server answered ${response.status}.`, err.requestId ?? response.headers.get('x-ms-request-id'));
    if (response.status === 401 && token === undefined) onUnauthorized(e);
    throw e;
  }
  return json;
}

export const get = (path, params) => api('GET', path, { params });
export const put = (path, body, params) => api('PUT', path, { body, params });
export const patch = (path, body) => api('PATCH', path, { body });
export const post = (path, body) => api('POST', path, { body });
export const del = (path) => api('DELETE', path);

/** Path segment encoding (template ids hold ';' and ':'). */
export const seg = (s) => encodeURIComponent(s);

/**
 * Reads a Server-Sent Events stream with the token; calls onEvent(type, data) for each event and reconnects after a
 * drop (resuming with Last-Event-ID when the stream gives ids). Answers a function that closes it.
 */
export function stream(path, onEvent, params = {}) {
  const controller = new AbortController();
  let lastId = null;
  let closed = false;
  let retry = 1000;
  const run = async () => {
    while (!closed) {
      try {
        const headers = { Authorization: session.get()?.token ?? '', Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const response = await fetch(url(path, params), { headers, signal: controller.signal });
        if (!response.ok) {
          if (response.status === 401 || response.status === 403 || response.status === 404) return;
          throw new Error('HTTP ' + response.status);
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
            let type = 'message';
            const data = [];
            for (const line of block.split(/\r?\n/)) {
              if (line.startsWith('event: ')) type = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
              else if (line.startsWith('id: ')) lastId = line.slice(4);
              else if (line.startsWith('retry: ')) retry = Number(line.slice(7)) || retry;
            }
            if (data.length) {
              try { onEvent(type, JSON.parse(data.join('\n'))); } catch (e) { console.warn('event', e); }
            }
          }
        }
        if (path.endsWith('/events') && path.startsWith('/api/jobs/')) return; // a job's log ends when the job is final
      } catch (e) {
        if (closed) return;
      }
      await new Promise((r) => setTimeout(r, retry));
    }
  };
  run();
  return () => { closed = true; controller.abort(); };
}

/** Every item of a paged collection (follows nextLink), at most `limit`. */
export async function all(path, params = {}, limit = 1000) {
  const out = [];
  let page = await get(path, { maxpagesize: 100, ...params });
  for (;;) {
    out.push(...page.value);
    if (!page.nextLink || out.length >= limit) return out;
    const next = new URL(page.nextLink);
    page = await get(next.pathname + next.search);
  }
}
