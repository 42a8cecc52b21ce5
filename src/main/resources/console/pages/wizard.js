// The job wizard, as in IoT Central: group → job type → target capability (from the group's template) → value
// (from the capability's schema) → batches and cancellation threshold (and Flotilla's delivery extensions) → now or
// scheduled → review, with a dry run.
import { get, put, all, seg } from '../api.js';
import { h, replace, field, select, act, errorBox, notify } from '../ui.js';
import { capabilities, kind, isCloud, control, schemaText } from '../schema.js';

const TYPES = [['command', 'Command: call a command on every device'], ['property', 'Property: set a writable property'],
  ['cloudProperty', 'Cloud property: set a cloud property']];
const STEPS = ['Group', 'Job type', 'Target', 'Value', 'Delivery', 'When', 'Review'];

export async function render(main, _params, ctx) {
  const [groups, templates] = await Promise.all([all('/api/deviceGroups'), all('/api/deviceTemplates')]);
  const s = { step: 0, group: ctx.params.get('group') ?? groups[0]?.id ?? '', type: 'command', template: '', path: '',
    valueControl: null, value: undefined, batchType: '', batchValue: '', thresholdType: '', thresholdValue: '',
    thresholdBatch: false, wait: '', retries: '', confirm: false, when: 'now', start: '', recurrence: '', name: '' };
  const stepsEl = h('ol', { class: 'steps', 'aria-label': 'Steps' });
  const panel = h('form', { class: 'panel', 'aria-live': 'polite', novalidate: true });
  const out = h('div');
  replace(main, h('p', {}, h('a', { href: '/jobs', 'data-link': true }, '← Jobs')), h('h1', {}, 'New job'), stepsEl, out, panel);

  const templateOf = (g) => /\$template = "((?:[^"\\]|\\.)*)"/.exec(g?.filter ?? '')?.[1]?.replace(/\\(.)/g, '$1') ?? '';
  const templateDoc = () => templates.find((t) => t['@id'] === s.template);
  const targets = () => capabilities(templateDoc()).filter((c) => (s.type === 'command' ? kind(c) === 'Command'
    : kind(c) === 'Property' && (s.type === 'cloudProperty' ? isCloud(c) : c.writable && !isCloud(c))));
  const target = () => targets().find((c) => c.name === s.path);

  function nav(valid) {
    const back = h('button', { type: 'button', disabled: s.step === 0, onclick: () => { s.step--; draw(); } }, 'Back');
    const next = h('button', { type: 'submit', class: 'primary' }, 'Next');
    panel.onsubmit = (ev) => {
      ev.preventDefault();
      replace(out);
      try {
        valid();
        s.step++;
        draw();
      } catch (e) {
        replace(out, errorBox(e));
      }
    };
    return h('div', { class: 'inline', style: { 'margin-top': '12px' } }, back, next);
  }

  function body() {
    const g = groups.find((x) => x.id === s.group);
    const b = { displayName: s.name || `${s.path} on ${g?.displayName ?? s.group}`, group: s.group,
      data: [{ type: s.type, target: s.template, path: s.path, value: s.value }] };
    if (s.batchType) b.batch = { type: s.batchType, value: Number(s.batchValue) };
    if (s.thresholdType) b.cancellationThreshold = { type: s.thresholdType, value: Number(s.thresholdValue), batch: s.thresholdBatch };
    const delivery = {};
    if (s.type === 'command' && s.wait) delivery.waitForConnection = s.wait;
    if (s.type === 'command' && s.retries) delivery.retry = { maxAttempts: Number(s.retries), on: ['DeviceNotOnline', 'GatewayTimeout'] };
    if (s.type === 'property' && s.confirm) delivery.confirm = true;
    if (Object.keys(delivery).length) b.delivery = delivery;
    if (s.when === 'scheduled') b.schedule = { start: new Date(s.start).toISOString(), ...(s.recurrence ? { recurrence: s.recurrence } : {}) };
    return b;
  }

  function draw() {
    replace(stepsEl, STEPS.map((t, i) => h('li', { 'aria-current': i === s.step ? 'step' : null }, `${i + 1}. ${t}`)));
    const legend = h('legend', {}, h('h2', {}, STEPS[s.step]));
    if (s.step === 0) {
      const sel = select(groups.map((g) => [g.id, g.displayName]), s.group);
      replace(panel, h('fieldset', {}, legend, field('Device group', sel, 'The job runs on the devices that match the group when it starts.')),
        nav(() => { s.group = sel.value; if (!s.group) throw new Error('Choose a group (create one under Groups).'); s.template = templateOf(groups.find((g) => g.id === s.group)) || s.template; }));
      sel.focus();
    } else if (s.step === 1) {
      const radios = TYPES.map(([v, text]) => {
        const r = h('input', { type: 'radio', name: 'type', value: v, id: 'type-' + v, checked: s.type === v });
        return h('div', { class: 'inline' }, r, h('label', { for: 'type-' + v }, text));
      });
      replace(panel, h('fieldset', {}, legend, radios),
        nav(() => { s.type = panel.querySelector('input[name=type]:checked').value; s.path = ''; }));
      panel.querySelector('input[name=type]:checked')?.focus();
    } else if (s.step === 2) {
      const tpl = select([['', 'Choose a template'], ...templates.map((t) => [t['@id'], t.displayName])], s.template);
      const cap = select(targets().map((c) => [c.name, `${c.displayName ?? c.name} (${schemaText(kind(c) === 'Command' ? c.request?.schema : c.schema)})`]), s.path);
      tpl.addEventListener('change', () => { s.template = tpl.value; s.path = ''; draw(); });
      replace(panel, h('fieldset', {}, legend,
        field('Device template', tpl, templateOf(groups.find((g) => g.id === s.group)) ? 'From the group\'s filter.' : 'The group does not name one template: choose it.'),
        targets().length ? field(s.type === 'command' ? 'Command' : 'Property', cap) : h('p', { class: 'muted' }, 'This template has no capability for this kind of job.')),
        nav(() => { s.template = tpl.value; s.path = cap.value; if (!s.path) throw new Error('Choose what the job sets or calls.'); }));
      (targets().length ? cap : tpl).focus();
    } else if (s.step === 3) {
      const c = target();
      const schema = s.type === 'command' ? c.request?.schema : c.schema;
      s.valueControl = schema === undefined ? null : control(s.type === 'command' ? (c.request.displayName ?? c.request.name) : (c.displayName ?? c.name), schema, s.value);
      replace(panel, h('fieldset', {}, legend, s.valueControl ? s.valueControl.el : h('p', { class: 'muted' }, 'This command takes no request.')),
        nav(() => { s.value = s.valueControl ? s.valueControl.value() : undefined; }));
      s.valueControl?.input?.focus();
    } else if (s.step === 4) {
      const bt = select([['', 'All devices at once'], ['number', 'A number of devices'], ['percentage', 'A percentage of devices']], s.batchType);
      const bv = h('input', { type: 'number', min: 1, value: s.batchValue });
      const tt = select([['', 'None'], ['number', 'A number of failed devices'], ['percentage', 'A percentage of failed devices']], s.thresholdType);
      const tv = h('input', { type: 'number', min: 1, value: s.thresholdValue });
      const tb = h('input', { type: 'checkbox', class: 'switch', role: 'switch', id: 'threshold-batch', checked: s.thresholdBatch });
      const wait = select([['', 'No: an offline device fails (DeviceNotOnline)'], ['PT5M', 'Up to 5 minutes'], ['PT1H', 'Up to 1 hour'], ['P1D', 'Up to 1 day']], s.wait);
      const retries = h('input', { type: 'number', min: 1, max: 100, value: s.retries, placeholder: '1' });
      const confirmBox = h('input', { type: 'checkbox', class: 'switch', role: 'switch', id: 'confirm', checked: s.confirm });
      replace(panel, h('fieldset', {}, legend, h('div', { class: 'grid' },
        h('div', {}, field('Batches', bt), field('Batch size', bv)),
        h('div', {}, field('Cancellation threshold', tt), field('Threshold value', tv),
          h('div', { class: 'inline' }, tb, h('label', { for: 'threshold-batch' }, 'Judge each batch on its own'))),
        s.type === 'command' ? h('div', {}, h('h3', {}, 'Flotilla extensions'), field('Wait for offline devices to connect', wait),
          field('Attempts per device (retries of DeviceNotOnline and timeouts)', retries)) : null,
        s.type === 'property' ? h('div', {}, h('h3', {}, 'Flotilla extensions'),
          h('div', { class: 'inline' }, confirmBox, h('label', { for: 'confirm' }, 'Complete a device only when it acknowledges the value'))) : null)),
      nav(() => {
        Object.assign(s, { batchType: bt.value, batchValue: bv.value, thresholdType: tt.value, thresholdValue: tv.value,
          thresholdBatch: tb.checked, wait: wait.value, retries: retries.value, confirm: confirmBox.checked });
        if (s.batchType && !(Number(s.batchValue) > 0)) throw new Error('Enter a batch size above 0.');
        if (s.thresholdType && !(Number(s.thresholdValue) > 0)) throw new Error('Enter a threshold above 0.');
      }));
      bt.focus();
    } else if (s.step === 5) {
      const now = h('input', { type: 'radio', name: 'when', id: 'when-now', value: 'now', checked: s.when === 'now' });
      const later = h('input', { type: 'radio', name: 'when', id: 'when-later', value: 'scheduled', checked: s.when === 'scheduled' });
      const start = h('input', { type: 'datetime-local', value: s.start });
      const rec = select([['', 'Once'], ['daily', 'Daily'], ['weekly', 'Weekly'], ['monthly', 'Monthly']], s.recurrence);
      replace(panel, h('fieldset', {}, legend, h('div', { class: 'inline' }, now, h('label', { for: 'when-now' }, 'Run now')),
        h('div', { class: 'inline' }, later, h('label', { for: 'when-later' }, 'Schedule')), h('div', { class: 'grid' }, field('Start', start), field('Repeat', rec))),
      nav(() => {
        s.when = later.checked ? 'scheduled' : 'now';
        s.start = start.value;
        s.recurrence = rec.value;
        if (s.when === 'scheduled' && !s.start) throw new Error('Enter when the job starts.');
      }));
      now.focus();
    } else {
      const name = h('input', { type: 'text', value: s.name || body().displayName });
      const preview = h('pre', { id: 'job-body' }, JSON.stringify(body(), null, 2));
      name.addEventListener('input', () => { s.name = name.value; preview.textContent = JSON.stringify(body(), null, 2); });
      const result = h('div', { 'aria-live': 'polite' });
      const dry = h('button', { type: 'button', hidden: s.when !== 'now' }, 'Check (dry run)');
      dry.addEventListener('click', () => act(dry, async () => {
        replace(result);
        const r = await put('/api/jobs/' + seg('dry-run-' + Date.now().toString(36)), body(), { dryRun: 'true' });
        const d = r.dryRun ?? {};
        replace(result, h('p', { class: 'success' }, `It would reach ${d.total} devices (${d.connected} connected now, ${d.templateMismatch} of another template fail at once) in ${d.batchCount} batch${d.batchCount === 1 ? '' : 'es'}.`));
      }));
      const create = h('button', { type: 'button', class: 'primary' }, s.when === 'now' ? 'Create job' : 'Schedule job');
      create.addEventListener('click', () => act(create, async () => {
        const b = body();
        const id = (b.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'job') + '-' + Date.now().toString(36);
        if (s.when === 'now') {
          await put('/api/jobs/' + seg(id), b);
          ctx.navigate('/jobs/' + seg(id));
        } else {
          await put('/api/scheduledJobs/' + seg(id), b);
          notify('Job scheduled.');
          ctx.navigate('/jobs/scheduled/' + seg(id));
        }
      }));
      const g = groups.find((x) => x.id === s.group);
      replace(panel, h('fieldset', {}, legend, field('Job name', name),
        h('dl', { class: 'kv' }, h('dt', {}, 'Group'), h('dd', {}, g?.displayName ?? s.group),
          h('dt', {}, 'Type'), h('dd', {}, TYPES.find(([v]) => v === s.type)[1]),
          h('dt', {}, 'Target'), h('dd', {}, `${s.path} of ${templateDoc()?.displayName ?? s.template}`),
          h('dt', {}, 'Value'), h('dd', { class: 'mono' }, s.value === undefined ? '(none)' : JSON.stringify(s.value)),
          h('dt', {}, 'When'), h('dd', {}, s.when === 'now' ? 'Now' : `${new Date(s.start).toLocaleString()}${s.recurrence ? ', ' + s.recurrence : ''}`)),
        h('details', {}, h('summary', {}, 'Request body'), preview)),
      h('div', { class: 'inline', style: { 'margin-top': '12px' } },
        h('button', { type: 'button', onclick: () => { s.step--; draw(); } }, 'Back'), dry, create), result);
      panel.onsubmit = (ev) => ev.preventDefault();
      create.focus();
    }
  }
  draw();
}
