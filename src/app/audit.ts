/** The deployment-wide change log: role grants, the CAB channel, the catalogue, policy. */
import { type DeploymentLogEntry, listDeploymentLog } from '../db/repos/log.js';
import { logLine } from '../domain/changelog.js';
import { authorizeDeployment } from '../domain/permissions.js';
import type { Actor } from '../domain/types.js';
import type { AppContext, Outcome } from './context.js';
import type { AuditInput } from './inputs.js';

/** How many rows one reply shows (the newest); the whole log goes out as CSV/JSON later. */
export const AUDIT_LIMIT = 100;

/** Deployment-wide rows, oldest first, in the actor's zone; only admins and change managers read them. */
export function deploymentLog(ctx: AppContext, actor: Actor, input: AuditInput = {}): Outcome<DeploymentLogEntry[]> {
  authorizeDeployment(actor, 'audit');
  const { rows, total } = listDeploymentLog(ctx.database.db, { ...input, limit: AUDIT_LIMIT });
  const about = input.person ? ` by or about ${input.person}` : '';
  if (!rows.length) return { result: rows, message: `No deployment-wide changes${about} in the change log.`, notifications: [] };
  const heading = `Deployment change log${about}${total > rows.length ? ` (the latest ${rows.length} of ${total})` : ''}:`;
  return { result: rows, message: [heading, ...rows.map((r) => logLine(r, actor.timezone))].join('\n'), notifications: [] };
}
