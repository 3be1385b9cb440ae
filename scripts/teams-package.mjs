#!/usr/bin/env node
/**
 * `npm run teams:package`: writes the Teams app package to upload (manifest.json with the bot's
 * app id filled in, plus the two icons) as a zip.
 *
 *   MicrosoftAppId=<bot app id> npm run teams:package [-- --out path/to/app.zip]
 *   npm run teams:package -- --icons     (re)draws manifests/teams/color.png and outline.png
 *
 * The manifest template is manifests/teams/manifest.json; `${{MicrosoftAppId}}` is replaced by
 * the app id and `${{VERSION}}` by package.json's version.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import AdmZip from 'adm-zip';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'manifests/teams');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } };

// --- PNG (RGBA, 8 bit) -------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x + 0.5, y + 0.5), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bit, RGBA, deflate, no filter, no interlace
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The mark: a check in a ring, in units of the icon size (0..1). */
function onMark(u, v, stroke) {
  const seg = (ax, ay, bx, by) => {
    const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay)));
  };
  const check = Math.min(seg(0.3, 0.52, 0.44, 0.66), seg(0.44, 0.66, 0.72, 0.36)) < stroke;
  const ring = Math.abs(Math.hypot(u - 0.5, v - 0.5) - 0.36) < stroke * 0.8;
  return check || ring;
}

export function colorIcon() {
  const size = ICONS.color.size;
  return png(size, (x, y) => (onMark(x / size, y / size, 0.045) ? [255, 255, 255, 255] : [0x2b, 0x57, 0x9a, 255]));
}

/** White on transparent, as Teams requires for the outline icon. */
export function outlineIcon() {
  const size = ICONS.outline.size;
  return png(size, (x, y) => (onMark(x / size, y / size, 0.06) ? [255, 255, 255, 255] : [255, 255, 255, 0]));
}

/** Width and height from a PNG's IHDR, or null when it is not a PNG. */
export function pngSize(buf) {
  if (buf.length < 24 || buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

// --- package -----------------------------------------------------------------------------------
export function buildManifest(appId, version) {
  if (!appId || !GUID.test(appId)) {
    throw new Error(`MicrosoftAppId must be the bot's Microsoft Entra app id (a GUID), got "${appId ?? ''}"`);
  }
  const template = readFileSync(join(DIR, 'manifest.json'), 'utf8');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's own ${{...}} placeholders, not template literals
  const manifest = JSON.parse(template.replaceAll('${{MicrosoftAppId}}', appId).replaceAll('${{VERSION}}', version));
  for (const key of ['manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor', 'bots']) {
    if (!(key in manifest)) throw new Error(`manifests/teams/manifest.json lacks "${key}"`);
  }
  return manifest;
}

export function buildPackage({ appId, out }) {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const manifest = buildManifest(appId, version);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  for (const [name, { size }] of Object.entries(ICONS)) {
    const file = manifest.icons[name];
    const path = join(DIR, file);
    if (!existsSync(path)) throw new Error(`missing ${path}: run npm run teams:package -- --icons`);
    const data = readFileSync(path);
    const dims = pngSize(data);
    if (!dims || dims.width !== size || dims.height !== size) throw new Error(`${file} must be a ${size}x${size} PNG`);
    zip.addFile(file, data);
  }
  mkdirSync(dirname(out), { recursive: true });
  zip.writeZip(out);
  return out;
}

function main(argv) {
  if (argv.includes('--icons')) {
    writeFileSync(join(DIR, ICONS.color.file), colorIcon());
    writeFileSync(join(DIR, ICONS.outline.file), outlineIcon());
    process.stdout.write(`wrote ${ICONS.color.file} and ${ICONS.outline.file} in manifests/teams\n`);
    return;
  }
  const i = argv.indexOf('--out');
  const out = resolve(i !== -1 && argv[i + 1] ? argv[i + 1] : join(ROOT, 'dist/teams/changebot-teams.zip'));
  try {
    buildPackage({ appId: process.env.MicrosoftAppId?.trim(), out });
  } catch (err) {
    process.stderr.write(`teams:package: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`wrote ${out}: upload it in Teams (Apps > Manage your apps > Upload an app)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
