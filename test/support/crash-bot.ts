/**
 * The real bot (built dist/) in a child process for the crash tests (crash-bot-child.mjs): its
 * port once listening, `held` once it froze inside a command's use case, and a SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CHILD = join(ROOT, 'test/support/crash-bot-child.mjs');

export interface CrashBot {
  child: ChildProcess;
  port: Promise<number>;
  held: Promise<void>;
  kill(): Promise<void>;
}

/** A promise only some steps await: its rejection (the bot killed first) is not unhandled elsewhere. */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** `hold` > 0 freezes the bot in the hold-th use-case transaction; `platform` picks the one component on. */
export function startCrashBot(hold: number, env: Record<string, string>, platform: 'slack' | 'teams' = 'slack'): CrashBot {
  const child = spawn(process.execPath, [CHILD, String(hold), platform], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiting: (() => void)[] = [];
  child.stdout?.on('data', (d) => {
    out += d;
    for (const w of [...waiting]) w();
  });
  child.stderr?.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const line = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) resolve(m);
      };
      waiting.push(check);
      check();
      void exited.then(() => reject(new Error(`bot exited: ${err}${out}`)));
    });
  return {
    child,
    port: quiet(line(/^port (\d+)$/m).then((m) => Number(m[1]))),
    held: quiet(line(/^held$/m).then(() => undefined)),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
