/** Administration of people and settings: roles and the CAB channel. */
import type { Db } from '../db/client.js';
import * as catalogue from '../db/repos/catalogue.js';
import { appendLog } from '../db/repos/log.js';
import * as people from '../db/repos/people.js';
import { ChangebotError } from '../domain/errors.js';
import { authorizeDeployment } from '../domain/permissions.js';
import type { Actor, Role } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import type { CabChannelInput, CabChannelQuery, GrantInput, RolesInput } from './inputs.js';
import { checkText } from '../domain/text-rules.js';

/** One change-log row for an administrative action (no RFC). */
export function adminLog(tx: Db, at: Date, actor: Actor, action: string, detail: Record<string, unknown>): void {
  appendLog(tx, { subject: null, at, actor: actor.id, action, detail });
}

export const done = <T>(result: T, message: string): Outcome<T> => ({ result, message, notifications: [] });

export function grantRole(ctx: AppContext, actor: Actor, input: GrantInput): Outcome<boolean> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    const now = ctx.clock.now();
    const added = people.grantRole(tx, input.person, input.role, actor.id, now);
    if (added) adminLog(tx, now, actor, 'grant', { person: input.person, role: input.role });
    return done(added, added ? `Granted ${input.role} to ${input.person}.` : `${input.person} already has ${input.role}.`);
  });
}

export function revokeRole(ctx: AppContext, actor: Actor, input: GrantInput): Outcome<boolean> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    const { person, role } = input;
    if (
      role === 'admin' &&
      people
        .listGrants(tx)
        .filter((g) => g.role === 'admin')
        .every((g) => g.personId === person)
    ) {
      throw new ChangebotError('forbidden', `${person} is the last admin; grant admin to someone else first.`);
    }
    const removed = people.revokeRole(tx, person, role);
    if (removed) adminLog(tx, ctx.clock.now(), actor, 'revoke', { person, role });
    return done(removed, removed ? `Revoked ${role} from ${person}.` : `${person} does not have ${role}.`);
  });
}

export function listRoles(ctx: AppContext, _actor: Actor, input: RolesInput = {}): Outcome<ReturnType<typeof people.listGrants>> {
  return inTransaction(ctx, (tx) => {
    const grants = people.listGrants(tx, input.person);
    const byPerson = new Map<string, Role[]>();
    for (const g of grants) byPerson.set(g.personId, [...(byPerson.get(g.personId) ?? []), g.role]);
    const lines = [...byPerson].map(([p, roles]) => `${p}: ${roles.join(', ')}`);
    return done(grants, lines.length ? lines.join('\n') : input.person ? `${input.person} has no roles.` : 'Nobody has a role yet.');
  });
}

/** Where the CAB voting cards of `input.platform` are posted from now on. */
export function setCabChannel(ctx: AppContext, actor: Actor, input: CabChannelInput): Outcome<string> {
  authorizeDeployment(actor, 'set-cab-channel');
  const channel = checkText('channel', input.channel);
  if (!channel)
    throw new ChangebotError('bad_value', 'Name the CAB channel. Example: /rfc admin cab-channel #cab', {
      field: 'channel',
      example: '/rfc admin cab-channel #cab',
    });
  input = { ...input, channel };
  return inTransaction(ctx, (tx) => {
    const now = ctx.clock.now();
    catalogue.setSetting(tx, cabChannelKey(input.platform), input.channel, actor.id, now);
    adminLog(tx, now, actor, 'cab-channel', { platform: input.platform, channel: input.channel });
    return done(input.channel, `CAB voting cards will be posted to ${input.channel}.`);
  });
}

/** Where the CAB voting cards go now, per platform. */
export function showCabChannel(ctx: AppContext, actor: Actor, input: CabChannelQuery): Outcome<null> {
  authorizeDeployment(actor, 'set-cab-channel');
  return inTransaction<null>(ctx, (tx) => {
    const lines = input.platforms.map((p) => `${p}: ${catalogue.getSetting(tx, cabChannelKey(p)) ?? 'not set'}`);
    return { ...done(null, `CAB channel (${lines.join('; ')}).`), next: [{ step: 'set-cab-channel-there' }] };
  });
}

export function cabChannelKey(platform: string): string {
  return `cab-channel:${platform}`;
}

export function cabChannel(db: Db, platform: string): string | null {
  return catalogue.getSetting(db, cabChannelKey(platform));
}

/** Grants admin to the people named in CHANGEBOT_ADMINS (idempotent; run at every start). */
export function bootstrapAdmins(ctx: AppContext, ids: readonly string[]): void {
  if (!ids.length) return;
  ctx.database.db.transaction(
    (tx) => {
      for (const id of ids) {
        if (people.grantRole(tx, id, 'admin', 'config:CHANGEBOT_ADMINS', ctx.clock.now())) {
          appendLog(tx, { subject: null, at: ctx.clock.now(), actor: 'config:CHANGEBOT_ADMINS', action: 'grant', detail: { person: id, role: 'admin' } });
        }
      }
    },
    { behavior: 'immediate' },
  );
}
