#!/usr/bin/env node
// The CLI entry (`npx changebot`). `npm ci` builds dist/ through the `prepare` script.
import { runCli } from '../dist/cli/main.js';
import { readEnvFile } from '../dist/config.js';

// The same .env as `npm start` reads (real environment variables win), so both open one database.
let envError;
try {
  readEnvFile();
} catch (err) {
  envError = { code: 2, out: `configuration error: ${err instanceof Error ? err.message : String(err)}` };
}
const { code, out, raw } = envError ?? runCli(process.argv.slice(2));
// raw: the command wrote its output itself (`admin export`'s file).
if (!raw) (code === 0 ? process.stdout : process.stderr).write(`${out}\n`);
process.exitCode = code;
