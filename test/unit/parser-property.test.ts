import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAudience, parseCommand, parseDate, parseDuration, resolvePerson } from '../../src/commands/parser.js';
import type { ParseContext } from '../../src/commands/types.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { cli, ny, slack, teams } from './parser-helpers.js';

const contexts: ParseContext[] = [slack, teams, cli, ny];

/** Returns normally, or throws a ChangebotError that is not the internal "bug" fallback. */
function onlyChangebotErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChangebotError);
    expect((e as ChangebotError).details.internal).toBeUndefined();
  }
}

function checkCommand(text: string, ctx: ParseContext): void {
  onlyChangebotErrors(() => {
    const cmd = parseCommand(text, ctx);
    expect(typeof cmd.kind).toBe('string');
  });
}

const words = fc.constantFrom(
  'rfc',
  '/rfc',
  'help',
  'new',
  'show',
  'list',
  'edit',
  'submit',
  'vote',
  'schedule',
  'reschedule',
  'start',
  'done',
  'fail',
  'backout',
  'review',
  'close',
  'cancel',
  'withdraw',
  'log',
  'conflicts',
  'calendar',
  'slot',
  'admin',
  'grant',
  'revoke',
  'roles',
  'service',
  'window',
  'blackout',
  'cab-channel',
  'add',
  'remove',
  'list',
  'approve',
  'reject',
  'abstain',
  'mine',
  'pending',
  'ack',
  '__proto__',
  'constructor',
  'toString',
  'RFC-12',
  'rfc-1',
  '#3',
  '12',
  'RFC-0',
  'cab',
  'cm',
  'admin',
);
const keys = fc.constantFrom(
  'title=',
  'desc=',
  'category=',
  'emergency=',
  'services=',
  'impact=',
  'urgency=',
  'owner=',
  'start=',
  'end=',
  'duration=',
  'outage=',
  'audience=',
  'reason=',
  'notes=',
  'ack=',
  'days=',
  'service=',
  'rrule=',
  'depends=',
  'titel=',
);
const values = fc.constantFrom(
  'minor',
  'high',
  'yes',
  'none',
  '2h',
  '1h30m',
  '0',
  'tomorrow',
  '22:00',
  '2026-12-05',
  '2026-03-29 01:30',
  'sat',
  '+2h',
  'in',
  'now',
  'T',
  'Z',
  '2026-12-05T22:00:00Z',
  'FREQ=WEEKLY;BYDAY=SA',
  '<@U1|jo smith>',
  '<#C1|ops>',
  '<!subteam^S1|@dbas>',
  '@bob',
  'teams:x',
  'cli:bob',
  'db,web',
  '&lt;',
  '&amp;',
);
const punctuation = fc.constantFrom(
  '"',
  "'",
  '\u201c',
  '\u201d',
  '\u2018',
  '\u2019',
  '\u201e',
  '\\',
  '=',
  ',',
  '<',
  '>',
  '|',
  '#',
  '@',
  ':',
  ';',
  ' ',
  '  ',
  '\t',
  '\n',
  '\u00a0',
  '\u200b',
  '\u{1f680}',
  '\ud800',
  'é',
  'İ',
  'ß',
);
const commandish = fc
  .array(fc.oneof(words, keys, values, punctuation, fc.string({ maxLength: 6, unit: 'grapheme' })), { maxLength: 25 })
  .chain((parts) => fc.constantFrom(parts.join(''), parts.join(' ')));

describe('parseCommand never throws anything but a ChangebotError', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...contexts), (text, ctx) => checkCommand(text, ctx)),
      { numRuns: 500 },
    );
  });

  it('on arbitrary unicode (including lone surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...contexts), (text, ctx) => checkCommand(text, ctx)),
      { numRuns: 500 },
    );
  });

  it('on strings mixing command words, keys, quotes, = and spaces', () => {
    fc.assert(
      fc.property(commandish, fc.constantFrom(...contexts), (text, ctx) => checkCommand(text, ctx)),
      { numRuns: 2000 },
    );
  });

  it('the value parsers behave the same way', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), commandish), fc.constantFrom(...contexts), (text, ctx) => {
        onlyChangebotErrors(() => expect(parseDate(text, ctx, 'start')).toBeInstanceOf(Date));
        onlyChangebotErrors(() => expect(parseDuration(text, 'duration')).toBeGreaterThan(0));
        onlyChangebotErrors(() => expect(typeof resolvePerson(text, ctx)).toBe('string'));
        onlyChangebotErrors(() => expect(Array.isArray(parseAudience(text, ctx))).toBe(true));
      }),
      { numRuns: 500 },
    );
  });
});

describe('long inputs stay fast', () => {
  const n = 19_000;
  it.each([
    ['quotes', '"'.repeat(n)],
    ['open angles', '<'.repeat(n)],
    ['angle pairs', '<a '.repeat(n / 3)],
    ['equals', `new ${'a='.repeat(n / 2)}`],
    ['non-keys before =', `new ${'.='.repeat(n / 2)}`],
    ['long title', `new ${'word '.repeat(n / 5)}`],
    ['long quoted', `new "${'x'.repeat(n)}"`],
    ['unterminated', `new title="${'\\"'.repeat(n / 2)}`],
    ['escapes', `new "${'\\\\'.repeat(n / 2)}"`],
    ['long verb', 'x'.repeat(n)],
    ['long date', `schedule 1 start=${'9'.repeat(n)}`],
    ['long list', `admin service add db audience=${'#a,'.repeat(n / 3)}`],
    ['long reason', `cancel 1 ${'because '.repeat(n / 8)}`],
  ])('%s', (_name, text) => {
    const t0 = performance.now();
    checkCommand(text, slack);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
