import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2]) as string);
}

describe('architecture', () => {
  it('src/domain imports no SDK, database, queue or other layer', () => {
    const allowed = /^(\.\/|luxon$|rrule$)/;
    const offenders = files(join(SRC, 'domain')).flatMap((f) => imports(f).filter((i) => !allowed.test(i)).map((i) => `${f}: ${i}`));
    expect(offenders).toEqual([]);
  });

  it('keeps every botbuilder import inside the Teams adapter', () => {
    const offenders = files(SRC)
      .filter((f) => !f.startsWith(join(SRC, 'chat/teams')))
      .flatMap((f) => imports(f).filter((i) => /^botbuilder|^botframework/.test(i)).map((i) => `${f}: ${i}`));
    expect(offenders).toEqual([]);
  });

  it('keeps the Slack SDK inside the Slack adapter', () => {
    const offenders = files(SRC)
      .filter((f) => !f.startsWith(join(SRC, 'chat/slack')) && !f.startsWith(join(SRC, 'bench')))
      .flatMap((f) => imports(f).filter((i) => i.startsWith('@slack/')).map((i) => `${f}: ${i}`));
    expect(offenders).toEqual([]);
  });
});
