/**
 * A notification whose recipients resolve to no one on any running platform is not "sent to
 * nobody": it is a failed delivery (recipient NOBODY, with the reason) and the change owner is
 * told, or the change managers when the owner is the one nobody can reach. The report is keyed
 * like every failure report (failureKey), recorded once (recordFired), and a report is never
 * reported again: a report that reaches no one is itself a failed delivery and an error in the
 * log, and stops there.
 */
import type { AppContext } from '../app/context.js';
import { type DeliveryRow, deliveriesOf, findDelivery, markDelivery, recordDelivery } from '../db/repos/outbox.js';
import { findRelease } from '../db/repos/releases.js';
import { findRfc } from '../db/repos/rfcs.js';
import { recordFired } from '../db/repos/timers.js';
import type { Db } from '../db/client.js';
import type { Recipient } from '../domain/notifications.js';
import { FAILURE_EVENT, type Subject, failureKey } from '../domain/subject.js';
import type { Logger } from '../log.js';
import { resolveTargets } from './resolve.js';
import type { Notifier } from './types.js';

/** The recipient of the failed delivery that stands for "no one". */
export const NOBODY = 'nobody';

export function describeRecipient(r: Recipient): string {
  switch (r.kind) {
    case 'person':
      return r.id;
    case 'role':
      return `every ${r.role.replace('-', ' ')}`;
    case 'cab-channel':
      return 'the CAB channel';
    case 'audience':
      return `the audience of ${r.service}`;
    case 'audience-refs':
      return r.refs.join(', ') || 'an empty audience';
    case 'status-thread':
      return "the release's status thread";
    case 'team':
      return `team ${r.name}`;
  }
}

/** "cli:ann, the CAB channel resolved to no one on slack": why a notification reached nobody. */
export function nobodyReason(recipients: readonly Recipient[], notifiers: readonly Notifier[]): string {
  const on = notifiers.length ? `on ${notifiers.map((n) => n.platform).join(' or ')}` : '(no chat platform is running)';
  return `${recipients.map(describeRecipient).join(', ')} resolved to no one ${on}`;
}

/** Records the failed delivery of `notificationKey` to NOBODY, with the reason. */
export function recordNobody(tx: Db, d: { notificationKey: string; subject: Subject; at: Date; reason: string }): void {
  recordDelivery(tx, { notificationKey: d.notificationKey, recipient: NOBODY, subject: d.subject, at: d.at });
  const row = findDelivery(tx, d.notificationKey, NOBODY);
  if (row && row.status === 'pending') markDelivery(tx, row.id, 'failed', d.at, { error: d.reason });
}

/** The person accountable for a subject: the change owner, or the release manager. */
function ownerOf(db: Db, subject: Subject): string | null {
  return subject.type === 'rfc' ? (findRfc(db, subject.key)?.owner ?? null) : (findRelease(db, subject.key)?.manager ?? null);
}

/**
 * Tells the owner (else the change managers) that `notificationKey` failed; returns the report's
 * deliveries still to send. Safe to call again: rows are unique per (key, target).
 */
export async function reportFailure(
  ctx: AppContext,
  notifiers: readonly Notifier[],
  log: Logger,
  subject: Subject,
  notificationKey: string,
): Promise<DeliveryRow[]> {
  const db = ctx.database.db;
  const key = failureKey(subject, notificationKey);
  const owner = ownerOf(db, subject);
  const asked: Recipient[] = owner ? [{ kind: 'person', id: owner }] : [];
  let targets = owner ? await resolveTargets(db, notifiers, asked, subject) : [];
  if (!targets.length) {
    // The owner is the unreachable one (or there is none): the change managers hear of it.
    asked.push({ kind: 'role', role: 'change-manager' });
    targets = await resolveTargets(db, notifiers, [{ kind: 'role', role: 'change-manager' }], subject);
  }
  const at = ctx.clock.now();
  recordFired(ctx.database.db, { subject, key, event: FAILURE_EVENT, targets, at });
  if (!targets.length) {
    const reason = nobodyReason(asked, notifiers);
    db.transaction((tx) => recordNobody(tx, { notificationKey: key, subject, at, reason }));
    log.error({ subject: subject.key, notification: notificationKey, reason }, 'a failed notification could not be reported to anyone');
    return [];
  }
  return deliveriesOf(db, key).filter((d) => d.status === 'pending');
}
