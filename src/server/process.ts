/**
 * Last-resort handlers for errors nothing caught: `unhandledRejection` and `uncaughtException`
 * are logged (pino, JSON, with the error) and the process keeps serving instead of exiting.
 *
 * The `/readyz` rule (check `process`):
 * - an unhandled rejection is logged and counted; readiness is unchanged (a promise nobody
 *   awaited lost its result, but no code was cut off half-way): `{ ok: true, detail }` names
 *   how many and the last message;
 * - an uncaught exception cut a call stack off mid-way, so state may be inconsistent: from then
 *   on `{ ok: false, detail }` with its message, and /readyz answers 503 until the process is
 *   restarted (an orchestrator stops routing to it; /healthz still says it is alive, so it can
 *   finish what it is doing).
 *
 * The handlers are installed once per process and shared by every bot started in it (tests
 * start several); each bot subscribes its logger and unsubscribes when it stops.
 */
import type { Logger } from '../log.js';
import type { HealthCheck } from './http.js';

interface Health {
  rejections: number;
  lastRejection?: string;
  exception?: string;
}

type ProcessLike = Pick<NodeJS.Process, 'on' | 'off'>;

const loggers = new Set<Logger>();
const health: Health = { rejections: 0 };
let installedOn: ProcessLike | undefined;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function onRejection(reason: unknown): void {
  health.rejections++;
  health.lastRejection = message(reason);
  for (const log of loggers) log.error({ err: reason }, 'unhandled promise rejection (kept serving)');
}

function onException(err: unknown): void {
  health.exception = message(err);
  for (const log of loggers) log.fatal({ err }, 'uncaught exception (kept serving; /readyz now reports the process unhealthy)');
}

/** Subscribes `log`; returns what unsubscribes it (the handlers go when the last one does). */
export function guardProcess(log: Logger, proc: ProcessLike = process): () => void {
  if (!installedOn) {
    proc.on('unhandledRejection', onRejection);
    proc.on('uncaughtException', onException);
    installedOn = proc;
  }
  loggers.add(log);
  return () => {
    loggers.delete(log);
    if (loggers.size === 0 && installedOn) {
      installedOn.off('unhandledRejection', onRejection);
      installedOn.off('uncaughtException', onException);
      installedOn = undefined;
    }
  };
}

/** The `process` check for /readyz (the rule above). */
export const processCheck: HealthCheck = () => {
  if (health.exception) return { ok: false, detail: `uncaught exception: ${health.exception}` };
  if (health.rejections) return { ok: true, detail: `${health.rejections} unhandled rejection(s), last: ${health.lastRejection}` };
  return { ok: true };
};
