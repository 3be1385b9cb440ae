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

/** Throws with the schema errors when the card is not a valid Adaptive Card 1.5. */
export function assertValidCard(card: unknown): void {
  const errors = cardErrors(card);
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
