/** Runs the built CLI (`bin/changebot.js`, or `npx changebot`) as a child process. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function changebot(args: string[], env: Record<string, string>, viaNpx = false): Promise<CliRun> {
  const [cmd, argv] = viaNpx ? ['npx', ['--no-install', 'changebot', ...args]] : [process.execPath, ['bin/changebot.js', ...args]];
  try {
    const { stdout, stderr } = await run(cmd, argv, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
