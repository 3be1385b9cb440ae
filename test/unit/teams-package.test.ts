import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const APP_ID = '0a1b2c3d-1111-2222-3333-444455556666';
const dir = mkdtempSync(join(tmpdir(), 'changebot-teams-pkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const { MicrosoftAppId: _, ...rest } = process.env;
  return spawnSync(process.execPath, [join(ROOT, 'scripts/teams-package.mjs'), ...args], { env: { ...rest, ...env }, encoding: 'utf8' });
}

/** Width, height and RGBA pixels of an 8-bit RGBA PNG without interlace (what the script writes). */
function decodePng(buf: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('ascii', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]); // 8-bit RGBA, no interlace
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

describe('npm run teams:package', () => {
  it('writes a zip with the manifest (app id filled in) and the two icons', () => {
    const out = join(dir, 'app.zip');
    const r = run(['--out', out], { MicrosoftAppId: APP_ID });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const zip = new AdmZip(out);
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
    // biome-ignore lint/suspicious/noExplicitAny: a parsed manifest, read field by field below
    const manifest = JSON.parse(zip.readAsText('manifest.json')) as Record<string, any>;
    expect(manifest.$schema).toMatch(/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/);
    expect(manifest.manifestVersion).toBe(manifest.$schema.match(/v(1\.\d+)/)[1]);
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(APP_ID);
    expect(bot.scopes).toEqual(['personal', 'team']);
    const commands = bot.commandLists[0].commands as { title: string; description: string }[];
    expect(commands.map((c) => c.title)).toContain('rfc new');
    expect(commands.length).toBeLessThanOrEqual(10);
    for (const c of commands) {
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
    expect(JSON.stringify(manifest)).not.toContain('${{');

    const color = decodePng(zip.getEntry('color.png')!.getData());
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(zip.getEntry('outline.png')!.getData());
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let opaque = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, a] = outline.pixels.subarray(i, i + 4);
      if (a === 0) continue;
      expect([r, g, b]).toEqual([255, 255, 255]); // white on transparent only
      opaque++;
    }
    expect(opaque).toBeGreaterThan(32);
    expect(opaque).toBeLessThan(32 * 32);
  });

  it('refuses to package without the bot app id', () => {
    const r = run(['--out', join(dir, 'none.zip')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/MicrosoftAppId must be the bot's Microsoft Entra app id/);
  });
});
