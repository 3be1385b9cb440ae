#!/usr/bin/env node
// The CLI entry (`npx changebot`). `npm ci` builds dist/ through the `prepare` script.
import { runCli } from '../dist/cli/main.js';

const { code, out } = runCli(process.argv.slice(2));
(code === 0 ? process.stdout : process.stderr).write(`${out}\n`);
process.exitCode = code;
