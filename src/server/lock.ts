/**
 * One bot per database. `npm start` takes `<database>.lock` before anything that could harm a
 * bot already running on the same data (the local Redis clean-up, listening); a second one
 * refuses with one line naming the holder. The CLI never takes it: it works beside the bot.
 *
 * The file is written whole under a temporary name and then hard-linked into place, which fails
 * if the lock exists (atomic, like O_EXCL, and never seen half-written). It holds the pid, the
 * host and the process's start time, so a lock whose owner died (SIGKILL, power cut) is taken
 * over: on the same host, a pid that no longer exists, or one that now belongs to another
 * process (the start time differs: pid reuse), is dead. A lock from another host (a database on
 * a shared disk, or this container before it was recreated under a new hostname) can't be
 * checked that way: its owner touches the file every HEARTBEAT_MS, and one not touched for
 * STALE_MS is dead, so a recreated container starts again on its own.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ChangebotError } from '../domain/errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  /** The kernel's start time of the process (Linux /proc), when known: tells pid reuse apart. */
  procStart?: string;
  /** When it took the lock (ISO). */
  since: string;
  token: string;
}

export interface BotLock {
  path: string;
  owner: LockOwner;
  /** Removes the lock if it is still this process's. */
  release(): void;
  /** Runs `fn`; if it throws, releases the lock first (for start-up steps before the bot's own clean-up). */
  guard<T>(fn: () => T): T;
}

/** The start time of `pid` as the kernel reports it (field 22 of /proc/<pid>/stat), or undefined. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** How often the owner touches its lock file, and how long untouched makes another host's lock dead. */
export const HEARTBEAT_MS = 10_000;
export const STALE_MS = 60_000;

/**
 * Whether `owner` is alive (false when it is certainly gone). On this host: its pid and start
 * time. On another: whether the lock file (`touchedMs`, its mtime) was touched within STALE_MS.
 */
export function ownerAlive(owner: Pick<LockOwner, 'pid' | 'host' | 'procStart'>, touchedMs = Date.now()): boolean {
  if (owner.host !== hostname()) return Date.now() - touchedMs < STALE_MS;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const now = processStart(owner.pid);
  return !(owner.procStart && now && now !== owner.procStart);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

export const lockPathFor = (databasePath: string) => `${resolve(databasePath)}.lock`;

/**
 * Takes the lock of `databasePath` for this process, taking over a dead owner's. Throws
 * ChangebotError('unavailable') naming the database and the live holder.
 */
export function acquireBotLock(databasePath: string): BotLock {
  const path = databasePath === ':memory:' ? '' : lockPathFor(databasePath);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    procStart: processStart(process.pid),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  if (!path) return withGuard({ path, owner, release: () => {} }); // an in-memory database is nobody else's
  const tmp = `${path}.${process.pid}.${owner.token}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, `${JSON.stringify(owner)}\n`);
  } catch (err) {
    throw new ChangebotError(
      'unavailable',
      `cannot write the lock file ${path} (${(err as Error).message}): DATABASE_PATH must be in a folder changebot can write to`,
      { field: 'DATABASE_PATH' },
    );
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const held = readOwner(path);
      if (held && ownerAlive(held, touchedAt(path))) throw inUse(databasePath, path, held);
      // Dead owner (or an unreadable file): remove it if it is still the one just read, retry.
      if (JSON.stringify(readOwner(path)) === JSON.stringify(held)) unlinkSync(path);
    }
  } finally {
    unlinkSync(tmp);
  }
  const beat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // removed or unwritable: the next start decides from what is there
    }
  }, HEARTBEAT_MS);
  beat.unref();
  return withGuard({
    path,
    owner,
    release() {
      clearInterval(beat);
      if (readOwner(path)?.token === owner.token) unlinkSync(path);
    },
  });
}

function touchedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function withGuard(lock: Omit<BotLock, 'guard'>): BotLock {
  return {
    ...lock,
    guard(fn) {
      try {
        return fn();
      } catch (err) {
        lock.release();
        throw err;
      }
    },
  };
}

function inUse(databasePath: string, path: string, held: LockOwner): ChangebotError {
  const where = held.host === hostname() ? `pid ${held.pid}` : `pid ${held.pid} on host ${held.host}`;
  const remedy =
    held.host === hostname()
      ? 'stop it first, or give this one another DATABASE_PATH'
      : `stop it first (a lock its owner stops touching is taken over ${STALE_MS / 1000} s later)`;
  return new ChangebotError('unavailable', `${resolve(databasePath)} is in use by another changebot (${where}, since ${held.since}): ${remedy}.`, {
    field: 'DATABASE_PATH',
    lock: path,
  });
}
