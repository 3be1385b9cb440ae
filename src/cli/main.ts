/**
 * `npx changebot --as NAME rfc <command>` (and `release <command>`): the /rfc and /release
 * command language from a terminal, as the local user `cli:NAME`, against DATABASE_PATH. Plain
 * text out; exit 1 when refused.
 */
import { existsSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { clockFrom, createContext, loadActor } from '../app/context.js';
import { bootstrapAdmins } from '../app/admin.js';
import { execute } from '../commands/execute.js';
import { parseCommand } from '../commands/parser.js';
import { asWord } from '../commands/tokenize.js';
import { COMMAND_HELP, helpOnCommand } from '../commands/registry.js';
import { type Config, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { changeLogExport, exportCsv, exportJson, parseHead, verifyChangeLog } from '../app/audit.js';
import { isChangebotError } from '../domain/errors.js';

const USAGE = `Usage: changebot --as NAME [--tz ZONE] rfc|release <command> [args...]
Runs an /rfc or /release command as cli:NAME against DATABASE_PATH (default ./data/changebot.db).
Example: changebot --as alice rfc new "Patch db01" category=minor services=db
         changebot --as alice release new "Payroll 2027.1" target=2026-12-20
         changebot --as alice rfc help
         changebot --as alice release help
Help on one command: changebot rfc schedule --help, changebot release wave start --help
Check the change log's hash chain: changebot audit verify [--head ID:HASH]
Export the change log: changebot --as NAME admin export from=2026-12-01 to=2026-12-31 [service=db] format=csv > audit.csv`;

const AUDIT_USAGE = `Usage: changebot audit verify [--head ID:HASH]
Walks the change log's hash chain in DATABASE_PATH: exit 0 with the row count and the head, exit 1
naming the first broken row. --head is a head printed earlier (by audit verify or admin log): it
must still be in the chain, which shows the newest rows were not cut off or rewritten since.`;

export interface CliResult {
  code: number;
  out: string;
  /** The output was written already (`admin export`'s CSV or JSON, streamed to `write`): print nothing more. */
  raw?: boolean;
}

/**
 * Quote an argv element again when the shell removed quotes around spaces; one the shell left
 * quoted (typographic quotes, which shells don't know) is kept, so `"“Patch db03”"` is read as
 * `Patch db03` rather than an empty quote followed by `Patch db03”"`.
 */
export const requote = asWord;

export function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, write: (chunk: string) => void = (c) => void process.stdout.write(c)): CliResult {
  const args = [...argv];
  let name: string | undefined;
  let tz: string | undefined;
  while (args[0]?.startsWith('--')) {
    const flag = args.shift() as string;
    const [k, inline] = flag.split('=', 2);
    const value = inline ?? args.shift();
    if (k === '--as') name = value;
    else if (k === '--tz') tz = value;
    else if (k === '--help') return { code: 0, out: `${USAGE}\n\n${COMMAND_HELP}` };
    else return { code: 2, out: `Unknown option ${k}.\n${USAGE}` };
  }
  if (args[0] === 'audit') return runAudit(args.slice(1), env);
  if (args[0] === 'rfc') args.shift();
  // `rfc --help`, `rfc schedule --help`: help, without a database or a name.
  if (args.includes('--help')) {
    const words = args.filter((a) => a !== '--help');
    try {
      return { code: 0, out: words.length ? helpOnCommand(words) : `${USAGE}\n\n${COMMAND_HELP}` };
    } catch (err) {
      if (isChangebotError(err)) return { code: 1, out: err.message };
      throw err;
    }
  }
  if (!name || !/^[\w.-]+$/.test(name)) return { code: 2, out: `Say who you are with --as NAME (letters, digits, . _ -).\n${USAGE}` };
  if (tz && !IANAZone.isValidZone(tz)) return { code: 2, out: `--tz expects an IANA time zone such as Europe/London, got "${tz}".` };
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    return { code: 2, out: `configuration error: ${(err as Error).message}` };
  }
  let database: ReturnType<typeof openDatabase>;
  try {
    database = openDatabase(config.databasePath);
  } catch (err) {
    if (isChangebotError(err)) return { code: 1, out: err.message };
    throw err;
  }
  try {
    const ctx = createContext(database, {
      clock: clockFrom(config.clockStart),
      policy: config.policy,
      timezone: config.timezone,
      // Links the CLI prints (`web`) point at the bot as configured: PUBLIC_URL, else its PORT here.
      publicUrl: config.publicUrl ?? `http://localhost:${config.port || 3000}`,
    });
    bootstrapAdmins(ctx, config.admins);
    const actor = loadActor(ctx, `cli:${name}`, { displayName: name, timezone: tz ?? config.timezone });
    const text = args.map(requote).join(' ');
    const cmd = parseCommand(text || 'help', { platform: 'cli', workspace: '', timezone: actor.timezone, now: ctx.clock.now() });
    if (cmd.kind === 'admin' && cmd.command.kind === 'export') {
      // The file itself, on stdout (`... > audit.csv`), a chunk at a time.
      const exp = changeLogExport(ctx, actor, cmd.command);
      for (const chunk of cmd.command.format === 'csv' ? exportCsv(exp) : exportJson(exp)) write(chunk);
      return { code: 0, out: '', raw: true };
    }
    const reply = execute(ctx, actor, cmd, { platform: 'cli' });
    return { code: 0, out: reply.text };
  } catch (err) {
    if (isChangebotError(err)) return { code: 1, out: `${err.message}` };
    throw err;
  } finally {
    database.close();
  }
}

/** `changebot audit verify [--head ID:HASH]`: no name needed, it only reads (whoever can read the file can check it). */
function runAudit(args: string[], env: NodeJS.ProcessEnv): CliResult {
  if (args.includes('--help')) return { code: 0, out: AUDIT_USAGE };
  const [sub, ...rest] = args;
  if (sub !== 'verify') return { code: 2, out: `${sub ? `Unknown audit command "${sub}".` : 'Say what to do: audit verify.'}\n${AUDIT_USAGE}` };
  let head: { id: number; hash: string } | undefined;
  while (rest.length) {
    const [k, inline] = (rest.shift() as string).split('=', 2);
    const value = inline ?? rest.shift();
    if (k !== '--head') return { code: 2, out: `Unknown option ${k}.\n${AUDIT_USAGE}` };
    const parsed = parseHead(value ?? '');
    if (!parsed) return { code: 2, out: `--head expects ID:HASH as audit verify printed it (a row id, a colon, 64 hex digits), got "${value ?? ''}".` };
    head = parsed;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    return { code: 2, out: `configuration error: ${(err as Error).message}` };
  }
  if (config.databasePath !== ':memory:' && !existsSync(config.databasePath)) {
    return { code: 2, out: `There is no database at ${config.databasePath} (DATABASE_PATH): nothing to verify. Set DATABASE_PATH to the bot's database file.` };
  }
  let database: ReturnType<typeof openDatabase>;
  try {
    // Verifying only reads: a read-only copy of the database (an auditor's) is fine.
    database = openDatabase(config.databasePath, { proveWritable: false });
  } catch (err) {
    if (isChangebotError(err)) return { code: 1, out: err.message };
    throw err;
  }
  try {
    const { report, text } = verifyChangeLog(database, head);
    return { code: report.ok ? 0 : 1, out: text };
  } finally {
    database.close();
  }
}
