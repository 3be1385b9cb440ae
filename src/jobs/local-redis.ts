/**
 * `npm start` without REDIS_URL: runs a private redis-server next to the database, with
 * append-only persistence so timers survive restarts, and stops it when the bot stops.
 * Tests use the same helper with persistence off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ownerAlive, processStart } from '../server/lock.js';

export const INSTALL_HINT =
  'Set REDIS_URL to a Redis 6.2+ server, or install redis-server so changebot can run its own ' +
  '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis).';

/** The path of `redis-server` on PATH, or null. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface LocalRedis {
  url: string;
  port: number;
  dir: string;
  /** The redis-server's own pid (INFO server), not its watcher's. */
  pid: number | undefined;
  /** Stops the server (SHUTDOWN, so the append-only file is flushed) and waits for it. */
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** Data folder (default: `redis/` next to the database). */
  dir: string;
  /** true: append-only file in `dir` (npm start); false: nothing on disk (tests). */
  persist: boolean;
  port?: number;
  binary?: string;
}

/**
 * Where `npm start` keeps Redis' data: `redis-<deployment id>` beside the database file, so two
 * databases in one folder never share one. (Before issue 12 it was `redis/`: see the README.)
 */
export function redisDirFor(databasePath: string, deploymentId: string): string {
  return databasePath === ':memory:'
    ? join(tmpdir(), `changebot-redis-${process.pid}-${deploymentId}`)
    : join(dirname(resolve(databasePath)), `redis-${deploymentId}`);
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalRedis> {
  const binary = opts.binary ?? findRedisServer();
  if (!binary) throw new Error(`redis-server was not found on PATH. ${INSTALL_HINT}`);
  mkdirSync(opts.dir, { recursive: true });
  const marker = join(opts.dir, 'changebot-redis.json');
  // A server left running by a bot that was killed (SIGKILL) still owns the data: stop it first.
  await stopLeftover(marker);
  const port = opts.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    opts.dir,
    '--daemonize',
    'no',
    '--save',
    '',
    ...(opts.persist ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
  ];
  try {
    accessSync(binary, constants.X_OK);
  } catch (err) {
    throw new Error(`redis-server could not be started: ${binary} cannot be run (${(err as NodeJS.ErrnoException).code})`);
  }
  const child = spawnTied(binary, args);
  let output = '';
  // A binary that cannot be run (EACCES) reports through 'error': keep it as output, so
  // waitUntilUp fails with it instead of the process crashing on an unhandled event.
  child.on('error', (err) => (output += `\n${err.message}`));
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, () => output);
  } catch (err) {
    child.stdin?.destroy(); // the watcher stops a server that came up late
    child.kill('SIGKILL');
    throw err;
  }
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  child.stdout?.resume();
  child.stderr?.resume();
  // Whoever started it owns it: a later start stops it only once this process is gone.
  const pid = await serverPid(url);
  if (opts.persist) writeFileSync(marker, JSON.stringify({ url, pid, owner: process.pid, host: hostname(), procStart: processStart(process.pid) }));
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    dir: opts.dir,
    pid,
    stop: () => (stopping ??= shutdown(url, child, pid)),
  };
}

/**
 * Runs redis-server under a small sh watcher tied to this process by a pipe: when this process
 * ends in any way (stop, process.exit, a crash, even SIGKILL) the pipe closes and the watcher
 * sends redis-server SIGTERM (it flushes the append-only file and exits). sh exits with the
 * server, so the child's exit is the server's.
 */
const WATCHER = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'r=$!',
  '(read line <&3; kill -TERM $r 2>/dev/null) &',
  'w=$!',
  'exec 3<&-',
  'wait $r; s=$?',
  'kill $w 2>/dev/null',
  'exit $s',
].join('\n');

function spawnTied(binary: string, args: string[]): ChildProcess {
  if (process.platform === 'win32') return spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Its own process group (detached), so a Ctrl-C in the terminal reaches the bot alone and the
  // server stays up while the bot finishes its deliveries; the pipe still ends it with the bot.
  const child = spawn('/bin/sh', ['-c', WATCHER, 'changebot-redis', binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdin?.on('error', () => {}); // the watcher gone first: nothing to tell it
  return child;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

async function serverPid(url: string): Promise<number | undefined> {
  const info = String(await redisCall(url, 'INFO', 'server').catch(() => ''));
  const m = /process_id:(\d+)/.exec(info);
  return m ? Number(m[1]) : undefined;
}

async function redisCall(url: string, ...args: string[]): Promise<unknown> {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return await c.call(args[0] as string, ...args.slice(1));
  } finally {
    c.disconnect();
  }
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (code ${child.exitCode}): ${output().trim()}`);
    if (child.pid === undefined) {
      await new Promise((r) => setImmediate(r)); // let the 'error' event say why
      throw new Error(`redis-server could not be started: ${output().trim()}`);
    }
    if (await ping(url, 200)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url} within 10 s: ${output().trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** true when a Redis at `url` answers PING within `timeoutMs`. */
export async function ping(url: string, timeoutMs = 500): Promise<boolean> {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMs, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

async function shutdown(url: string, child: ChildProcess, pid: number | undefined): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.call('SHUTDOWN').catch(() => {}); // the connection closes as the server exits
  } catch {
    // Closing the pipe makes the watcher send the server SIGTERM.
    if (child.stdin) child.stdin.destroy();
    else child.kill('SIGTERM');
  } finally {
    c.disconnect();
  }
  const timer = setTimeout(() => {
    if (pid) killQuietly(pid);
    child.kill('SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

interface Marker {
  url: string;
  pid?: number;
  owner?: number;
  host?: string;
  procStart?: string;
}

async function stopLeftover(marker: string): Promise<void> {
  if (!existsSync(marker)) return;
  let m: Marker;
  try {
    m = JSON.parse(readFileSync(marker, 'utf8')) as Marker;
  } catch {
    return; // unreadable marker: nothing to stop
  }
  // A server whose bot is alive is not a leftover: never stop it (the bot lock refuses a second
  // bot before this; this guards anything else that starts a server in the same folder).
  if (m.owner && m.owner !== process.pid && m.host && ownerAlive({ pid: m.owner, host: m.host, procStart: m.procStart }))
    throw new Error(`the local redis-server in ${dirname(marker)} belongs to changebot pid ${m.owner}, which is still running`);
  const { url } = m;
  try {
    if (!(await ping(url, 300))) return;
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    await c.connect();
    // Only a server that serves this data folder is ours to stop.
    const dir = (await c.call('CONFIG', 'GET', 'dir')) as string[];
    if (resolve(dir[1] ?? '') === resolve(dirname(marker))) await c.call('SHUTDOWN').catch(() => {});
    c.disconnect();
    for (let i = 0; i < 50 && (await ping(url, 100)); i++) await new Promise((r) => setTimeout(r, 100));
  } catch {
    // unreadable marker or a server that went away: nothing to stop
  }
}
