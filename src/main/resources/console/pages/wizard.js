// The job wizard, as in IoT Central: group → job type → target (a capability of the group's template, or the template
// devices move to) → value (from the capability's schema) → batches and cancellation threshold with Flotilla's
// extensions (delivery, rollout, continuous) → now or scheduled → review, with a dry run. An answer of 400 names a
// field: the wizard returns to the step that holds it and shows the API's message under that control.
import { put, all, seg } from '../api.js';
import { h, replace, field, select, act, errorBox, notify } from '../ui.js';
import { capabilities, kind, isCloud, control, schemaText } from '../schema.js';

const MIGRATION = 'deviceTemplateMigration';
const TYPES = [['command', 'Command: call a command on every device'], ['property', 'Property: set a writable property'],
  ['cloudProperty', 'Cloud property: set a cloud property'], [MIGRATION, 'Change device template: move the devices to another template']];
const TITLES = { group: 'Group', type: 'Job type', target: 'Target', value: 'Value', delivery: 'Delivery', when: 'When', review: 'Review' };
const RETRY_CODES = ['DeviceNotOnline', 'GatewayTimeout', 'CommandFailed', 'Interrupted'];
/** Where a field of the job body is edited (the API's 400 messages name these fields). */
const FIELD_STEP = { group: 'group', data: 'target', 'data.value': 'value', batch: 'delivery', cancellationThreshold: 'delivery',
  delivery: 'delivery', rollout: 'delivery', continuous: 'delivery', end: 'delivery', schedule: 'when', displayName: 'review' };

/** The field a 400 message names (`"rollout.ramp.factor" must ...`, `data[0].value: ...`), without entry indexes. */
export function fieldOf(message) {
  const m = /^(data\[\d+\](?:\.[A-Za-z]+)+)/.exec(message ?? '') ?? /"([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+)*)"/.exec(message ?? '');
  return m ? m[1].replace(/\[\d+\]/g, '') : null;
}

const stepOf = (f) => {
  for (let p = f; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') if (FIELD_STEP[p]) return FIELD_STEP[p];
  return null;
};

export async function render(main, _params, ctx) {
  const [groups, templates] = await Promise.all([all('/api/deviceGroups'), all('/api/deviceTemplates')]);
  // the wizard's choices live in its history entry: a reload (or Back from the job's page) returns to the same step
  const s = Object.assign({ step: 0, group: ctx.params.get('group') ?? groups[0]?.id ?? '', type: 'command', template: '', path: '',
    migrateTo: '', valueControl: null, value: undefined, batchType: '', batchValue: '', thresholdType: '', thresholdValue: '',
    thresholdBatch: false, wait: '', retries: '', backoff: '', factor: '', maxBackoff: '', retryOn: RETRY_CODES.slice(0, 3),
    confirm: false, maxPerMinute: '', rampStart: '', rampFactor: '', rampAfter: '', gateMin: '', gateAction: 'pause',
    continuous: false, end: '', when: 'now', start: '', recurrence: '', name: '' }, history.state?.wizard, { valueControl: null, fieldError: null });
  const stepsEl = h('ol', { class: 'steps', 'aria-label': 'Steps' });
  const panel = h('form', { class: 'panel', 'aria-live': 'polite', novalidate: true });
  const out = h('div');
  replace(main, h('p', {}, h('a', { href: '/jobs', 'data-link': true }, '← Jobs')), h('h1', {}, 'New job'), stepsEl, out, panel);

  const migration = () => s.type === MIGRATION;
  const steps = () => ['group', 'type', 'target', ...(migration() ? [] : ['value']), 'delivery', 'when', 'review'];
  const current = () => steps()[s.step];
  const templateOf = (g) => /\$template = "((?:[^"\\]|\\.)*)"/.exec(g?.filter ?? '')?.[1]?.replace(/\\(.)/g, '$1') ?? '';
  const templateName = (id) => templates.find((t) => t['@id'] === id)?.displayName ?? id;
  const templateDoc = () => templates.find((t) => t['@id'] === s.template);
  const targets = () => capabilities(templateDoc()).filter((c) => (s.type === 'command' ? kind(c) === 'Command'
    : kind(c) === 'Property' && (s.type === 'cloudProperty' ? isCloud(c) : c.writable && !isCloud(c))));
  const target = () => targets().find((c) => c.name === s.path);
  const groupName = () => groups.find((x) => x.id === s.group)?.displayName ?? s.group;
  const num = (v) => (v === '' || v === null || v === undefined ? undefined : Number(v));
  const iso = (local) => (local ? new Date(local).toISOString() : undefined);

  /** A labelled control bound to a field of the job body (so the API's message about it shows under it). */
  const bound = (name, labelText, control, hint) => {
    control.dataset.field = name;
    return field(labelText, control, hint);
  };
  const toggle = (id, name, checked, labelText) => {
    const box = h('input', { type: 'checkbox', class: 'switch', role: 'switch', id, checked, dataset: { field: name } });
    return [box, h('div', { class: 'inline field' }, box, h('label', { for: id }, labelText))];
  };

  function nav(valid) {
    const back = h('button', { type: 'button', disabled: s.step === 0, onclick: () => { s.fieldError = null; s.step--; draw(); } }, 'Back');
    const next = h('button', { type: 'submit', class: 'primary' }, 'Next');
    panel.onsubmit = (ev) => {
      ev.preventDefault();
      replace(out);
      try {
        valid();
        s.fieldError = null;
        s.step++;
        draw();
      } catch (e) {
        replace(out, errorBox(e));
      }
    };
    return h('div', { class: 'inline', style: { 'margin-top': '12px' } }, back, next);
  }

  function extensions() {
    const b = {};
    const delivery = {};
    if ((s.type === 'command' || s.type === 'property') && s.wait) delivery.waitForConnection = s.wait.trim();
    if (s.type === 'command' && (s.retries || s.backoff || s.factor || s.maxBackoff)) {
      delivery.retry = { maxAttempts: num(s.retries), backoff: s.backoff.trim() || undefined, factor: num(s.factor),
        maxBackoff: s.maxBackoff.trim() || undefined, on: s.retryOn };
    }
    if (s.type === 'property' && s.confirm) delivery.confirm = true;
    if (Object.keys(delivery).length) b.delivery = delivery;
    const rollout = {};
    if (s.maxPerMinute) rollout.maxPerMinute = num(s.maxPerMinute);
    if (s.rampStart || s.rampFactor || s.rampAfter) {
      rollout.ramp = { startPerMinute: num(s.rampStart), factor: num(s.rampFactor), afterSucceeded: num(s.rampAfter) };
    }
    if (s.gateMin) rollout.successGate = { minSuccessPercent: num(s.gateMin), action: s.gateAction };
    if (Object.keys(rollout).length) b.rollout = rollout;
    if (s.continuous) b.continuous = true;
    if (s.end) b.end = iso(s.end);
    return b;
  }

  function body() {
    const item = migration() ? { type: MIGRATION, template: s.migrateTo }
      : { type: s.type, target: s.template, path: s.path, value: s.value };
    const b = { displayName: s.name || (migration() ? `Move ${groupName()} to ${templateName(s.migrateTo)}` : `${s.path} on ${groupName()}`),
      group: s.group, data: [item] };
    if (s.batchType) b.batch = { type: s.batchType, value: Number(s.batchValue) };
    if (s.thresholdType) b.cancellationThreshold = { type: s.thresholdType, value: Number(s.thresholdValue), batch: s.thresholdBatch };
    Object.assign(b, extensions());
    if (s.when === 'scheduled') b.schedule = { start: iso(s.start), ...(s.recurrence ? { recurrence: s.recurrence } : {}) };
    return JSON.parse(JSON.stringify(b)); // drops the fields left undefined
  }

  /** The API refused the job: back to the step holding the field it names, its message under the control. */
  function refused(e, result) {
    const f = e.status === 400 ? fieldOf(e.message) : null;
    const step = f ? steps().indexOf(stepOf(f)) : -1;
    if (step < 0) {
      replace(result, errorBox(e));
      return;
    }
    s.fieldError = { field: f, error: e };
    s.step = step;
    draw();
  }

  /** Shows the pending field error under the control of that field (or its nearest parent field) on this step. */
  function showFieldError() {
    const fe = s.fieldError;
    if (!fe) return;
    let el = null;
    for (let p = fe.field; p && !el; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      el = panel.querySelector(`[data-field="${CSS.escape(p)}"]`);
    }
    const box = errorBox(fe.error);
    box.id = 'field-error';
    if (!el) {
      replace(out, box);
      return;
    }
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', box.id);
    (el.closest('.field') ?? el).after(box);
    el.focus();
  }

  function draw() {
    const { valueControl, fieldError, ...choices } = s;
    history.replaceState({ ...history.state, wizard: choices }, '');
    const names = steps();
    replace(stepsEl, names.map((t, i) => h('li', { 'aria-current': i === s.step ? 'step' : null }, `${i + 1}. ${TITLES[t]}`)));
    const legend = h('legend', {}, h('h2', {}, TITLES[current()]));
    const draws = { group: drawGroup, type: drawType, target: drawTarget, value: drawValue, delivery: drawDelivery, when: drawWhen, review: drawReview };
    draws[current()](legend);
    showFieldError();
  }

  function drawGroup(legend) {
    const sel = select(groups.map((g) => [g.id, g.displayName]), s.group, { dataset: { field: 'group' } });
    replace(panel, h('fieldset', {}, legend, field('Device group', sel, 'The job runs on the devices that match the group when it starts.')),
      nav(() => { s.group = sel.value; if (!s.group) throw new Error('Choose a group (create one under Groups).'); s.template = templateOf(groups.find((g) => g.id === s.group)) || s.template; }));
    sel.focus();
  }

  function drawType(legend) {
    const radios = TYPES.map(([v, text]) => {
      const r = h('input', { type: 'radio', name: 'type', value: v, id: 'type-' + v, checked: s.type === v });
      return h('div', { class: 'inline' }, r, h('label', { for: 'type-' + v }, text));
    });
    replace(panel, h('fieldset', {}, legend, radios),
      nav(() => { s.type = panel.querySelector('input[name=type]:checked').value; s.path = ''; }));
    panel.querySelector('input[name=type]:checked')?.focus();
  }

  function drawTarget(legend) {
    if (migration()) {
      const to = select([['', 'Choose a template'], ...templates.filter((t) => t['@id'] !== templateOf(groups.find((g) => g.id === s.group)))
        .map((t) => [t['@id'], t.displayName])], s.migrateTo, { dataset: { field: 'data.template' } });
      replace(panel, h('fieldset', {}, legend, field('Target template', to,
        'Every device of the group (of any template) moves to this template; its properties are kept.')),
      nav(() => { s.migrateTo = to.value; if (!s.migrateTo) throw new Error('Choose the template the devices move to.'); }));
      to.focus();
      return;
    }
    const tpl = select([['', 'Choose a template'], ...templates.map((t) => [t['@id'], t.displayName])], s.template, { dataset: { field: 'data.target' } });
    const cap = select(targets().map((c) => [c.name, `${c.displayName ?? c.name} (${schemaText(kind(c) === 'Command' ? c.request?.schema : c.schema)})`]), s.path,
      { dataset: { field: 'data.path' } });
    tpl.addEventListener('change', () => { s.template = tpl.value; s.path = ''; draw(); });
    replace(panel, h('fieldset', {}, legend,
      field('Device template', tpl, templateOf(groups.find((g) => g.id === s.group)) ? 'From the group\'s filter.' : 'The group does not name one template: choose it.'),
      targets().length ? field(s.type === 'command' ? 'Command' : 'Property', cap) : h('p', { class: 'muted' }, 'This template has no capability for this kind of job.')),
    nav(() => { s.template = tpl.value; s.path = cap.value; if (!s.path) throw new Error('Choose what the job sets or calls.'); }));
    (targets().length ? cap : tpl).focus();
  }

  function drawValue(legend) {
    const c = target();
    const schema = s.type === 'command' ? c.request?.schema : c.schema;
    s.valueControl = schema === undefined ? null : control(s.type === 'command' ? (c.request.displayName ?? c.request.name) : (c.displayName ?? c.name), schema, s.value);
    s.valueControl?.input?.setAttribute('data-field', 'data.value');
    replace(panel, h('fieldset', {}, legend, s.valueControl ? s.valueControl.el : h('p', { class: 'muted' }, 'This command takes no request.')),
      nav(() => { s.value = s.valueControl ? s.valueControl.value() : undefined; }));
    s.valueControl?.input?.focus();
  }

  function drawDelivery(legend) {
    const number = (value, attrs = {}) => h('input', { type: 'number', value, ...attrs });
    const text = (value, placeholder) => h('input', { type: 'text', value, placeholder, autocomplete: 'off', spellcheck: 'false' });
    const bt = select([['', 'All devices at once'], ['number', 'A number of devices'], ['percentage', 'A percentage of devices']], s.batchType, { dataset: { field: 'batch.type' } });
    const bv = number(s.batchValue, { min: 1 });
    const tt = select([['', 'None'], ['number', 'A number of failed devices'], ['percentage', 'A percentage of failed devices']], s.thresholdType,
      { dataset: { field: 'cancellationThreshold.type' } });
    const tv = number(s.thresholdValue, { min: 1 });
    const [tb, tbField] = toggle('threshold-batch', 'cancellationThreshold.batch', s.thresholdBatch, 'Judge each batch on its own');
    const wait = text(s.wait, 'PT1H');
    const retries = number(s.retries, { min: 1, max: 100, placeholder: '1' });
    const backoff = text(s.backoff, 'PT10S');
    const factor = number(s.factor, { min: 1, max: 10, step: 'any', placeholder: '1' });
    const maxBackoff = text(s.maxBackoff, 'PT10M');
    const on = RETRY_CODES.map((code) => h('input', { type: 'checkbox', id: 'retry-on-' + code, value: code, checked: s.retryOn.includes(code) }));
    const [confirmBox, confirmField] = toggle('confirm', 'delivery.confirm', s.confirm, 'Complete a device only when it acknowledges the value');
    const maxPerMinute = number(s.maxPerMinute, { min: 1 });
    const rampStart = number(s.rampStart, { min: 1 });
    const rampFactor = number(s.rampFactor, { min: 1, step: 'any', placeholder: '2' });
    const rampAfter = number(s.rampAfter, { min: 1 });
    const gateMin = number(s.gateMin, { min: 0, max: 100, step: 'any' });
    const gateAction = select([['pause', 'Pause the job (resume starts the next batch)'], ['cancel', 'Cancel the job']], s.gateAction);
    const [continuous, continuousField] = toggle('continuous', 'continuous', s.continuous, 'Continuous: also reach devices that join the group while the job runs');
    const end = h('input', { type: 'datetime-local', value: s.end });
    const command = s.type === 'command';
    replace(panel, h('fieldset', {}, legend, h('div', { class: 'grid' },
      h('div', {}, h('h3', {}, 'Batches'), bound('batch.type', 'Batches', bt), bound('batch.value', 'Batch size', bv),
        h('h3', {}, 'Cancellation threshold'), field('Cancellation threshold', tt), bound('cancellationThreshold.value', 'Threshold value', tv), tbField),
      h('div', {}, h('h3', {}, 'Delivery (Flotilla)'),
        command || s.type === 'property' ? bound('delivery.waitForConnection', 'Wait for offline devices to connect, up to', wait,
          command ? 'ISO-8601 duration (PT5M, PT1H, P1D; at most P30D). Empty: an offline device fails DeviceNotOnline.'
            : 'Confirmed property jobs only. ISO-8601 duration, at most P30D.') : null,
        command ? [bound('delivery.retry.maxAttempts', 'Attempts per device', retries, 'Empty: one attempt, no retries.'),
          bound('delivery.retry.backoff', 'Wait before the second attempt', backoff, 'ISO-8601 duration; default PT10S.'),
          bound('delivery.retry.factor', 'Backoff factor', factor, 'Each wait is the previous one times this; default 1.'),
          bound('delivery.retry.maxBackoff', 'Longest wait between attempts', maxBackoff),
          h('fieldset', { class: 'field', 'data-field': 'delivery.retry.on' }, h('legend', {}, 'Retry these failures'),
            on.map((box) => h('div', { class: 'inline' }, box, h('label', { for: box.id }, box.value))))] : null,
        s.type === 'property' ? confirmField : null,
        s.type === 'cloudProperty' || migration() ? h('p', { class: 'muted' }, 'Applied in the database: no delivery options.') : null),
      h('div', {}, h('h3', {}, 'Rollout (Flotilla)'),
        bound('rollout.maxPerMinute', 'Devices started per minute, at most', maxPerMinute, 'Empty: as fast as the engine goes.'),
        bound('rollout.ramp.startPerMinute', 'Ramp: start at (devices per minute)', rampStart),
        bound('rollout.ramp.factor', 'Ramp: multiply the rate by', rampFactor),
        bound('rollout.ramp.afterSucceeded', 'Ramp: each time this many more devices completed', rampAfter),
        bound('rollout.successGate.minSuccessPercent', 'Success gate: least % of each batch that must complete', gateMin, 'Empty: no gate.'),
        bound('rollout.successGate.action', 'When a batch misses the gate', gateAction),
        continuousField, bound('end', 'Continuous job ends at', end, 'Only for continuous jobs; empty: when stopped.')))),
    nav(() => {
      Object.assign(s, { batchType: bt.value, batchValue: bv.value, thresholdType: tt.value, thresholdValue: tv.value,
        thresholdBatch: tb.checked, wait: wait.value, retries: retries.value, backoff: backoff.value, factor: factor.value,
        maxBackoff: maxBackoff.value, retryOn: on.filter((b) => b.checked).map((b) => b.value), confirm: confirmBox.checked,
        maxPerMinute: maxPerMinute.value, rampStart: rampStart.value, rampFactor: rampFactor.value, rampAfter: rampAfter.value,
        gateMin: gateMin.value, gateAction: gateAction.value, continuous: continuous.checked, end: end.value });
      if (s.batchType && !(Number(s.batchValue) > 0)) throw new Error('Enter a batch size above 0.');
      if (s.thresholdType && !(Number(s.thresholdValue) > 0)) throw new Error('Enter a threshold above 0.');
    }));
    bt.focus();
  }

  function drawWhen(legend) {
    const now = h('input', { type: 'radio', name: 'when', id: 'when-now', value: 'now', checked: s.when === 'now' });
    const later = h('input', { type: 'radio', name: 'when', id: 'when-later', value: 'scheduled', checked: s.when === 'scheduled' });
    const start = h('input', { type: 'datetime-local', value: s.start, dataset: { field: 'schedule.start' } });
    const rec = select([['', 'Once'], ['daily', 'Daily'], ['weekly', 'Weekly'], ['monthly', 'Monthly']], s.recurrence, { dataset: { field: 'schedule.recurrence' } });
    replace(panel, h('fieldset', { 'data-field': 'schedule' }, legend, h('div', { class: 'inline' }, now, h('label', { for: 'when-now' }, 'Run now')),
      h('div', { class: 'inline' }, later, h('label', { for: 'when-later' }, 'Schedule')), h('div', { class: 'grid' }, field('Start', start), field('Repeat', rec))),
    nav(() => {
      s.when = later.checked ? 'scheduled' : 'now';
      s.start = start.value;
      s.recurrence = rec.value;
      if (s.when === 'scheduled' && !s.start) throw new Error('Enter when the job starts.');
    }));
    now.focus();
  }

  /** What the job will do, one line per choice (extensions only when set). */
  function summary() {
    const b = body();
    const rows = [['Group', groupName()], ['Type', TYPES.find(([v]) => v === s.type)[1]]];
    if (migration()) rows.push(['Target', `Move to ${templateName(s.migrateTo)}`]);
    else {
      rows.push(['Target', `${s.path} of ${templateDoc()?.displayName ?? s.template}`]);
      rows.push(['Value', s.value === undefined ? '(none)' : JSON.stringify(s.value)]);
    }
    const measure = (m, of) => `${m.value}${m.type === 'percentage' ? '%' : ' devices'}${of}`;
    rows.push(['Batches', b.batch ? measure(b.batch, ' a batch') : 'All devices at once']);
    rows.push(['Cancellation threshold', b.cancellationThreshold ? measure(b.cancellationThreshold, b.cancellationThreshold.batch ? ' failed, per batch' : ' failed') : 'None']);
    const d = b.delivery ?? {};
    if (d.waitForConnection) rows.push(['Wait for connection', `up to ${d.waitForConnection}`]);
    if (d.retry) {
      rows.push(['Retries', `${d.retry.maxAttempts ?? '?'} attempts, first wait ${d.retry.backoff ?? 'PT10S'}, ×${d.retry.factor ?? 1}`
        + `${d.retry.maxBackoff ? ', at most ' + d.retry.maxBackoff : ''}, on ${d.retry.on.join(', ')}`]);
    }
    if (d.confirm) rows.push(['Confirmation', 'A device completes when it acknowledges the value']);
    const r = b.rollout ?? {};
    if (r.maxPerMinute) rows.push(['Rate', `at most ${r.maxPerMinute} devices a minute`]);
    if (r.ramp) rows.push(['Ramp', `from ${r.ramp.startPerMinute ?? '?'} a minute, ×${r.ramp.factor ?? 2} every ${r.ramp.afterSucceeded ?? '?'} completed`]);
    if (r.successGate) rows.push(['Success gate', `${r.successGate.minSuccessPercent}% of each batch, else ${r.successGate.action}`]);
    if (b.continuous) rows.push(['Continuous', b.end ? `until ${new Date(b.end).toLocaleString()}` : 'until stopped']);
    else if (b.end) rows.push(['End', new Date(b.end).toLocaleString()]);
    rows.push(['When', s.when === 'now' ? 'Now' : `${new Date(s.start).toLocaleString()}${s.recurrence ? ', ' + s.recurrence : ''}`]);
    return h('dl', { class: 'kv', id: 'job-review' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', { dataset: { review: k } }, v)]));
  }

  function drawReview(legend) {
    const name = h('input', { type: 'text', value: s.name || body().displayName, dataset: { field: 'displayName' } });
    const preview = h('pre', { id: 'job-body' }, JSON.stringify(body(), null, 2));
    name.addEventListener('input', () => { s.name = name.value; preview.textContent = JSON.stringify(body(), null, 2); });
    const result = h('div', { 'aria-live': 'polite' });
    const dry = h('button', { type: 'button', hidden: s.when !== 'now' }, 'Check (dry run)');
    dry.addEventListener('click', () => act(dry, async () => {
      replace(result);
      try {
        const r = await put('/api/jobs/' + seg('dry-run-' + Date.now().toString(36)), body(), { dryRun: 'true' });
        const d = r.dryRun ?? {};
        replace(result, h('p', { class: 'success' }, `It would reach ${d.total} devices (${d.connected} connected now, ${d.templateMismatch} of another template fail at once) in ${d.batchCount} batch${d.batchCount === 1 ? '' : 'es'}.`));
      } catch (e) {
        refused(e, result);
      }
    }));
    const create = h('button', { type: 'button', class: 'primary' }, s.when === 'now' ? 'Create job' : 'Schedule job');
    create.addEventListener('click', () => act(create, async () => {
      const b = body();
      const id = (b.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'job') + '-' + Date.now().toString(36);
      try {
        if (s.when === 'now') {
          await put('/api/jobs/' + seg(id), b);
          ctx.navigate('/jobs/' + seg(id));
        } else {
          await put('/api/scheduledJobs/' + seg(id), b);
          notify('Job scheduled.');
          ctx.navigate('/jobs/scheduled/' + seg(id));
        }
      } catch (e) {
        refused(e, result);
      }
    }));
    replace(panel, h('fieldset', {}, legend, field('Job name', name), summary(),
      h('details', {}, h('summary', {}, 'Request body'), preview)),
    h('div', { class: 'inline', style: { 'margin-top': '12px' } },
      h('button', { type: 'button', onclick: () => { s.fieldError = null; s.step--; draw(); } }, 'Back'), dry, create), result);
    panel.onsubmit = (ev) => ev.preventDefault();
    create.focus();
  }
  draw();
}
