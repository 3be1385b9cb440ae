/**
 * A notification's abstract recipients as concrete targets on every platform, each once. Used
 * wherever a notification is fanned out (the outbox dispatcher, the timers' announcements), so
 * every message reaches the same people: service audiences include the services that depend
 * on them (src/domain/audience.ts), and a channel, user group member or person named by
 * several recipients is one target, deduped by the destination it resolves to.
 */
import type { Db } from '../db/client.js';
import { listServices } from '../db/repos/catalogue.js';
import { findTeam } from '../db/repos/teams.js';
import { expandAudiences } from '../domain/audience.js';
import type { Recipient } from '../domain/notifications.js';
import type { Subject } from '../domain/subject.js';
import { type Notifier, targetKey } from './types.js';

/** The target keys (`slack:channel:C1`, `teams:user:...`) of `recipients`, without duplicates. */
export async function resolveTargets(db: Db, notifiers: readonly Notifier[], recipients: readonly Recipient[], subject: Subject): Promise<string[]> {
  const withTeams = recipients.flatMap((r) => (r.kind === 'team' ? teamRecipients(db, r.name) : [r]));
  const expanded = withTeams.some((r) => r.kind === 'audience') ? expandAudiences(withTeams, listServices(db)) : withTeams;
  const keys = new Set<string>();
  for (const recipient of expanded) {
    for (const notifier of notifiers) {
      for (const t of await notifier.resolve(recipient, subject)) keys.add(targetKey(t));
    }
  }
  return [...keys];
}

/**
 * A team as the recipients it stands for: its listed members, its Slack user group (each
 * notifier resolves the group's members when it is told, Slack through usergroups.users.list)
 * and its Teams channel. A team removed since is no one.
 */
export function teamRecipients(db: Db, name: string): Recipient[] {
  const team = findTeam(db, name);
  if (!team) return [];
  const refs = [
    team.slackUsergroup ? `slack:usergroup:${team.slackUsergroup}` : null,
    team.teamsChannel ? `teams:conversation:${team.teamsChannel}` : null,
  ].filter((r): r is string => !!r);
  return [...team.members.map((id) => ({ kind: 'person' as const, id })), ...(refs.length ? [{ kind: 'audience-refs' as const, refs }] : [])];
}
