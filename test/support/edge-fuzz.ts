/**
 * Generators of malformed but correctly signed Slack requests and malformed Teams activities
 * (fast-check), for the edge fuzz tests. Every generated case is broken on purpose in a way
 * the schema names (a wrong type, a missing field, a foreign response_url, a body that is not
 * a Slack body at all), so each must be refused with a 4xx; valid look-alikes are not produced.
 */
import fc from 'fast-check';
import { buttonClick, eventCallback, interaction, slashCommand, viewSubmission } from './slack-requests.js';

export interface RawRequest {
  body: string | Uint8Array;
  contentType?: string;
  what: string;
}

const who = { team: 'T1', user: 'U1' };

/** Valid bodies to break (response_urls pointed at `slackOrigin`, which the bot trusts). */
export function validBases(slackOrigin: string): Record<string, Record<string, unknown>> {
  const responseUrl = `${slackOrigin}/hooks/fuzz`;
  const view = {
    id: 'V1',
    type: 'modal',
    callback_id: 'rfc_new',
    private_metadata: '{}',
    blocks: [{ type: 'input', block_id: 'title', element: { type: 'plain_text_input', action_id: 'title' } }],
  };
  return {
    block_actions: buttonClick(who, { actionId: 'rfc_vote_approve', value: 'RFC-1', responseUrl }),
    view_submission: viewSubmission(who, view, { title: 'x' }),
    event_callback: JSON.parse(eventCallback('T1', { type: 'app_home_opened', user: 'U1', tab: 'home' })) as Record<string, unknown>,
  };
}

/** Paths each base needs, with the kind of value it needs there. */
type Need = 'string' | 'object' | 'array' | 'nonEmptyArray';
const NEEDS: Record<string, [string[], Need][]> = {
  block_actions: [
    [['type'], 'string'],
    [['user'], 'object'],
    [['user', 'id'], 'string'],
    [['trigger_id'], 'string'],
    [['actions'], 'nonEmptyArray'],
    [['actions', '0'], 'object'],
    [['actions', '0', 'action_id'], 'string'],
    [['actions', '0', 'type'], 'string'],
    [['actions', '0', 'value'], 'string'],
    [['container'], 'object'],
    [['channel', 'id'], 'string'],
    [['message'], 'object'],
    [['response_url'], 'string'],
  ],
  view_submission: [
    [['type'], 'string'],
    [['user'], 'object'],
    [['user', 'id'], 'string'],
    [['view'], 'object'],
    [['view', 'id'], 'string'],
    [['view', 'callback_id'], 'string'],
    [['view', 'private_metadata'], 'string'],
    [['view', 'state'], 'object'],
    [['view', 'state', 'values'], 'object'],
  ],
  event_callback: [
    [['type'], 'string'],
    [['event'], 'object'],
    [['event', 'type'], 'string'],
    [['event', 'user'], 'string'],
    [['event_id'], 'string'],
    [['team_id'], 'string'],
  ],
};

const notString = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.constant({}));
const notObject = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }));
const notNonEmptyArray = fc.oneof(
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant([null]),
  fc.constant([1]),
);
const wrongFor = (need: Need, path: string[]) => {
  if (need === 'object') return notObject;
  if (need === 'array' || need === 'nonEmptyArray') return notNonEmptyArray;
  // `type` and `event.type` are routing keys: another string routes elsewhere (still refused).
  const huge = path.at(-1) === 'value' || path.at(-1) === 'response_url' ? [fc.constant('x'.repeat(3000))] : [];
  return fc.oneof(notString, ...huge);
};

function setPath(obj: Record<string, unknown>, path: string[], value: unknown, remove: boolean): Record<string, unknown> {
  const copy = structuredClone(obj);
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    const next = at[k];
    if (!next || typeof next !== 'object') return copy;
    at = next as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (remove) delete at[last];
  else at[last] = value;
  return copy;
}

/** Paths whose absence is fine (optional fields): only a wrong type breaks them. */
const OPTIONAL = new Set(['actions.0.value', 'container', 'channel.id', 'message', 'response_url']);

function encode(base: string, payload: Record<string, unknown>): RawRequest {
  return base === 'event_callback'
    ? { body: JSON.stringify(payload), contentType: 'application/json', what: `${base} json` }
    : { body: interaction(payload), contentType: 'application/x-www-form-urlencoded', what: `${base} payload` };
}

/** A valid body with one required field removed or given a wrong type. */
function mutated(slackOrigin: string): fc.Arbitrary<RawRequest> {
  const bases = validBases(slackOrigin);
  const cases = Object.entries(NEEDS).flatMap(([base, needs]) => needs.map(([path, need]) => ({ base, path, need })));
  return fc.constantFrom(...cases).chain(({ base, path, need }) => {
    const canRemove = !OPTIONAL.has(path.join('.'));
    const removal = canRemove ? [fc.constant({ remove: true, value: undefined as unknown })] : [];
    return fc.oneof(fc.record({ remove: fc.constant(false), value: wrongFor(need, path) }), ...removal).map(({ remove, value }) => {
      const r = encode(base, setPath(bases[base] as Record<string, unknown>, path, value, remove));
      return { ...r, what: `${r.what}: ${path.join('.')} ${remove ? 'removed' : `= ${JSON.stringify(value)?.slice(0, 40)}`}` };
    });
  });
}

/** Bodies that are not a Slack body at all, or a command with a field broken. */
function junk(slackOrigin: string): fc.Arbitrary<RawRequest> {
  const RESPONSE_URL = `${slackOrigin}/hooks/cmd`;
  return fc.oneof(
    fc.constantFrom('null', '[]', '1', '"x"', 'true', '{}', '[{}]', '{"type":"block_actions"}', '{"actions":{}}', '{"user":null,"actions":[]}').map((p) => ({
      body: `payload=${encodeURIComponent(p)}`,
      contentType: 'application/x-www-form-urlencoded',
      what: `payload=${p}`,
    })),
    fc
      .string({ maxLength: 30 })
      .filter((s) => {
        try {
          const v: unknown = JSON.parse(s);
          return v === null || typeof v !== 'object';
        } catch {
          return true;
        }
      })
      .map((s) => ({ body: `payload=${encodeURIComponent(s)}`, contentType: 'application/x-www-form-urlencoded', what: `payload=<${s}>` })),
    fc.constantFrom('null', '[]', '42', '"s"', '{', '{"type":"event_callback"}', '{"event":null}', '{"event":[]}', '{"ssl_check":"1"}').map((b) => ({
      body: b,
      contentType: 'application/json',
      what: `json ${b}`,
    })),
    fc
      .constantFrom('text/plain', 'multipart/form-data', 'application/xml', '')
      .map((t) => ({ body: 'payload=%7B%7D', contentType: t, what: `content-type ${t || 'none'}` })),
    fc.constant({ body: 'payload=1&payload=2', contentType: 'application/x-www-form-urlencoded', what: 'payload twice' }),
    fc.constant({ body: new Uint8Array([0x70, 0x61, 0x79, 0x3d, 0xff, 0xfe]), contentType: 'application/x-www-form-urlencoded', what: 'not UTF-8' }),
    fc.constant({ body: `payload=${'x'.repeat(1024 * 1024 + 10)}`, contentType: 'application/x-www-form-urlencoded', what: 'over a MiB' }),
    fc.constantFrom('text=again', 'user_id=U2', 'command=%2Frfc').map((extra) => ({
      body: `${slashCommand(who, 'help', { responseUrl: RESPONSE_URL })}&${extra}`,
      contentType: 'application/x-www-form-urlencoded',
      what: `command field twice: ${extra}`,
    })),
    fc.constant({
      body: slashCommand({ team: 'T1', user: '' }, 'help', { responseUrl: RESPONSE_URL }),
      contentType: 'application/x-www-form-urlencoded',
      what: 'command with no user',
    }),
  );
}

/** A foreign response_url (or response_urls entry) on an otherwise valid payload. */
function foreign(slackOrigin: string): fc.Arbitrary<RawRequest> {
  const bases = validBases(slackOrigin);
  return fc
    .constantFrom(
      'http://127.0.0.1:9/',
      'https://evil.example/hooks',
      'https://hooks.slack.com.evil.example/x',
      'http://hooks.slack.com/x',
      'javascript:alert(1)',
    )
    .chain((url) =>
      fc.constantFrom(
        { ...encode('block_actions', { ...bases.block_actions, response_url: url }), what: `block_actions response_url ${url}` },
        { ...encode('view_submission', { ...bases.view_submission, response_urls: [{ response_url: url }] }), what: `view_submission response_urls ${url}` },
        {
          body: slashCommand(who, 'help', { responseUrl: url }),
          contentType: 'application/x-www-form-urlencoded',
          what: `command response_url ${url}`,
        },
      ),
    );
}

export function malformedSlack(slackOrigin: string): fc.Arbitrary<RawRequest> {
  return fc.oneof({ weight: 6, arbitrary: mutated(slackOrigin) }, { weight: 3, arbitrary: junk(slackOrigin) }, { weight: 1, arbitrary: foreign(slackOrigin) });
}

/** Malformed Teams activities built on a valid one. */
export function malformedTeams(valid: Record<string, unknown>): fc.Arbitrary<{ body: string; what: string }> {
  const needs: [string[], Need | 'url'][] = [
    [['type'], 'string'],
    [['id'], 'string'],
    [['serviceUrl'], 'url'],
    [['channelId'], 'string'],
    [['from'], 'object'],
    [['from', 'id'], 'string'],
    [['conversation'], 'object'],
    [['conversation', 'id'], 'string'],
  ];
  const notUrl = fc.oneof(notString, fc.constantFrom('not a url', 'ftp://x/', 'javascript:alert(1)', 'file:///etc/passwd', ''));
  const broken = fc.constantFrom(...needs).chain(([path, need]) =>
    fc
      .oneof(
        fc.record({ remove: fc.constant(true), value: fc.constant(undefined as unknown) }),
        fc.record({ remove: fc.constant(false), value: need === 'url' ? notUrl : wrongFor(need, path) }),
      )
      .map(({ remove, value }) => ({
        body: JSON.stringify(setPath(valid, path, value, remove)),
        what: `${path.join('.')} ${remove ? 'removed' : JSON.stringify(value)}`,
      })),
  );
  const invoke = fc
    .constantFrom<unknown>(
      undefined,
      null,
      1,
      'x',
      [],
      { action: null },
      { action: { type: 'Action.Execute', verb: 1 } },
      { action: { type: 'Action.Execute', verb: 'rfc_details', data: [] } },
    )
    .map((value) => ({
      body: JSON.stringify({ ...valid, type: 'invoke', name: 'adaptiveCard/action', value }),
      what: `invoke value ${JSON.stringify(value)}`,
    }));
  const junkTeams = fc.constantFrom('null', '[]', '1', '"x"', '{', '{}', '{"type":""}').map((b) => ({ body: b, what: `body ${b}` }));
  return fc.oneof({ weight: 6, arbitrary: broken }, { weight: 2, arbitrary: invoke }, { weight: 2, arbitrary: junkTeams });
}

/** Runs `tasks` with at most `width` in flight. */
export async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}
