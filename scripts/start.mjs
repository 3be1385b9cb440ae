#!/usr/bin/env node
/**
 * `npm start`: builds dist/ only when a source is newer than it, then runs the bot in this same
 * process. One process (npm's `sh -c` execs it) is what npm forwards SIGINT/SIGTERM to, so a
 * signal to `npm start` reaches the bot itself, which stops its redis-server and exits; nothing
 * is left behind. `npm run build` and `npm test` always build.
 *
 * Sources: every file under src/, tsconfig.json, tsconfig.build.json and package.json. dist/ is
 * current when dist/main.js is newer than all of them (tsc rewrites every output on a build).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'dist', 'main.js');

/** The newest modification time under `path` (files and folders: a deleted file changes its folder). */
function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function stale() {
  if (!existsSync(output)) return 'dist/main.js is missing';
  const built = statSync(output).mtimeMs;
  for (const source of ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    const path = join(root, source);
    if (existsSync(path) && newest(path) > built) return `${source} changed since the last build`;
  }
  return null;
}

/** Runs tsc as a child; a signal meanwhile stops it and exits (nothing is left running). */
function build() {
  return new Promise((resolve, reject) => {
    const tsc = spawn(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
      cwd: root,
      stdio: 'inherit',
    });
    const stop = (signal) => {
      tsc.kill(signal);
      process.exit(1);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    tsc.once('error', reject);
    tsc.once('exit', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (code === 0) resolve();
      else reject(new Error(`the build failed (tsc exit code ${code}); fix the errors above, or run npm run build`));
    });
  });
}

const why = stale();
if (why) {
  process.stderr.write(`changebot: building dist/ (${why})\n`);
  try {
    await build();
  } catch (err) {
    process.stderr.write(`changebot: ${err.message}\n`);
    process.exit(1);
  }
}
await import(pathToFileURL(output).href);
