import { describe, expect, it } from 'vitest';
import type { ChangebotError } from '../../src/domain/errors.js';
import { parseAudience, parseCommand, parseDate, parseDuration, resolvePerson } from '../../src/commands/parser.js';
import { NOW, at, cli, expectError, ny, slack, teams } from './parser-helpers.js';

const iso = (d: Date) => d.toISOString();
const london = cli; // Europe/London, now Thu 2026-12-03 12:00 (GMT)

describe('parseDate in Europe/London (now Thu 2026-12-03 12:00 GMT)', () => {
  const cases: [string, string][] = [
    ['2026-12-05T22:00:00Z', '2026-12-05T22:00:00.000Z'],
    ['2026-12-05T22:00:00+01:00', '2026-12-05T21:00:00.000Z'],
    ['2026-12-05T22:00:00.5-05:00', '2026-12-06T03:00:00.500Z'],
    ['2026-12-05 22:00', '2026-12-05T22:00:00.000Z'],
    ['2026-12-05T22:00', '2026-12-05T22:00:00.000Z'],
    ['2026-12-05 10pm', '2026-12-05T22:00:00.000Z'],
    ['2026-07-01 22:00', '2026-07-01T21:00:00.000Z'], // BST
    ['2026-12-05', '2026-12-05T00:00:00.000Z'],
    ['today 22:00', '2026-12-03T22:00:00.000Z'],
    ['today', '2026-12-03T09:00:00.000Z'],
    ['tomorrow 22:00', '2026-12-04T22:00:00.000Z'],
    ['Tomorrow at 7:30 am', '2026-12-04T07:30:00.000Z'],
    ['tomorrow', '2026-12-04T09:00:00.000Z'],
    ['sat 22:00', '2026-12-05T22:00:00.000Z'],
    ['saturday 22:00', '2026-12-05T22:00:00.000Z'],
    ['saturday', '2026-12-05T09:00:00.000Z'],
    ['thu 13:00', '2026-12-03T13:00:00.000Z'], // today, still ahead
    ['thu 11:00', '2026-12-10T11:00:00.000Z'], // today's has passed: next week
    ['thursday 12:00', '2026-12-10T12:00:00.000Z'], // exactly now is not ahead
    ['mon 08:00', '2026-12-07T08:00:00.000Z'],
    ['now', '2026-12-03T12:00:00.000Z'],
    ['+2h', '2026-12-03T14:00:00.000Z'],
    ['in 90m', '2026-12-03T13:30:00.000Z'],
    ['in 1h30m', '2026-12-03T13:30:00.000Z'],
  ];
  it.each(cases)('%s -> %s', (text, expected) => {
    expect(iso(parseDate(text, london, 'start'))).toBe(expected);
  });

  it('never reads the system clock', () => {
    expect(parseDate('now', london, 'start')).toEqual(NOW);
    expect(parseDate('now', london, 'start')).not.toBe(NOW); // a copy
  });
});

describe('parseDate in America/New_York (now Thu 2026-12-03 07:00 EST)', () => {
  it.each([
    ['tomorrow 22:00', '2026-12-05T03:00:00.000Z'],
    ['2026-12-05 22:00', '2026-12-06T03:00:00.000Z'],
    ['2026-12-05', '2026-12-05T05:00:00.000Z'],
    ['today 06:00', '2026-12-03T11:00:00.000Z'],
    ['thu 06:00', '2026-12-10T11:00:00.000Z'],
    ['sat 10pm', '2026-12-06T03:00:00.000Z'],
    ['2026-12-05T22:00:00Z', '2026-12-05T22:00:00.000Z'],
  ])('%s -> %s', (text, expected) => {
    expect(iso(parseDate(text, ny, 'start'))).toBe(expected);
  });

  it('through parseCommand, with an unquoted two-word date', () => {
    expect(parseCommand('schedule 1 start=tomorrow 22:00 end=sat 02:00', ny)).toEqual({
      kind: 'schedule',
      key: 'RFC-1',
      start: new Date('2026-12-05T03:00:00Z'),
      end: new Date('2026-12-05T07:00:00Z'),
    });
    expect(parseCommand('schedule 1 start=in 2h duration=1h', ny)).toEqual({
      kind: 'schedule',
      key: 'RFC-1',
      start: new Date('2026-12-03T14:00:00Z'),
      durationMinutes: 60,
    });
  });
});

describe('parseDate across daylight saving changes', () => {
  it('tomorrow 22:00 across the US fall-back (EDT -> EST)', () => {
    const ctx = at(ny, '2026-10-31T16:00:00Z'); // Sat 12:00 EDT
    expect(iso(parseDate('tomorrow 22:00', ctx, 'start'))).toBe('2026-11-02T03:00:00.000Z');
    expect(iso(parseDate('today 22:00', ctx, 'start'))).toBe('2026-11-01T02:00:00.000Z');
  });

  it('tomorrow 22:00 across the UK spring-forward (GMT -> BST); +24h is elapsed time', () => {
    const ctx = at(london, '2026-03-28T12:00:00Z'); // Sat 12:00 GMT
    expect(iso(parseDate('tomorrow 22:00', ctx, 'start'))).toBe('2026-03-29T21:00:00.000Z');
    expect(iso(parseDate('sun 09:00', ctx, 'start'))).toBe('2026-03-29T08:00:00.000Z');
    expect(iso(parseDate('+24h', ctx, 'start'))).toBe('2026-03-29T12:00:00.000Z');
  });

  it('a time in the spring-forward gap is refused with the shifted time as a hint', () => {
    expectError(() => parseDate('2026-03-29 01:30', london, 'start'), 'bad_value', {
      field: 'start',
      message: "doesn't exist in Europe/London (the clocks go forward). Did you mean 02:30?",
    });
    expectError(() => parseDate('tomorrow 01:30', at(london, '2026-03-28T12:00:00Z'), 'end'), 'bad_value', { field: 'end' });
    expectError(() => parseDate('2026-03-08 02:30', ny, 'start'), 'bad_value', { message: 'Did you mean 03:30?' });
  });

  it('a time that happens twice (fall-back) means the first occurrence', () => {
    expect(iso(parseDate('2026-10-25 01:30', london, 'start'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(parseDate('2026-11-01 01:30', ny, 'start'))).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('parseDate refusals', () => {
  it.each([
    'next blursday',
    '',
    '2026-02-30 10:00',
    '2026-12-05 25:00',
    'tomorrow 7',
    'tomorrow 13pm',
    '+0h',
    'in forever',
    '2026-13-01',
    'x'.repeat(200),
    '2026-12-05T22:00:00+99:00',
  ])('refuses %j', (text) => {
    const e = expectError(() => parseDate(text, london, 'start'), 'bad_value', { field: 'start' });
    expect(e.details.example).toBe('start="2026-12-05 22:00"');
  });

  it('an unknown time zone is a config error', () => {
    expectError(() => parseDate('tomorrow', { ...london, timezone: 'Mars/Olympus' }, 'start'), 'config');
  });
});

describe('parseDuration', () => {
  it.each([
    ['90m', 90],
    ['4h', 240],
    ['1h30m', 90],
    ['2d', 2880],
    ['45', 45],
    ['1.5h', 90],
    ['1 h 30 min', 90],
    ['2 hours', 120],
    ['1:30', 90],
    [' 4H ', 240],
    ['1d2h', 1560],
  ])('%j -> %d minutes', (text, minutes) => {
    expect(parseDuration(text, 'duration')).toBe(minutes);
  });

  it.each(['', 'abc', '0', '0m', '4x', '-1h', 'h', '9999d', '1h 30'])('refuses %j', (text) => {
    const e = expectError(() => parseDuration(text, 'duration'), 'bad_value', { field: 'duration' });
    expect(e.details.example).toBe('duration=2h');
  });
});

describe('resolvePerson', () => {
  it('Slack mentions become slack:<workspace>/<user>', () => {
    expect(resolvePerson('<@U123>', slack)).toBe('slack:T1/U123');
    expect(resolvePerson('<@U123|jo smith>', slack)).toBe('slack:T1/U123');
    expect(resolvePerson(' <@W42> ', slack)).toBe('slack:T1/W42');
  });

  it('qualified ids are kept on any platform', () => {
    for (const ctx of [slack, teams, cli]) {
      expect(resolvePerson('slack:T9/U9', ctx)).toBe('slack:T9/U9');
      expect(resolvePerson('teams:29:abc-def', ctx)).toBe('teams:29:abc-def');
      expect(resolvePerson('cli:bob', ctx)).toBe('cli:bob');
    }
  });

  it('bare names on the CLI', () => {
    expect(resolvePerson('bob', cli)).toBe('cli:bob');
    expect(resolvePerson('@bob.smith', cli)).toBe('cli:bob.smith');
    expectError(() => resolvePerson('bob smith', cli), 'bad_value', { field: 'person' });
  });

  it('Teams needs the adapter-resolved teams: id; Slack needs a real mention', () => {
    expectError(() => resolvePerson('Bob', teams), 'bad_value', { field: 'person', message: '@mention' });
    expectError(() => resolvePerson('@bob', slack), 'bad_value', { field: 'person', message: 'pick the person' });
    expectError(() => resolvePerson('<@U1>', cli), 'bad_value', { message: 'Slack mention' });
    expectError(() => resolvePerson('', slack), 'bad_value', { message: 'Missing person' });
  });

  it('owner= in a command reports the owner field', () => {
    expect(parseCommand('edit 1 owner=<@U5|Jo Smith>', slack)).toEqual({ kind: 'edit', key: 'RFC-1', fields: { owner: 'slack:T1/U5' } });
    expectError(() => parseCommand('edit 1 owner=@jo', slack), 'bad_value', { field: 'owner' });
    expect(parseCommand('edit 1 owner=teams:aad-9', teams)).toEqual({ kind: 'edit', key: 'RFC-1', fields: { owner: 'teams:aad-9' } });
  });
});

describe('parseAudience', () => {
  it('Slack channels, user groups and mentions', () => {
    expect(parseAudience('<#C123|ops>,<!subteam^S123|@dbas>, <@U9|ann>', slack)).toEqual(['slack:channel:C123', 'slack:usergroup:S123', 'slack:T1/U9']);
    expect(parseAudience('<#C1>', slack)).toEqual(['slack:channel:C1']);
  });

  it('#names, CLI @names, other text kept, duplicates and empties dropped', () => {
    expect(parseAudience(' #ops , #ops,, all-staff , teams:conversation:19:x ', slack)).toEqual(['channel:ops', 'all-staff', 'teams:conversation:19:x']);
    expect(parseAudience('@bob,#dev', cli)).toEqual(['cli:bob', 'channel:dev']);
    expect(parseAudience('<#C1|a,b>,x', slack)).toEqual(['slack:channel:C1', 'x']);
    expect(parseAudience('', slack)).toEqual([]);
  });

  it('admin service add audience with spaces after commas', () => {
    const cmd = parseCommand('admin service add db audience=<#C1|ops>, <!subteam^S2|@dbas>', slack);
    expect(cmd).toEqual({
      kind: 'admin',
      command: { kind: 'service-add', name: 'db', audience: ['slack:channel:C1', 'slack:usergroup:S2'] },
    });
  });
});

describe('person errors name the key that was wrong', () => {
  it('shows an owner= example for a bad owner', () => {
    const ctx = { platform: 'slack' as const, workspace: 'T1', timezone: 'UTC', now: new Date('2026-12-01T10:00:00Z') };
    try {
      parseCommand('edit RFC-1 owner=@bob', ctx);
      expect.unreachable();
    } catch (e) {
      expect((e as ChangebotError).details).toMatchObject({ field: 'owner', example: 'owner=@alice' });
    }
  });
});
