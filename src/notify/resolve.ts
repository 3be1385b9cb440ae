/**
 * A notification's abstract recipients as concrete targets on every platform, each once. Used
 * wherever a notification is fanned out (the outbox dispatcher, the timers' announcements), so
 * every message reaches the same people: service audiences include the services that depend
 * on them (src/domain/audience.ts), and a channel, user group member or person named by
 * several recipients is one target, deduped by the destination it resolves to.
 */
import type { Db } from '../db/client.js';
import { listServices } from '../db/repos/catalogue.js';
import { expandAudiences } from '../domain/audience.js';
import type { Recipient } from '../domain/notifications.js';
import type { Subject } from '../domain/subject.js';
import { type Notifier, targetKey } from './types.js';

/** The target keys (`slack:channel:C1`, `teams:user:...`) of `recipients`, without duplicates. */
export async function resolveTargets(db: Db, notifiers: readonly Notifier[], recipients: readonly Recipient[], subject: Subject): Promise<string[]> {
  const expanded = recipients.some((r) => r.kind === 'audience') ? expandAudiences(recipients, listServices(db)) : recipients;
  const keys = new Set<string>();
  for (const recipient of expanded) {
    for (const notifier of notifiers) {
      for (const t of await notifier.resolve(recipient, subject)) keys.add(targetKey(t));
    }
  }
  return [...keys];
}
