/**
 * scripts/start.mjs (`npm start`) decides whether to build: it runs tsc only when a source is
 * newer than dist/main.js, then runs dist/main.js in its own process. Checked on a copy of the
 * script in a small project whose "tsc" only records that it ran and writes dist/main.js.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'changebot-ops-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAKE_TSC = `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(join(dir, 'tsc-runs'))}, 'ran\\n');
mkdirSync(${JSON.stringify(join(dir, 'dist'))}, { recursive: true });
writeFileSync(${JSON.stringify(join(dir, 'dist', 'main.js'))}, "process.stdout.write('main ran\\\\n');\\n");
`;

function start(): { stdout: string } {
  return { stdout: execFileSync(process.execPath, [join(dir, 'scripts', 'start.mjs')], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
}
const tscRuns = () => (existsSync(join(dir, 'tsc-runs')) ? readFileSync(join(dir, 'tsc-runs'), 'utf8').split('\n').filter(Boolean).length : 0);

describe('npm start builds only when needed', () => {
  it('builds when dist/ is missing or older than a source, and not when it is current', () => {
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules', 'typescript', 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts', 'start.mjs'), join(dir, 'scripts', 'start.mjs'));
    writeFileSync(join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), FAKE_TSC);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(join(dir, 'tsconfig.build.json'), '{}\n');
    writeFileSync(join(dir, 'src', 'main.ts'), 'export {};\n');
    const past = new Date(Date.now() - 60_000);
    for (const f of ['package.json', 'tsconfig.build.json', 'src/main.ts', 'src']) utimesSync(join(dir, f), past, past);

    expect(start().stdout).toBe('main ran\n'); // no dist/: built, then run
    expect(tscRuns()).toBe(1);
    expect(start().stdout).toBe('main ran\n'); // current: run without building
    expect(tscRuns()).toBe(1);
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const changed = 1;\n'); // a source newer than dist/
    // (timestamps are coarse: set them apart clearly, both before the rebuild's own)
    utimesSync(join(dir, 'dist', 'main.js'), new Date(past.getTime() + 10_000), new Date(past.getTime() + 10_000));
    utimesSync(join(dir, 'src', 'main.ts'), new Date(past.getTime() + 20_000), new Date(past.getTime() + 20_000));
    expect(start().stdout).toBe('main ran\n');
    expect(tscRuns()).toBe(2);
    expect(start().stdout).toBe('main ran\n');
    expect(tscRuns()).toBe(2);
  });
});
