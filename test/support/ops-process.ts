/** Bot processes for the operations tests: spawned for real, their log parsed, their pids found. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lockPathFor } from '../../src/server/lock.js';
import { ROOT } from './cli.js';

export interface BotProcess {
  child: ChildProcess;
  /** The HTTP port, once the bot logs that it listens. */
  listening: Promise<number>;
  exited: Promise<number | null>;
  output(): string;
  errors(): string;
}

const spawned: ChildProcess[] = [];

/** Stops (SIGKILL) every process spawnBot started that is still running: for afterAll, when a test failed half-way. */
export function killLeftovers(): void {
  for (const c of spawned.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Spawns `command args` (default cwd: the repository) with the environment `env` added to this one's. */
export function spawnBot(command: string, args: string[], env: Record<string, string | undefined>, cwd = ROOT): BotProcess {
  const child = spawn(command, args, { cwd, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const m = /"port":(\d+)[^\n]*changebot listening/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    exited.then(() => reject(new Error(`exited early: ${err}${out}`)));
  });
  listening.catch(() => {});
  return { child, listening, exited, output: () => out, errors: () => err };
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the bot holding `databasePath`'s lock, and of its local redis-server. */
export function pidsOf(databasePath: string): { bot: number; redis: number } {
  const bot = (JSON.parse(readFileSync(lockPathFor(databasePath), 'utf8')) as { pid: number }).pid;
  const folder = readdirSync(dirname(databasePath)).find((f) => f.startsWith('redis-'));
  if (!folder) throw new Error('no local Redis folder beside the database');
  const redis = (JSON.parse(readFileSync(join(dirname(databasePath), folder, 'changebot-redis.json'), 'utf8')) as { pid: number }).pid;
  return { bot, redis };
}
