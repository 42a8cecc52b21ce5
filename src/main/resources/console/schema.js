// Device templates (DTDL) as the console reads them: capabilities and a form control generated from a schema —
// a number field for a double, a switch for a boolean, a select for an enum, a group of fields for an object.
import { h, field, nextId } from './ui.js';

const types = (c) => [].concat(c?.['@type'] ?? []);
export const kind = (c) => ['Telemetry', 'Property', 'Command', 'Component'].find((k) => types(c).includes(k)) ?? types(c)[0];
export const isCloud = (c) => types(c).includes('Cloud');

/** The root capabilities of a template (the capability model's contents, and those of interfaces it extends). */
export function capabilities(template) {
  const model = template?.capabilityModel ?? {};
  const out = [...(model.contents ?? [])];
  for (const e of [].concat(model.extends ?? [])) if (typeof e === 'object') out.push(...(e.contents ?? []));
  return out;
}

export function schemaText(schema) {
  if (schema === undefined || schema === null) return '—';
  if (typeof schema === 'string') return schema;
  const t = types(schema)[0];
  if (t === 'Enum') return 'enum (' + (schema.enumValues ?? []).map((v) => v.name).join(', ') + ')';
  if (t === 'Object') return 'object {' + (schema.fields ?? []).map((f) => f.name).join(', ') + '}';
  return t ?? 'object';
}

const NUMBERS = new Set(['double', 'float', 'integer', 'long']);

/** A labelled control for `schema`; `.value()` answers the JSON value or throws an Error saying what is wrong. */
export function control(labelText, schema, current) {
  const id = nextId('v');
  if (typeof schema === 'string' && NUMBERS.has(schema)) {
    const input = h('input', { type: 'number', id, step: schema === 'integer' || schema === 'long' ? '1' : 'any',
      value: current ?? '', inputmode: 'decimal' });
    return { el: field(labelText, input, schema), input, value: () => {
      if (input.value.trim() === '') throw new Error(`${labelText}: enter a number.`);
      const n = Number(input.value);
      if (!Number.isFinite(n)) throw new Error(`${labelText}: "${input.value}" is not a number.`);
      if ((schema === 'integer' || schema === 'long') && !Number.isInteger(n)) throw new Error(`${labelText}: enter a whole number.`);
      return n;
    } };
  }
  if (schema === 'boolean') {
    const input = h('input', { type: 'checkbox', class: 'switch', role: 'switch', id, checked: current === true });
    return { el: h('div', { class: 'field' }, h('label', { for: id }, labelText), h('div', {}, input)), input, value: () => input.checked };
  }
  if (typeof schema === 'string' && ['string', 'date', 'dateTime', 'time', 'duration'].includes(schema)) {
    const input = h('input', { type: 'text', id, value: current ?? '' });
    return { el: field(labelText, input, schema === 'string' ? null : schema), input, value: () => input.value };
  }
  const t = types(schema)[0];
  if (t === 'Enum') {
    const input = h('select', { id }, (schema.enumValues ?? []).map((v) =>
      h('option', { value: JSON.stringify(v.enumValue), selected: v.enumValue === current }, v.displayName ?? v.name)));
    return { el: field(labelText, input), input, value: () => JSON.parse(input.value) };
  }
  if (t === 'Object') {
    const parts = (schema.fields ?? []).map((f) => [f.name, control(f.displayName ?? f.name, f.schema, current?.[f.name])]);
    const el = h('fieldset', { class: 'panel' }, h('legend', {}, labelText), parts.map(([, c]) => c.el));
    return { el, input: parts[0]?.[1].input, value: () => Object.fromEntries(parts.map(([n, c]) => [n, c.value()])) };
  }
  const input = h('textarea', { id, spellcheck: 'false' }, current === undefined ? '' : JSON.stringify(current, null, 2));
  return { el: field(labelText, input, 'JSON (' + schemaText(schema) + ')'), input, value: () => {
    try { return JSON.parse(input.value); } catch { throw new Error(`${labelText}: not valid JSON.`); }
  } };
}
