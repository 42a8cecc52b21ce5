// Jobs: status and progress bars kept live by one stream for the whole page; scheduled jobs below.
import { get, stream, seg } from '../api.js';
import { h, replace, table, progressBar, statusChip, when, emptyRow } from '../ui.js';

export async function render(main) {
  const [jobs, scheduled] = await Promise.all([get('/api/jobs', { maxpagesize: 100 }),
    get('/api/scheduledJobs', { maxpagesize: 100 }).catch(() => ({ value: [] }))]);
  const rows = new Map();
  const body = h('tbody');
  const row = (j) => {
    const cells = { status: h('td', {}, statusChip(j.status)), progress: h('td', {}, progressBar(j.progress)),
      counts: h('td', { class: 'num' }, counts(j.progress)) };
    const tr = h('tr', { dataset: { job: j.id } }, h('td', {}, h('a', { href: '/jobs/' + seg(j.id), 'data-link': true }, j.displayName ?? j.id)),
      cells.status, cells.progress, cells.counts, h('td', { class: 'wide' }, when(j.start)));
    rows.set(j.id, cells);
    return tr;
  };
  const list = [...jobs.value].sort((a, b) => String(b.start ?? '').localeCompare(String(a.start ?? '')));
  replace(body, list.length ? list.map(row) : emptyRow(5, 'No jobs yet: start one with "New job".'));
  replace(main, h('h1', {}, 'Jobs'),
    h('p', {}, h('a', { class: 'button primary', href: '/jobs/new', 'data-link': true }, 'New job')),
    h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Jobs' }, h('thead', {}, h('tr', {},
      ['Job', 'Status', 'Progress', 'Completed / failed / total', 'Started'].map((t, i) => h('th', { scope: 'col', class: i === 4 ? 'wide' : null }, t)))), body)),
    h('h2', {}, 'Scheduled jobs'),
    table(['Scheduled job', 'Starts', 'Repeats', 'State'], scheduled.value.length ? scheduled.value.map((s) => h('tr', {},
      h('td', {}, h('a', { href: '/jobs/scheduled/' + seg(s.id), 'data-link': true }, s.displayName ?? s.id)),
      h('td', {}, when(s.schedule?.start)), h('td', {}, s.schedule?.recurrence ?? 'once'),
      h('td', {}, s.completed ? 'completed' : s.enabled ? 'enabled' : 'disabled'))) : emptyRow(4, 'No scheduled jobs.'),
    { 'aria-label': 'Scheduled jobs' }));
  return stream('/api/jobProgress/events', (type, j) => {
    if (type !== 'job') return;
    const cells = rows.get(j.id);
    if (!cells) {
      if (rows.size === 0) body.replaceChildren();
      body.prepend(row(j));
      return;
    }
    replace(cells.status, statusChip(j.status));
    replace(cells.progress, progressBar(j.progress));
    cells.counts.textContent = counts(j.progress);
  });
}

export const counts = (p) => `${(p?.completed ?? 0).toLocaleString()} / ${(p?.failed ?? 0).toLocaleString()} / ${(p?.total ?? 0).toLocaleString()}`;
