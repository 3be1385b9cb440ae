/**
 * Validates Adaptive Cards against the published 1.5 schema (test/fixtures/schemas, JSON Schema
 * draft-06, strict additionalProperties). The schema knows nothing of Teams' own card keys,
 * so those are allow-listed here: `msteams` on the card (width, entities). Everything else,
 * including `refresh.userIds`, is already in the 1.5 schema.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const SCHEMA_PATH = new URL('../fixtures/schemas/adaptive-card-1.5.json', import.meta.url);
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Teams-only keys the Adaptive Card schema does not list. */
const TEAMS_CARD_KEYS = {
  msteams: {
    type: 'object',
    properties: { width: { enum: ['Full'] }, entities: { type: 'array' } },
    additionalProperties: false,
  },
};

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate) return validate;
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as {
    id?: string;
    $id?: string;
    definitions: { AdaptiveCard: { properties: Record<string, unknown> } };
  };
  // Draft-04 style `id` at the root; ajv wants `$id`.
  if (schema.id) {
    schema.$id = schema.id;
    delete schema.id;
  }
  Object.assign(schema.definitions.AdaptiveCard.properties, TEAMS_CARD_KEYS);
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  validate = ajv.compile(schema);
  return validate;
}

export function cardErrors(card: unknown): ErrorObject[] {
  const v = validator();
  return v(card) ? [] : [...(v.errors ?? [])];
}

const RELEASE_CARD_KINDS = ['status', 'details', 'reply', 'notice'];
const WAVE_VERBS = ['release_wave_start', 'release_wave_done', 'release_wave_fail'];
const PLAIN_VERBS = ['release_phase', 'release_go', 'release_nogo', 'release_details'];

/**
 * Release buttons anywhere on a card (action bar or a checklist row): `Action.Execute` data is
 * `{ key: 'REL-<n>', card: <release card kind>, arg? }`, `arg` being the readiness item of
 * `release_tick` and the wave number of a wave step, and absent on the others.
 */
export function releaseActionProblems(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string' && o.verb.startsWith('release_')) {
      const d = (o.data ?? {}) as Record<string, unknown>;
      if (typeof d.key !== 'string' || !/^REL-\d+$/.test(d.key)) out.push(`${where}: ${o.verb} data.key ${String(d.key)}`);
      if (!RELEASE_CARD_KINDS.includes(String(d.card))) out.push(`${where}: ${o.verb} data.card ${String(d.card)}`);
      if (o.verb === 'release_tick' && !(typeof d.arg === 'string' && /^[a-z]+(-[a-z]+)*$/.test(d.arg))) out.push(`${where}: release_tick without its item`);
      else if (WAVE_VERBS.includes(o.verb) && !(typeof d.arg === 'string' && /^[1-9]\d*$/.test(d.arg))) out.push(`${where}: ${o.verb} without its wave`);
      else if (PLAIN_VERBS.includes(o.verb) && d.arg !== undefined) out.push(`${where}: ${o.verb} carries an argument`);
      else if (![...WAVE_VERBS, ...PLAIN_VERBS, 'release_tick'].includes(o.verb)) out.push(`${where}: unknown release verb ${o.verb}`);
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${where}/${k}`);
  };
  walk(card, '');
  return out;
}

/** Throws with the schema errors when the card is not a valid Adaptive Card 1.5. */
export function assertValidCard(card: unknown): void {
  const errors = cardErrors(card);
  const release = releaseActionProblems(card);
  if (release.length) throw new Error(`invalid release buttons:\n${release.join('\n')}`);
  if (errors.length) {
    const lines = errors.slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`invalid Adaptive Card:\n${lines.join('\n')}\n${JSON.stringify(card).slice(0, 2000)}`);
  }
}

/** The Adaptive Cards in an activity's attachments. */
export function cardsOf(activity: Record<string, unknown>): Record<string, unknown>[] {
  const attachments = (activity.attachments ?? []) as { contentType?: string; content?: Record<string, unknown> }[];
  return attachments.filter((a) => a.contentType === CARD_CONTENT_TYPE && a.content).map((a) => a.content as Record<string, unknown>);
}

/** All the text a card shows (TextBlocks, facts, action titles), for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'Fact' || (typeof o.title === 'string' && typeof o.value === 'string' && !o.type)) out.push(`${o.title}: ${o.value}`);
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') out.push(`[${o.title}]`);
    for (const [k, v] of Object.entries(o)) if (k !== 'refresh') walk(v);
  };
  walk(card);
  return out.join('\n');
}

/** The Action.Execute verbs on a card's action bar. */
export function verbsOf(card: Record<string, unknown>): string[] {
  return ((card.actions ?? []) as { verb?: string }[]).map((a) => a.verb ?? '');
}
