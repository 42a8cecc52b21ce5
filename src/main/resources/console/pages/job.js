// One job: live progress from its event stream, the per-device table by status (failed first), errors with their
// codes, CSV download, stop / resume / rerun the failed devices.
import { get, post, put, api, stream, seg } from '../api.js';
import { h, replace, table, progressBar, statusChip, when, act, notify, emptyRow, errorBox } from '../ui.js';
import { counts } from './jobs.js';

const PAGE = 50;

export async function render(main, [id], ctx) {
  let job = await get('/api/jobs/' + seg(id));
  const head = h('div', { class: 'panel' });
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Devices by status' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const out = h('div');
  let filter = job.progress?.failed > 0 ? 'failed' : '';
  let tokens = [null];
  let pageIndex = 0;

  function drawHead() {
    const running = job.status === 'running' || job.status === 'pending';
    const stop = h('button', { type: 'button', hidden: !running }, 'Stop');
    stop.addEventListener('click', () => act(stop, async () => { await post(`/api/jobs/${seg(id)}/stop`); notify('Job stopped.'); await refresh(); }));
    const resume = h('button', { type: 'button', hidden: job.status !== 'stopped' }, 'Resume');
    resume.addEventListener('click', () => act(resume, async () => { await post(`/api/jobs/${seg(id)}/resume`); notify('Job resumed.'); await refresh(); }));
    const rerun = h('button', { type: 'button', class: 'primary', hidden: !(job.progress?.failed > 0) || running }, 'Rerun failed devices');
    rerun.addEventListener('click', () => act(rerun, async () => {
      const rerunId = `${id}-rerun-${Date.now().toString(36)}`;
      await put(`/api/jobs/${seg(id)}/rerun/${seg(rerunId)}`);
      ctx.navigate('/jobs/' + seg(rerunId));
    }));
    const csv = h('button', { type: 'button' }, 'Download CSV');
    csv.addEventListener('click', () => act(csv, async () => {
      const response = await api('GET', `/api/jobs/${seg(id)}/devices`, { params: { format: 'csv' }, raw: true });
      const link = h('a', { href: URL.createObjectURL(await response.blob()), download: `${id}-devices.csv` });
      document.body.append(link);
      link.click();
      link.remove();
    }));
    const item = job.data?.[0] ?? {};
    replace(head, h('dl', { class: 'kv' },
      h('dt', {}, 'Status'), h('dd', { id: 'job-status' }, statusChip(job.status), job.statusReason ? ` (${job.statusReason})` : '', job.failure ? ` — ${job.failure}` : ''),
      h('dt', {}, 'Progress'), h('dd', {}, progressBar(job.progress), h('span', { id: 'job-counts' }, counts(job.progress) + ' (completed / failed / total)')),
      h('dt', {}, 'Group'), h('dd', {}, h('a', { href: '/groups/' + seg(job.group), 'data-link': true }, job.group)),
      h('dt', {}, 'What'), h('dd', { id: 'job-what' }, item.template ? `change device template to ${item.template}` : `${item.type ?? ''} ${item.path ?? ''}`,
        item.value !== undefined ? ` = ${JSON.stringify(item.value)}` : ''),
      job.batch ? [h('dt', {}, 'Batches'), h('dd', {}, `${job.batch.value}${job.batch.type === 'percentage' ? '%' : ' devices'}`)] : null,
      job.cancellationThreshold ? [h('dt', {}, 'Cancellation threshold'), h('dd', {}, `${job.cancellationThreshold.value}${job.cancellationThreshold.type === 'percentage' ? '%' : ' devices'}`)] : null,
      extensions(job).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      job.scheduledJobId ? [h('dt', {}, 'Scheduled job'), h('dd', {}, h('a', { href: '/jobs/scheduled/' + seg(job.scheduledJobId), 'data-link': true }, job.scheduledJobId))] : null,
      h('dt', {}, 'Started'), h('dd', {}, when(job.start)), h('dt', {}, 'Ended'), h('dd', {}, when(job.end))),
    h('div', { class: 'inline', style: { 'margin-top': '10px' } }, stop, resume, rerun, csv));
  }

  function drawTabs() {
    const p = job.progress ?? {};
    replace(tabs, [['failed', `Failed (${p.failed ?? 0})`], ['pending', `Pending (${p.pending ?? 0})`],
      ['completed', `Completed (${p.completed ?? 0})`], ['', `All (${p.total ?? 0})`]].map(([value, text]) =>
      h('button', { type: 'button', 'aria-pressed': String(filter === value), onclick: () => { filter = value; tokens = [null]; pageIndex = 0; drawTabs(); load(); } }, text)));
  }

  async function load() {
    let page;
    try {
      page = await get(`/api/jobs/${seg(id)}/devices`, { status: filter || undefined, maxpagesize: PAGE, $skiptoken: tokens[pageIndex] ?? undefined });
    } catch (e) {
      replace(out, errorBox(e));
      return;
    }
    replace(out);
    tokens[pageIndex + 1] = page.nextLink ? new URL(page.nextLink).searchParams.get('$skiptoken') : null;
    replace(body, page.value.length ? page.value.map((d) => h('tr', { dataset: { device: d.id } },
      h('td', {}, h('a', { href: '/devices/' + seg(d.id), 'data-link': true }, d.id)), h('td', {}, statusChip(d.status)),
      h('td', { class: 'mono' }, d.error?.code ?? ''), h('td', { class: 'wide' }, d.error?.message ?? (d.responseCode ? `response ${d.responseCode}` : '')),
      h('td', { class: 'wide' }, when(d.updated)))) : emptyRow(5, 'No devices here.'));
    replace(pager,
      h('button', { type: 'button', disabled: pageIndex === 0, onclick: () => { pageIndex--; load(); } }, 'Previous page'),
      h('button', { type: 'button', disabled: !tokens[pageIndex + 1], onclick: () => { pageIndex++; load(); } }, 'Next page'));
  }

  async function refresh() {
    job = await get('/api/jobs/' + seg(id));
    drawHead();
    drawTabs();
    await load();
  }

  replace(main, h('p', {}, h('a', { href: '/jobs', 'data-link': true }, '← Jobs')), h('h1', {}, job.displayName ?? id),
    head, h('h2', {}, 'Devices'), tabs, out,
    h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Devices of the job' }, h('thead', {}, h('tr', {},
      ['Device', 'Status', 'Error code', 'Detail', 'Updated'].map((t, i) => h('th', { scope: 'col', class: i > 2 ? 'wide' : null }, t)))), body)), pager);
  drawHead();
  drawTabs();
  await load();

  let pendingReload = null;
  return stream(`/api/jobs/${seg(id)}/events`, (type, data) => {
    if (type === 'progress') {
      job.progress = { total: data.total, pending: data.pending, completed: data.completed, failed: data.failed };
    } else if (type === 'status') {
      job.status = data.status ?? job.status;
    } else return;
    clearTimeout(pendingReload);
    pendingReload = setTimeout(async () => {
      try { job = await get('/api/jobs/' + seg(id)); } catch { /* keep what the stream said */ }
      drawHead();
      drawTabs();
      if (pageIndex === 0) load();
    }, 200);
  });
}

/** Flotilla's extensions of a job (docs/jobs.md), one readable line each. */
function extensions(job) {
  const out = [];
  const d = job.delivery ?? {};
  if (d.waitForConnection) out.push(['Wait for connection', 'up to ' + d.waitForConnection]);
  if (d.retry) out.push(['Retries', `${d.retry.maxAttempts} attempts, first wait ${d.retry.backoff}, ×${d.retry.factor}${d.retry.maxBackoff ? ', at most ' + d.retry.maxBackoff : ''}, on ${(d.retry.on ?? []).join(', ')}`]);
  if (d.confirm) out.push(['Confirmation', 'a device completes when it acknowledges the value']);
  const r = job.rollout ?? {};
  if (r.maxPerMinute) out.push(['Rate', `at most ${r.maxPerMinute} devices a minute`]);
  if (r.ramp) out.push(['Ramp', `from ${r.ramp.startPerMinute} a minute, ×${r.ramp.factor} every ${r.ramp.afterSucceeded} completed`]);
  if (r.successGate) out.push(['Success gate', `${r.successGate.minSuccessPercent}% of each batch, else ${r.successGate.action}`]);
  if (job.continuous) out.push(['Continuous', 'reaches devices that join the group']);
  return out;
}
