// One scheduled job: its schedule and the jobs it started.
import { get, patch, del, seg } from '../api.js';
import { h, replace, table, progressBar, statusChip, when, act, emptyRow } from '../ui.js';

export async function render(main, [id], ctx) {
  const s = await get('/api/scheduledJobs/' + seg(id));
  const runs = await get(`/api/scheduledJobs/${seg(id)}/jobs`, { maxpagesize: 100 });
  const toggle = h('button', { type: 'button' }, s.enabled ? 'Disable' : 'Enable');
  toggle.addEventListener('click', () => act(toggle, async () => { await patch('/api/scheduledJobs/' + seg(id), { enabled: !s.enabled }); ctx.navigate(location.pathname, { replace: true }); }));
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete');
  remove.addEventListener('click', () => {
    if (!confirm('Delete this scheduled job? The jobs it started stay.')) return;
    act(remove, async () => { await del('/api/scheduledJobs/' + seg(id)); ctx.navigate('/jobs'); });
  });
  replace(main, h('p', {}, h('a', { href: '/jobs', 'data-link': true }, '← Jobs')), h('h1', {}, s.displayName ?? id),
    h('div', { class: 'panel' }, h('dl', { class: 'kv' }, h('dt', {}, 'Starts'), h('dd', {}, when(s.schedule?.start)),
      h('dt', {}, 'Repeats'), h('dd', {}, s.schedule?.recurrence ?? 'once'),
      h('dt', {}, 'State'), h('dd', {}, s.completed ? 'completed' : s.enabled ? 'enabled' : 'disabled')),
    h('div', { class: 'inline', style: { 'margin-top': '10px' } }, toggle, remove)),
    h('h2', {}, 'Runs'),
    table(['Job', 'Status', 'Progress', 'Started'], runs.value.length ? runs.value.map((j) => h('tr', {},
      h('td', {}, h('a', { href: '/jobs/' + seg(j.id), 'data-link': true }, j.id)), h('td', {}, statusChip(j.status)),
      h('td', {}, progressBar(j.progress)), h('td', {}, when(j.start)))) : emptyRow(4, 'No runs yet.'), { 'aria-label': 'Runs' }),
    runs.nextLink ? h('p', { class: 'muted' }, 'The first 100 runs are shown; GET /api/scheduledJobs/' + id + '/jobs pages through all of them.') : null);
}
