/**
 * Issue 11: 100,000 generated command strings through the command parser (`parseCommand`, not
 * the whole app) give a Command or a typed refusal (ChangebotError, not the internal "bug"
 * fallback) — never a TypeError, RangeError or a hang. The strings mix the verbs of /rfc,
 * /release and admin, their keys, every kind of quote, Slack entities and `<…>` sequences,
 * bidi and invisible characters, and empty and huge values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parser.js';
import { ADMIN_GROUPS, FIRST_WORDS, RELEASE_FIRST_WORDS, WAVE_ACTIONS } from '../../src/commands/registry.js';
import type { ParseContext } from '../../src/commands/types.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { cli, ny, slack, teams } from './parser-helpers.js';

const RUNS = 100_000;

const heads = fc.constantFrom(
  ...FIRST_WORDS,
  ...FIRST_WORDS.map((w) => `/rfc ${w}`),
  ...RELEASE_FIRST_WORDS.map((w) => `release ${w}`),
  ...RELEASE_FIRST_WORDS.map((w) => `/release ${w}`),
  ...WAVE_ACTIONS.map((w) => `release wave ${w}`),
  ...ADMIN_GROUPS.map((g) => `admin ${g}`),
  ...ADMIN_GROUPS.flatMap((g) => ['add', 'remove', 'list', 'show', 'set'].map((a) => `admin ${g} ${a}`)),
  '',
  'rfc',
  'release',
  'admin',
);
const keys = fc.constantFrom(
  ...['title', 'description', 'desc', 'justification', 'category', 'emergency', 'services', 'service', 'impact', 'likelihood', 'urgency'],
  ...['plan', 'backout', 'test', 'cost', 'resources', 'owner', 'start', 'end', 'duration', 'outage', 'audience', 'problem'],
  ...['reason', 'why', 'notes', 'note', 'comment', 'override', 'ack', 'days', 'rrule', 'depends', 'name', 'goal', 'manager'],
  ...['target', 'channel', 'testing', 'communications', 'training', 'order', 'artifact', 'version', 'sha256', 'link', 'install'],
  ...['removal', 'remove', 'result', 'na', 'to', 'pilot', 'outcome', 'workarounds', 'lessons', 'followup', 'rfc', 'wave'],
  ...['__proto__', 'constructor', 'TITLE', 'Reason', 'titel', 'x-y_z'],
);
const words = fc.constantFrom(
  ...['RFC-1', 'rfc-12', '#3', '7', 'RFC-0', 'REL-1', 'rel3', '3', 'all', 'pass', 'fail', 'yes', 'no', 'minor', 'major', 'high'],
  ...['approve', 'reject', 'abstain', 'cab', 'cm', 'admin', 'db', 'db,web', 'db, ', 'now', 'tomorrow 22:00', '+2h', 'in 2h', '2h'],
  ...['2031-12-06 22:00', '9999-12-31 23:59', '1970-01-01', 'FREQ=DAILY;BYHOUR=2', 'planning', 'building', 'security', 'ops'],
  ...['<@U1>', '<@U1|Jo Smith>', '<#C1|ops>', '<!channel>', '<!here>', '<!subteam^S1|@dbas>', '<https://evil.example|click me>'],
  ...['&lt;!channel&gt;', '&amp;', '&lt;', '&gt;', '&amp;lt;', '[click](https://evil.example)', '*bold*', '@bob', 'teams:x'],
  ...['cli:bob', 'slack:T1/U1', 'it’s', "don't", '’cause', '0'.repeat(64), 'https://example.com/a b'],
);
const QUOTES = ['"', "'", '“', '”', '„', '‟', '‘', '’', '‚', '‛', '«', '»', '‹', '›', '\\"', '\\', '\\\\'];
const quote = fc.constantFrom(...QUOTES);
const INVISIBLE = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
const odd = fc.constantFrom(
  ...INVISIBLE,
  ...['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u0000', '\u0007', '\u001b', '\u0085', '\u009b', '\u2028'],
  ...['\t', '\n', '\r\n', '\u00a0', '\u3000', '\ud800', '\udc00', '\u{1f680}', '👩\u200d💻', '\u{e0041}', 'İ', 'ß', 'é', 'ﬁ'],
  ...['=', '==', ',', '<', '>', '<>', '< >', '|', ';', ':', '#', '@', '!', '^', '&', '&#', '%', '$', '{', '}'],
);
/** Empty, short and huge runs (one over the 20,000-character limit, and just under it). */
const sized = fc.oneof(
  { weight: 20, arbitrary: fc.constant('') },
  { weight: 20, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(19_900), 'y '.repeat(9_900), '"'.repeat(5_000), '<'.repeat(6_000), '=a'.repeat(4_000)) },
  { weight: 1, arbitrary: fc.constant('z'.repeat(20_001)) },
);
const value = fc.oneof(
  { weight: 6, arbitrary: words },
  { weight: 3, arbitrary: fc.tuple(quote, fc.oneof(words, sized), quote).map(([a, v, b]) => `${a}${v}${b}`) },
  {
    weight: 3,
    arbitrary: fc.tuple(quote, fc.array(fc.oneof(words, odd), { maxLength: 4 }), fc.option(quote)).map(([a, v, b]) => `${a}${v.join(' ')}${b ?? ''}`),
  },
  { weight: 2, arbitrary: fc.array(fc.oneof(words, odd, quote), { minLength: 1, maxLength: 4 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: sized },
);
const part = fc.oneof(
  { weight: 4, arbitrary: value },
  { weight: 4, arbitrary: fc.tuple(keys, value).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: odd },
  { weight: 1, arbitrary: quote },
);
const separator = fc.constantFrom(' ', ' ', ' ', '', '  ', '\u00a0', '\n', '\t', '\u202e', '\u200b');
const command = fc
  .tuple(heads, fc.array(fc.tuple(separator, part), { maxLength: 8 }))
  .map(([head, rest]) => `${head}${rest.map(([s, p]) => `${s || ' '}${p}`).join('')}`);

const contexts: ParseContext[] = [slack, teams, cli, ny];

describe('the parser under 100,000 generated commands', () => {
  it('answers each with a Command or a typed refusal, quickly', () => {
    let commands = 0;
    let refused = 0;
    let slowest = 0;
    const samples = fc.sample(fc.tuple(command, fc.constantFrom(...contexts)), { numRuns: RUNS, seed: 11 });
    for (const [text, ctx] of samples) {
      const t0 = performance.now();
      try {
        const cmd = parseCommand(text, ctx);
        expect(typeof cmd.kind).toBe('string');
        commands++;
      } catch (e) {
        if (!(e instanceof ChangebotError) || e.details.internal !== undefined) {
          throw new Error(`not a typed refusal for ${JSON.stringify(text.slice(0, 300))}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
        expect(e.message.length).toBeGreaterThan(0);
        refused++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(commands + refused).toBe(RUNS);
    // Both outcomes occur, so the generator reaches past the first word.
    expect(commands).toBeGreaterThan(RUNS / 50);
    expect(refused).toBeGreaterThan(RUNS / 50);
    // A hang detector, not a benchmark: one command is linear in its length (at most 20,000).
    expect(slowest).toBeLessThan(500);
  }, 60_000);
});
