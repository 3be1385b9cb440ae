/**
 * Checks what the bot sent to the fake Slack: every Web API call against Slack's published
 * OpenAPI description (test/fixtures/schemas/slack-web-api-openapi-v2.json: the method exists,
 * every argument is known, required ones are present), and every `blocks` / `view` against
 * Block Kit's limits. `slackProblems(fake)` returns a list of problems; tests expect [].
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeSlack, RecordedCall } from './slack-server.js';

const SPEC_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/schemas/slack-web-api-openapi-v2.json');

interface Param {
  name: string;
  in: string;
  required?: boolean;
}
type Spec = { paths: Record<string, Record<string, { parameters?: Param[] }>> };

let spec: Spec | undefined;
function loadSpec(): Spec {
  return (spec ??= JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec);
}

/** Methods newer than the 2021 spec that the bot may call (none so far). */
const NEWER_METHODS: Record<string, string[]> = {};
/**
 * Arguments Slack added to methods after the 2021 spec. Message metadata (2022): `metadata` on
 * chat.postMessage (`{ event_type, event_payload }`, the delivery key the notifier attaches) and
 * `include_all_metadata` on conversations.history / conversations.replies (findSent reads it
 * back). See docs.slack.dev/messaging/message-metadata and the methods' reference pages.
 */
const NEWER_ARGS: Record<string, string[]> = {
  'chat.postMessage': ['metadata'],
  'conversations.history': ['include_all_metadata'],
  'conversations.replies': ['include_all_metadata'],
};
/** Arguments every method accepts: the token (sent as a header by the SDK, also allowed in the body). */
const ALWAYS_KNOWN = new Set(['token']);

/** Problems with one Web API call against the OpenAPI description. */
export function callProblems(method: string, args: Record<string, unknown>): string[] {
  const paths = loadSpec().paths;
  const entry = paths[`/${method}`];
  if (!entry) {
    const allowed = NEWER_METHODS[method];
    if (!allowed) return [`${method}: not a Slack Web API method in the spec`];
    return Object.keys(args)
      .filter((k) => !allowed.includes(k) && !ALWAYS_KNOWN.has(k))
      .map((k) => `${method}: unknown argument ${k}`);
  }
  const params = Object.values(entry).flatMap((op) => op.parameters ?? []);
  const known = new Set([...params.map((p) => p.name), ...(NEWER_ARGS[method] ?? [])]);
  const problems: string[] = [];
  for (const k of Object.keys(args)) if (!known.has(k) && !ALWAYS_KNOWN.has(k)) problems.push(`${method}: unknown argument ${k}`);
  for (const p of params) {
    if (p.required && p.name !== 'token' && (args[p.name] === undefined || args[p.name] === ''))
      problems.push(`${method}: missing required argument ${p.name}`);
  }
  return problems;
}

const L = {
  message: 50,
  view: 100,
  header: 150,
  section: 3000,
  field: 2000,
  fields: 10,
  context: 10,
  actions: 25,
  buttonText: 75,
  buttonValue: 2000,
  id: 255,
  optionText: 75,
  optionValue: 150,
  options: 100,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  viewTitle: 24,
  privateMetadata: 3000,
  url: 3000,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function textProblems(where: string, t: unknown, max: number, plainOnly = false): string[] {
  if (!isObj(t)) return [`${where}: missing text object`];
  const out: string[] = [];
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') out.push(`${where}: bad text type ${String(t.type)}`);
  if (plainOnly && t.type !== 'plain_text') out.push(`${where}: must be plain_text`);
  if (typeof t.text !== 'string' || t.text.length === 0) out.push(`${where}: empty text`);
  else if (t.text.length > max) out.push(`${where}: text ${t.text.length} > ${max}`);
  return out;
}

function optionProblems(where: string, opts: unknown, max: number): string[] {
  if (!Array.isArray(opts)) return [];
  const out: string[] = [];
  if (opts.length > max) out.push(`${where}: ${opts.length} options > ${max}`);
  if (opts.length === 0) out.push(`${where}: no options`);
  opts.forEach((o, i) => {
    if (!isObj(o)) return void out.push(`${where}.options[${i}]: not an object`);
    out.push(...textProblems(`${where}.options[${i}]`, o.text, L.optionText));
    if (typeof o.value !== 'string' || o.value.length > L.optionValue) out.push(`${where}.options[${i}]: value missing or > ${L.optionValue}`);
  });
  return out;
}

function elementProblems(where: string, e: unknown): string[] {
  if (!isObj(e)) return [`${where}: element is not an object`];
  const out: string[] = [];
  if (typeof e.action_id === 'string' && e.action_id.length > L.id) out.push(`${where}: action_id > ${L.id}`);
  if (isObj(e.placeholder)) out.push(...textProblems(`${where}.placeholder`, e.placeholder, L.placeholder, true));
  switch (e.type) {
    case 'button':
      out.push(...textProblems(`${where}.text`, e.text, L.buttonText, true));
      if (typeof e.value === 'string' && e.value.length > L.buttonValue) out.push(`${where}: value > ${L.buttonValue}`);
      if (typeof e.url === 'string' && e.url.length > L.url) out.push(`${where}: url > ${L.url}`);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') out.push(`${where}: bad style`);
      out.push(...releaseValueProblems(where, e.action_id, e.value));
      break;
    case 'static_select':
    case 'multi_static_select':
      out.push(...optionProblems(where, e.options, L.options));
      break;
    case 'checkboxes':
    case 'radio_buttons':
      out.push(...optionProblems(where, e.options, 10));
      break;
    case 'overflow':
      out.push(...optionProblems(where, e.options, 5));
      break;
    case 'plain_text_input':
      if (typeof e.max_length === 'number' && e.max_length > 3000) out.push(`${where}: max_length > 3000`);
      if (typeof e.initial_value === 'string' && typeof e.max_length === 'number' && e.initial_value.length > e.max_length)
        out.push(`${where}: initial_value longer than max_length`);
      break;
    case 'datetimepicker':
    case 'datepicker':
    case 'timepicker':
    case 'users_select':
    case 'multi_users_select':
    case 'conversations_select':
    case 'channels_select':
    case 'external_select':
    case 'multi_external_select':
    case 'image':
      break;
    default:
      out.push(`${where}: unknown element type ${String(e.type)}`);
  }
  return out;
}

/** Release buttons that carry an argument: the readiness item of Tick, the wave number of a wave step. */
const RELEASE_ARG: Record<string, RegExp | null> = {
  release_phase: null,
  release_go: null,
  release_nogo: null,
  release_details: null,
  release_tick: /^[a-z]+(-[a-z]+)*$/,
  release_wave_start: /^[1-9]\d*$/,
  release_wave_done: /^[1-9]\d*$/,
  release_wave_fail: /^[1-9]\d*$/,
};

/** A release button's value is `REL-<n>` or `REL-<n>:<arg>` (src/domain/actions.ts), with the argument its action needs. */
function releaseValueProblems(where: string, actionId: unknown, value: unknown): string[] {
  if (typeof actionId !== 'string' || !actionId.startsWith('release_')) return [];
  if (!(actionId in RELEASE_ARG)) return [`${where}: unknown release action ${actionId}`];
  const m = typeof value === 'string' ? /^(REL-\d+)(?::(.+))?$/.exec(value) : null;
  if (!m) return [`${where}: release button value ${String(value)} is not REL-<n>[:arg]`];
  const want = RELEASE_ARG[actionId];
  if (!want) return m[2] === undefined ? [] : [`${where}: ${actionId} carries no argument, got ${m[2]}`];
  return m[2] !== undefined && want.test(m[2]) ? [] : [`${where}: ${actionId} needs an argument like ${want}, got ${String(m[2])}`];
}

/** Problems with one list of blocks (a message: max 50; a view: max 100). */
export function blockProblems(blocks: unknown, max: number, where = 'blocks'): string[] {
  if (!Array.isArray(blocks)) return [`${where}: not an array`];
  const out: string[] = [];
  if (blocks.length > max) out.push(`${where}: ${blocks.length} blocks > ${max}`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const w = `${where}[${i}]`;
    if (!isObj(b)) return void out.push(`${w}: not an object`);
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > L.id) out.push(`${w}: block_id > ${L.id}`);
      if (ids.has(b.block_id)) out.push(`${w}: duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        out.push(...textProblems(`${w}.text`, b.text, L.header, true));
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) out.push(`${w}: section without text or fields`);
        if (b.text !== undefined) out.push(...textProblems(`${w}.text`, b.text, L.section));
        if (Array.isArray(b.fields)) {
          if (b.fields.length > L.fields) out.push(`${w}: ${b.fields.length} fields > ${L.fields}`);
          b.fields.forEach((f, j) => out.push(...textProblems(`${w}.fields[${j}]`, f, L.field)));
        }
        if (b.accessory !== undefined) out.push(...elementProblems(`${w}.accessory`, b.accessory));
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0) out.push(`${w}: context without elements`);
        else {
          if (b.elements.length > L.context) out.push(`${w}: ${b.elements.length} elements > ${L.context}`);
          b.elements.forEach((e, j) => {
            if (isObj(e) && e.type !== 'image') out.push(...textProblems(`${w}.elements[${j}]`, e, L.section));
          });
        }
        break;
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) out.push(`${w}: actions without elements`);
        else {
          if (b.elements.length > L.actions) out.push(`${w}: ${b.elements.length} elements > ${L.actions}`);
          const actionIds = new Set<string>();
          b.elements.forEach((e, j) => {
            out.push(...elementProblems(`${w}.elements[${j}]`, e));
            const aid = isObj(e) ? e.action_id : undefined;
            if (typeof aid === 'string') {
              if (actionIds.has(aid)) out.push(`${w}: duplicate action_id ${aid}`);
              actionIds.add(aid);
            }
          });
        }
        break;
      }
      case 'input':
        out.push(...textProblems(`${w}.label`, b.label, L.label, true));
        if (b.hint !== undefined) out.push(...textProblems(`${w}.hint`, b.hint, L.hint, true));
        out.push(...elementProblems(`${w}.element`, b.element));
        break;
      case 'divider':
        break;
      default:
        out.push(`${w}: unknown block type ${String(b.type)}`);
    }
  });
  return out;
}

/** Problems with a modal or Home tab view. */
export function viewProblems(view: unknown, where = 'view'): string[] {
  if (!isObj(view)) return [`${where}: not an object`];
  const out: string[] = [];
  if (view.type !== 'modal' && view.type !== 'home') out.push(`${where}: bad type ${String(view.type)}`);
  if (view.type === 'modal') {
    out.push(...textProblems(`${where}.title`, view.title, L.viewTitle, true));
    if (view.submit !== undefined) out.push(...textProblems(`${where}.submit`, view.submit, L.viewTitle, true));
    if (view.close !== undefined) out.push(...textProblems(`${where}.close`, view.close, L.viewTitle, true));
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) out.push(`${where}: inputs without a submit button`);
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > L.privateMetadata)
    out.push(`${where}: private_metadata > ${L.privateMetadata}`);
  if (typeof view.callback_id === 'string' && view.callback_id.length > L.id) out.push(`${where}: callback_id > ${L.id}`);
  out.push(...blockProblems(view.blocks, L.view, `${where}.blocks`));
  return out;
}

/** Problems with one recorded Web API call: spec, blocks, view. */
export function recordedCallProblems(c: RecordedCall): string[] {
  const out = callProblems(c.method, c.raw);
  if (c.args.blocks !== undefined) out.push(...blockProblems(c.args.blocks, L.message, `${c.method}.blocks`));
  if (c.args.view !== undefined) out.push(...viewProblems(c.args.view, `${c.method}.view`));
  if (typeof c.args.text === 'string' && c.args.text.length > 40_000) out.push(`${c.method}: text > 40000`);
  if (c.method.startsWith('chat.post') && c.args.text === undefined) out.push(`${c.method}: no fallback text`);
  if (c.args.metadata !== undefined) out.push(...metadataProblems(c.method, c.args.metadata));
  return out;
}

/** Message metadata: `{ event_type: 'word_like_this', event_payload: { ... } }`. */
function metadataProblems(method: string, m: unknown): string[] {
  if (!isObj(m)) return [`${method}: metadata is not an object`];
  const out: string[] = [];
  if (typeof m.event_type !== 'string' || !/^\w+$/.test(m.event_type)) out.push(`${method}: metadata.event_type missing or not alphanumeric`);
  if (!isObj(m.event_payload)) out.push(`${method}: metadata.event_payload is not an object`);
  return out;
}

/** Every problem in everything the bot sent to this fake: Web API calls and response_url posts. */
export function slackProblems(fake: FakeSlack): string[] {
  const out = fake.calls.flatMap(recordedCallProblems);
  for (const r of fake.responses) {
    if (r.body.blocks !== undefined) out.push(...blockProblems(r.body.blocks, L.message, `response_url(${r.name}).blocks`));
  }
  return out;
}

/** Problems with an HTTP acknowledgement body (e.g. `response_action: errors`, `update`). */
export function ackProblems(body: unknown): string[] {
  if (!isObj(body)) return [];
  const out: string[] = [];
  if (body.response_action === 'errors') {
    if (!isObj(body.errors) || Object.keys(body.errors).length === 0) out.push('ack: errors without any field');
    else
      for (const [k, v] of Object.entries(body.errors))
        if (typeof v !== 'string' || v.length === 0 || v.length > 2000) out.push(`ack: error for ${k} missing or too long`);
  }
  if (body.response_action === 'update' || body.response_action === 'push') out.push(...viewProblems(body.view, 'ack.view'));
  if (body.blocks !== undefined) out.push(...blockProblems(body.blocks, L.message, 'ack.blocks'));
  return out;
}
