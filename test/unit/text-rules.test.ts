import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parser.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { ChangebotError } from '../../src/domain/errors.js';
import { TEXT_CAPS, charCount, checkName, checkText, cleanText } from '../../src/domain/text-rules.js';
import { expectError, slack } from './parser-helpers.js';

const values = (s: string) => tokenize(s).map((t) => t.value);
const titleOf = (text: string) => {
  const cmd = parseCommand(text, slack);
  return cmd.kind === 'new' ? cmd.fields.title : undefined;
};

describe('the tokenizer reads every kind of quote', () => {
  it.each([
    ['straight double', '"Patch db03"'],
    ['English double', '“Patch db03”'],
    ['German double', '„Patch db03“'],
    ['low double closed by a right quote', '„Patch db03”'],
    ['Swedish double', '”Patch db03”'],
    ['reversed double', '‟Patch db03”'],
    ['straight open, curly close (autocorrect halfway)', '"Patch db03”'],
    ['curly open, straight close', '“Patch db03"'],
    ['guillemets', '«Patch db03»'],
    ['Danish guillemets', '»Patch db03«'],
    ['Swedish guillemets', '»Patch db03»'],
    ['single guillemets', '‹Patch db03›'],
    ['Danish single guillemets', '›Patch db03‹'],
    ['straight single', "'Patch db03'"],
    ['English single', '‘Patch db03’'],
    ['German single', '‚Patch db03‘'],
    ['reversed single', '‛Patch db03’'],
  ])('%s: new %s stores Patch db03', (_name, quoted) => {
    expect(titleOf(`new ${quoted}`)).toBe('Patch db03');
    expect(titleOf(`new title=${quoted} category=minor`)).toBe('Patch db03');
  });

  it('apostrophes inside words survive, in and out of quotes', () => {
    expect(values('vote 1 approve it’s fine')).toEqual(['vote', '1', 'approve', 'it’s', 'fine']);
    expect(values('reason=‘it’s fine’')).toEqual(['it’s fine']);
    expect(values("reason='don't'")).toEqual(["don't"]);
    expect(values('note=«l’été»')).toEqual(['l’été']);
    // nothing could close a leading apostrophe: it is a literal one
    expect(values('reject ’cause it breaks')).toEqual(['reject', '’cause', 'it', 'breaks']);
  });

  it('a guillemet closes only on its partner, and quotes inside a word are literal', () => {
    expect(values('«a "b" c»')).toEqual(['a "b" c']);
    expect(values('“a « b”')).toEqual(['a « b']);
    expect(values('a«b c»')).toEqual(['a«b', 'c»']);
    expect(values('«a \\» b»')).toEqual(['a » b']);
  });

  it('an unterminated quote names the closing quote to add', () => {
    expectError(() => parseCommand('new «Patch db03', slack), 'bad_command', { message: 'add the closing »' });
    expectError(() => parseCommand('new „Patch db03', slack), 'bad_command', { message: 'add the closing “' });
    expectError(() => parseCommand('edit 1 plan=“run it', slack), 'bad_command', { message: 'add the closing ”' });
    expectError(() => parseCommand('new ‹Patch db03', slack), 'bad_command', { message: 'add the closing ›' });
  });
});

describe('cleanText', () => {
  const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
  const marks = ['\u200e', '\u200f', '\u061c'];
  const invisible = ['\u200b', '\u2060', '\ufeff', '\u00ad', '\u180e', '\u034f', '\u2061', '\u2064', '\u115f', '\u3164', '\uffa0', '\ufff9'];
  const controls = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0080', '\u009b', '\u009f'];

  it.each(bidi.map((c) => [c.codePointAt(0)!.toString(16), c]))('removes bidi control U+%s from lines and free text', (_hex, c) => {
    expect(cleanText(`Patch ${c}db03`, 'line')).toBe('Patch db03');
    expect(cleanText(`Patch ${c}db03\nthen ${c}reboot`, 'text')).toBe('Patch db03\nthen reboot');
  });

  it.each(marks.map((c) => [c.codePointAt(0)!.toString(16), c]))('removes bidi mark U+%s from lines, keeps it in free text', (_hex, c) => {
    expect(cleanText(`שלום${c} db03`, 'line')).toBe('שלום db03');
    expect(cleanText(`שלום${c} db03`, 'text')).toBe(`שלום${c} db03`);
  });

  it.each(invisible.map((c) => [c.codePointAt(0)!.toString(16), c]))('removes invisible U+%s everywhere', (_hex, c) => {
    expect(cleanText(`ad${c}min`, 'line')).toBe('admin');
    expect(cleanText(`ad${c}min`, 'text')).toBe('admin');
  });

  it.each(controls.map((c) => [c.codePointAt(0)!.toString(16), c]))('removes control U+%s everywhere', (_hex, c) => {
    expect(cleanText(`a${c}b`, 'line')).toBe('ab');
    expect(cleanText(`a${c}b`, 'text')).toBe('ab');
  });

  it('a line is one line: breaks, tabs and wide spaces become one space', () => {
    expect(cleanText('  Patch\tdb03\r\nto\u2028 15.4\u00a0\u3000now ', 'line')).toBe('Patch db03 to 15.4 now');
  });

  it('free text keeps newlines and tabs, and makes every break a newline', () => {
    expect(cleanText('step 1\r\nstep 2\rstep 3\u2028step 4\u2029\tdone\n', 'text')).toBe('step 1\nstep 2\nstep 3\nstep 4\n\tdone');
  });

  it('keeps ZWJ and ZWNJ where they join emoji or letters of a joining script, drops them elsewhere', () => {
    const coder = '👩\u200d💻';
    const family = '👨\u200d👩\u200d👧';
    const rainbow = '🏳\ufe0f\u200d🌈';
    const skin = '👩🏽\u200d💻';
    const persian = 'می\u200cخواهم'; // ZWNJ in Persian
    const hindi = 'क्\u200dष'; // ZWJ after a virama
    for (const kind of ['line', 'text'] as const) {
      for (const s of [coder, family, rainbow, skin, persian, hindi]) expect(cleanText(`x ${s} y`, kind)).toBe(`x ${s} y`);
      expect(cleanText('ad\u200dmin', kind)).toBe('admin');
      expect(cleanText('ad\u200cmin', kind)).toBe('admin');
      expect(cleanText('\u200dPatch \u200d db03\u200d', kind)).toBe(kind === 'line' ? 'Patch db03' : 'Patch  db03');
      expect(cleanText('👩\u200d\u200d\u200d💻', kind)).toBe('👩\u200d💻'); // a doubled joiner joins once
    }
  });

  it('drops tag characters except in an emoji flag sequence, and lone surrogates', () => {
    const england = '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}';
    expect(cleanText(`go ${england}`, 'line')).toBe(`go ${england}`);
    expect(cleanText('ok\u{e0069}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}', 'text')).toBe('ok');
    expect(cleanText('a\ud800b\udc00c', 'line')).toBe('abc');
  });

  it('leaves ordinary text alone', () => {
    const s = 'Patch db01 → 15.4: “fix” R&D <db> *bold* naïve İstanbul 日本語 עברית العربية 🚀';
    expect(cleanText(s, 'line')).toBe(s);
    expect(cleanText(s, 'text')).toBe(s);
  });
});

describe('caps', () => {
  it('refuses one over the cap with the field, its length and the cap; takes the cap itself', () => {
    const err = expectError(() => checkText('comment', 'x'.repeat(15_000)), 'bad_value', { field: 'comment' });
    expect(err.message).toBe('comment is 15000 characters long; keep it to 2000 or fewer.');
    expect(checkText('comment', 'x'.repeat(2000))).toHaveLength(2000);
    expectError(() => checkText('comment', 'x'.repeat(2001)), 'bad_value', { message: 'comment is 2001 characters long' });
  });

  it('titles are shorter than free text', () => {
    expect(TEXT_CAPS.title).toEqual({ kind: 'line', max: 200 });
    expectError(() => checkText('title', 'x'.repeat(201)), 'bad_value', { message: 'title is 201 characters long; keep it to 200 or fewer.' });
    expect(checkText('description', 'x'.repeat(10_000))).toHaveLength(10_000);
    expectError(() => checkText('description', 'x'.repeat(10_001)), 'bad_value', { field: 'description' });
  });

  it('counts characters as people do, after cleaning, and names the field as typed', () => {
    expect(checkText('title', `${'🚀'.repeat(200)}`)).toHaveLength(400); // 200 emoji are 200 characters
    expect(checkText('title', `${'\u200b'.repeat(300)}Patch`)).toBe('Patch');
    expect(charCount('👩🏽')).toBe(2);
    expectError(() => checkText('artifact', 'a'.repeat(300), 'remove'), 'bad_value', { field: 'remove', message: 'remove is 300' });
  });

  it('refuses megabytes before cleaning them', () => {
    const t0 = performance.now();
    expectError(() => checkText('reason', 'x'.repeat(5_000_000)), 'bad_value', { message: 'reason is 5000000 characters long' });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('every cap is a positive whole number and every kind known', () => {
    for (const [field, rule] of Object.entries(TEXT_CAPS)) {
      expect(Number.isInteger(rule.max) && rule.max > 0, field).toBe(true);
      expect(['line', 'text']).toContain(rule.kind);
    }
  });
});

describe('the name rule', () => {
  it.each(['db', 'db-primary', 'db_02', 'api.v2', '7zip', 'A', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(checkName('service', name, 'db-primary')).toBe(name);
  });

  it('takes away invisible characters and surrounding spaces first', () => {
    expect(checkName('service', ' \u200bdb\u202e ', 'db-primary')).toBe('db');
  });

  it.each([
    ['', 'Give the service a name.'],
    ['db primary', '"db primary" can\'t be a service name.'],
    ['db,web', '"db,web" can\'t be a service name.'],
    ['-db', '"-db" can\'t be a service name.'],
    ['.hidden', '".hidden" can\'t be a service name.'],
    ['dbé', '"dbé" can\'t be a service name.'],
    ['dЬ', '"dЬ" can\'t be a service name.'], // a Cyrillic look-alike
    ['<!channel>', '"<!channel>" can\'t be a service name.'],
    ['x'.repeat(65), 'A service name is at most 64 characters'],
  ])('refuses %j with the rule and an example', (name, start) => {
    let caught: unknown;
    try {
      checkName('service', name, 'db-primary');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ChangebotError);
    const err = caught as ChangebotError;
    expect(err.code).toBe('bad_value');
    expect(err.message.startsWith(start)).toBe(true);
    expect(err.message).toContain('A service name is 1–64 letters, digits, "-", "_" or "." and starts with a letter or digit, e.g. db-primary.');
    expect(err.details).toMatchObject({ field: 'name', example: 'db-primary' });
  });
});
