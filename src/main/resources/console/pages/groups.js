// Device groups with their member counts now.
import { all, get, seg } from '../api.js';
import { h, replace, table, emptyRow } from '../ui.js';

export async function render(main) {
  const groups = await all('/api/deviceGroups');
  const counts = new Map();
  const body = groups.map((g) => {
    const count = h('td', { class: 'num' }, '…');
    counts.set(g.id, count);
    return h('tr', {}, h('td', {}, h('a', { href: '/groups/' + seg(g.id), 'data-link': true }, g.displayName)),
      h('td', { class: 'mono wide' }, g.filter), count,
      h('td', {}, h('a', { href: '/jobs/new?group=' + encodeURIComponent(g.id), 'data-link': true, 'aria-label': 'Run a job on ' + g.displayName }, 'Run a job')));
  });
  replace(main, h('h1', {}, 'Device groups'),
    h('p', {}, h('a', { class: 'button primary', href: '/groups/new', 'data-link': true }, 'Create a group')),
    table(['Name', { text: 'Filter', class: 'wide' }, 'Devices', ''], body.length ? body : emptyRow(4, 'No groups yet.'),
      { 'aria-label': 'Device groups' }));
  // counts one group at a time, a few in parallel (each is one COUNT query)
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const g = groups[next++];
      try {
        const r = await get('/api/devices', { query: g.filter, count: 'true', maxpagesize: 1 });
        counts.get(g.id).textContent = r.count.toLocaleString();
      } catch {
        counts.get(g.id).textContent = '?';
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}
