/** Runs the built CLI (`bin/changebot.js`, or `npx changebot`) as a child process, and replays the README's console sessions. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** One `$ ...` command of a README console session and what the README shows it printed. */
export interface SessionStep {
  command: string;
  output: string;
}

/** The `$ ...` commands of the README section under `heading` (up to the next `## `), with their output. */
export function readmeSession(heading: string): SessionStep[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(`## ${heading}`);
  if (from < 0) throw new Error(`README has no section "## ${heading}"`);
  const section = readme.slice(from, readme.indexOf('\n## ', from + 1));
  const steps: { command: string; output: string[] }[] = [];
  for (const block of section.split('```console\n').slice(1)) {
    const lines = block.slice(0, block.indexOf('```')).trimEnd().split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('$ ')) {
        let command = line.slice(2);
        while (command.endsWith('\\')) command = `${command.slice(0, -1)}${lines[++i]!.trim()}`.replace(/ {2,}/g, ' ');
        steps.push({ command, output: [] });
      } else steps.at(-1)!.output.push(line);
    }
  }
  return steps.map((s) => ({ command: s.command, output: s.output.join('\n') }));
}

/** Runs one line of a session in bash, as a reader's terminal would; the output is stdout. */
async function sh(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await run('bash', ['-c', script], { cwd: ROOT, env })).stdout;
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

/**
 * Replays `steps` in order: `export` lines carry on to the later commands, each other command
 * runs as `line(command)` (which folds stderr in as the reader's terminal shows it). Returns
 * what each printed, for the caller to compare with the README.
 */
export async function replaySession(
  steps: readonly SessionStep[],
  env: NodeJS.ProcessEnv,
  line: (command: string) => string,
): Promise<(SessionStep & { printed: string })[]> {
  const exports: string[] = [];
  const out: (SessionStep & { printed: string })[] = [];
  for (const step of steps) {
    if (step.command.startsWith('export ')) {
      exports.push(step.command);
      continue;
    }
    out.push({ ...step, printed: (await sh([...exports, line(step.command)].join('\n'), env)).trimEnd() });
  }
  return out;
}
