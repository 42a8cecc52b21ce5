// Jobs: server-side pages (the API's nextLink, in id order) with status and progress bars kept live by one stream
// for the rows on screen; the page is in the URL (?page=…) so it can be bookmarked and reloaded. Scheduled jobs below.
import { get, stream, seg } from '../api.js';
import { h, replace, table, progressBar, statusChip, when, emptyRow, errorBox } from '../ui.js';

const PAGE = 50;
const tokenOf = (nextLink) => (nextLink ? new URL(nextLink).searchParams.get('$skiptoken') : null);

export async function render(main, _params, ctx) {
  // the tokens of the pages before this one (for Previous) live in the history entry, so Back and reload keep them
  let prev = Array.isArray(history.state?.prev) ? history.state.prev : [];
  let token = ctx.params.get('page');
  let close = () => {};
  const body = h('tbody');
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of jobs' });
  const out = h('div');
  const rows = new Map();

  const row = (j) => {
    const cells = { status: h('td', {}, statusChip(j.status)), progress: h('td', {}, progressBar(j.progress)),
      counts: h('td', { class: 'num' }, counts(j.progress)) };
    const tr = h('tr', { dataset: { job: j.id } }, h('td', {}, h('a', { href: '/jobs/' + seg(j.id), 'data-link': true }, j.displayName ?? j.id)),
      cells.status, cells.progress, cells.counts, h('td', { class: 'wide' }, when(j.start)));
    rows.set(j.id, cells);
    return tr;
  };

  function go(next, nextPrev) {
    prev = nextPrev;
    token = next;
    history.pushState({ prev }, '', '/jobs' + (token ? '?page=' + encodeURIComponent(token) : ''));
    return load();
  }

  async function load() {
    close();
    let page;
    try {
      page = await get('/api/jobs', { maxpagesize: PAGE, $skiptoken: token ?? undefined });
    } catch (e) {
      replace(out, errorBox(e));
      return;
    }
    replace(out);
    rows.clear();
    replace(body, page.value.length ? page.value.map(row)
      : emptyRow(5, token ? 'No more jobs.' : 'No jobs yet: start one with "New job".'));
    const first = prev.length * PAGE + 1;
    const next = tokenOf(page.nextLink);
    replace(pager,
      h('button', { type: 'button', disabled: !token, onclick: () => go(null, []) }, 'First page'),
      h('button', { type: 'button', disabled: !token, onclick: () => go(prev.at(-1) ?? null, prev.slice(0, -1)) }, 'Previous page'),
      h('span', { id: 'jobs-range', class: 'muted' }, page.value.length ? `Jobs ${first.toLocaleString()}–${(first + page.value.length - 1).toLocaleString()}` : ''),
      h('button', { type: 'button', disabled: !next, onclick: () => go(next, [...prev, token]) }, 'Next page'));
    // one stream for the page, watching only its rows
    close = rows.size ? stream('/api/jobProgress/events', (type, j) => {
      const cells = type === 'job' ? rows.get(j.id) : null;
      if (!cells) return;
      replace(cells.status, statusChip(j.status));
      replace(cells.progress, progressBar(j.progress));
      cells.counts.textContent = counts(j.progress);
    }, { ids: [...rows.keys()].join(',') }) : () => {};
  }

  const scheduled = await get('/api/scheduledJobs', { maxpagesize: 100 }).catch(() => ({ value: [] }));
  replace(main, h('h1', {}, 'Jobs'),
    h('p', {}, h('a', { class: 'button primary', href: '/jobs/new', 'data-link': true }, 'New job')),
    out,
    h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Jobs' }, h('thead', {}, h('tr', {},
      ['Job', 'Status', 'Progress', 'Completed / failed / total', 'Started'].map((t, i) => h('th', { scope: 'col', class: i === 4 ? 'wide' : null }, t)))), body)),
    pager,
    h('h2', {}, 'Scheduled jobs'),
    table(['Scheduled job', 'Starts', 'Repeats', 'State'], scheduled.value.length ? scheduled.value.map((s) => h('tr', {},
      h('td', {}, h('a', { href: '/jobs/scheduled/' + seg(s.id), 'data-link': true }, s.displayName ?? s.id)),
      h('td', {}, when(s.schedule?.start)), h('td', {}, s.schedule?.recurrence ?? 'once'),
      h('td', {}, s.completed ? 'completed' : s.enabled ? 'enabled' : 'disabled'))) : emptyRow(4, 'No scheduled jobs.'),
    { 'aria-label': 'Scheduled jobs' }),
    scheduled.nextLink ? h('p', { class: 'muted' }, 'The first 100 scheduled jobs are shown.') : null);
  await load();
  return () => close();
}

export const counts = (p) => `${(p?.completed ?? 0).toLocaleString()} / ${(p?.failed ?? 0).toLocaleString()} / ${(p?.total ?? 0).toLocaleString()}`;
