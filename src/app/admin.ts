/** Administration: roles, the service catalogue, maintenance and blackout windows, settings. */
import type { AdminCommand } from '../commands/types.js';
import type { Db } from '../db/client.js';
import * as catalogue from '../db/repos/catalogue.js';
import { appendLog } from '../db/repos/log.js';
import { grantRole, listGrants, revokeRole } from '../db/repos/people.js';
import { listRfcs } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { TERMINAL_STATES } from '../domain/rfc-machine.js';
import { formatRange, validateRrule, validateTimezone } from '../domain/schedule.js';
import { RFC_STATES, type Actor, type Role } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { authorizeDeployment } from '../domain/permissions.js';

/** Where the platform adapter says the command was typed (for `cab-channel` without an argument). */
export interface Where {
  platform: string;
  channel?: string;
}

const OPEN_STATES = RFC_STATES.filter((s) => !TERMINAL_STATES.includes(s));

export function admin(ctx: AppContext, actor: Actor, cmd: AdminCommand, where: Where = { platform: 'cli' }): Outcome<unknown> {
  const readOnly = cmd.kind === 'roles' || cmd.kind === 'service-list' || cmd.kind === 'window-list' || cmd.kind === 'blackout-list';
  if (cmd.kind === 'cab-channel') authorizeDeployment(actor, 'set-cab-channel');
  else if (!readOnly) authorizeDeployment(actor, 'administer');
  return inTransaction<unknown>(ctx, (tx) => {
    const now = ctx.clock.now();
    const log = (action: string, detail: Record<string, unknown>) => appendLog(tx, { rfcId: null, at: now, actor: actor.id, action, detail });
    const done = <T>(result: T, message: string): Outcome<T> => ({ result, message, notifications: [] });
    switch (cmd.kind) {
      case 'grant': {
        const added = grantRole(tx, cmd.person, cmd.role, actor.id, now);
        if (added) log('grant', { person: cmd.person, role: cmd.role });
        return done(added, added ? `Granted ${cmd.role} to ${cmd.person}.` : `${cmd.person} already has ${cmd.role}.`);
      }
      case 'revoke': {
        if (cmd.role === 'admin' && listGrants(tx).filter((g) => g.role === 'admin').every((g) => g.personId === cmd.person)) {
          throw new ChangebotError('forbidden', `${cmd.person} is the last admin; grant admin to someone else first.`);
        }
        const removed = revokeRole(tx, cmd.person, cmd.role);
        if (removed) log('revoke', { person: cmd.person, role: cmd.role });
        return done(removed, removed ? `Revoked ${cmd.role} from ${cmd.person}.` : `${cmd.person} does not have ${cmd.role}.`);
      }
      case 'roles': {
        const grants = listGrants(tx, cmd.person);
        const byPerson = new Map<string, Role[]>();
        for (const g of grants) byPerson.set(g.personId, [...(byPerson.get(g.personId) ?? []), g.role]);
        const lines = [...byPerson].map(([p, roles]) => `${p}: ${roles.join(', ')}`);
        return done(grants, lines.length ? lines.join('\n') : cmd.person ? `${cmd.person} has no roles.` : 'Nobody has a role yet.');
      }
      case 'service-add': {
        const existing = catalogue.findService(tx, cmd.name);
        const name = existing?.name ?? cmd.name; // `DB` updates `db`
        const dependsOn = cmd.dependsOn?.map((d) => catalogue.findService(tx, d)?.name ?? d);
        if (dependsOn?.some((d) => d.toLowerCase() === name.toLowerCase())) {
          throw new ChangebotError('bad_value', `A service cannot depend on itself (${name}).`, { field: 'depends' });
        }
        const unknown = (dependsOn ?? []).filter((d) => !catalogue.findService(tx, d));
        if (unknown.length) {
          throw new ChangebotError('bad_value', `Unknown service(s) in depends=: ${unknown.join(', ')}. Add them first with \`/rfc admin service add NAME\`.`, { field: 'depends' });
        }
        const service = {
          name,
          owner: cmd.owner ?? existing?.owner ?? null,
          audience: cmd.audience ?? existing?.audience ?? [],
          dependsOn: dependsOn ?? existing?.dependsOn ?? [],
        };
        catalogue.upsertService(tx, service);
        log(existing ? 'service-update' : 'service-add', { ...service });
        return done(service, `${existing ? 'Updated' : 'Added'} service ${name}.`);
      }
      case 'service-remove': {
        const name = catalogue.findService(tx, cmd.name)?.name ?? cmd.name;
        const dependents = catalogue.listServices(tx).filter((x) => x.dependsOn.includes(name));
        if (dependents.length) {
          throw new ChangebotError('forbidden', `${dependents.map((x) => x.name).join(', ')} depend${dependents.length === 1 ? 's' : ''} on ${name}; change their depends= first.`);
        }
        const inUse = listRfcs(tx, { states: OPEN_STATES }).filter((r) => r.services.includes(name));
        if (inUse.length) {
          throw new ChangebotError('forbidden', `${name} is used by open RFCs (${inUse.map((r) => r.key).join(', ')}); close or cancel them first.`);
        }
        if (!catalogue.removeService(tx, name)) throw notFound('service', cmd.name);
        log('service-remove', { name });
        return done(true, `Removed service ${name}.`);
      }
      case 'service-list': {
        const list = catalogue.listServices(tx);
        const lines = list.map(
          (s) =>
            `${s.name}${s.owner ? ` (owner ${s.owner})` : ''}${s.dependsOn.length ? ` depends on ${s.dependsOn.join(', ')}` : ''}${s.audience.length ? `; audience ${s.audience.join(', ')}` : ''}`,
        );
        return done(list, lines.length ? lines.join('\n') : 'No services yet. Add one with `/rfc admin service add NAME`.');
      }
      case 'window-add': {
        validateRrule(cmd.rrule);
        const service = cmd.service ? catalogue.findService(tx, cmd.service) : null;
        if (cmd.service && !service) throw notFound('service', cmd.service);
        if (cmd.durationMinutes <= 0) throw new ChangebotError('bad_value', 'The window needs a positive duration, e.g. duration=4h.', { field: 'duration' });
        validateTimezone(actor.timezone);
        const w = catalogue.addMaintenance(tx, {
          service: service?.name ?? null,
          rrule: cmd.rrule,
          durationMinutes: cmd.durationMinutes,
          timezone: actor.timezone,
        });
        log('window-add', { ...w });
        return done(w, `Added maintenance window #${w.id} (${w.rrule}, ${w.durationMinutes} min, ${w.timezone}${w.service ? `, ${w.service}` : ', all services'}).`);
      }
      case 'window-remove': {
        if (!catalogue.removeMaintenance(tx, cmd.id)) throw notFound('maintenance window', `#${cmd.id}`);
        log('window-remove', { id: cmd.id });
        return done(true, `Removed maintenance window #${cmd.id}.`);
      }
      case 'window-list': {
        const list = catalogue.listMaintenance(tx);
        const lines = list.map((w) => `#${w.id} ${w.service ?? 'all services'}: ${w.rrule} for ${w.durationMinutes} min (${w.timezone})`);
        return done(list, lines.length ? lines.join('\n') : 'No maintenance windows: changes may be scheduled at any time.');
      }
      case 'blackout-add': {
        if (cmd.end <= cmd.start) throw new ChangebotError('bad_value', 'A blackout must end after it starts.', { field: 'end' });
        const b = catalogue.addBlackout(tx, { start: cmd.start, end: cmd.end, reason: cmd.reason ?? null });
        log('blackout-add', { id: b.id, start: b.start.toISOString(), end: b.end.toISOString(), reason: b.reason });
        return done(b, `Added blackout #${b.id}: ${formatRange(b, actor.timezone)}${b.reason ? ` (${b.reason})` : ''}.`);
      }
      case 'blackout-remove': {
        if (!catalogue.removeBlackout(tx, cmd.id)) throw notFound('blackout', `#${cmd.id}`);
        log('blackout-remove', { id: cmd.id });
        return done(true, `Removed blackout #${cmd.id}.`);
      }
      case 'blackout-list': {
        const list = catalogue.listBlackouts(tx);
        const lines = list.map((b) => `#${b.id} ${formatRange(b, actor.timezone)}${b.reason ? ` — ${b.reason}` : ''}`);
        return done(list, lines.length ? lines.join('\n') : 'No blackout windows.');
      }
      case 'cab-channel': {
        const channel = cmd.channel ?? where.channel;
        if (!channel) {
          // Nothing to set (the CLI): say where the cards go now.
          const platforms = where.platform === 'cli' ? ['slack', 'teams'] : [where.platform];
          const lines = platforms.map((p) => `${p}: ${catalogue.getSetting(tx, cabChannelKey(p)) ?? 'not set'}`);
          return done(null, `CAB channel (${lines.join('; ')}). To set it, run \`/rfc admin cab-channel\` in the CAB channel.`);
        }
        catalogue.setSetting(tx, cabChannelKey(where.platform), channel, actor.id, now);
        log('cab-channel', { platform: where.platform, channel });
        return done(channel, `CAB voting cards will be posted to ${channel}.`);
      }
    }
  });
}

export function cabChannelKey(platform: string): string {
  return `cab-channel:${platform}`;
}

export function cabChannel(db: Db, platform: string): string | null {
  return catalogue.getSetting(db, cabChannelKey(platform));
}

function notFound(what: string, name: string): ChangebotError {
  return new ChangebotError('not_found', `There is no ${what} ${name}.`);
}

/** Grants admin to the people named in CHANGEBOT_ADMINS (idempotent; run at every start). */
export function bootstrapAdmins(ctx: AppContext, ids: readonly string[]): void {
  if (!ids.length) return;
  ctx.database.db.transaction(
    (tx) => {
      for (const id of ids) {
        if (grantRole(tx, id, 'admin', 'config:CHANGEBOT_ADMINS', ctx.clock.now())) {
          appendLog(tx, { rfcId: null, at: ctx.clock.now(), actor: 'config:CHANGEBOT_ADMINS', action: 'grant', detail: { person: id, role: 'admin' } });
        }
      }
    },
    { behavior: 'immediate' },
  );
}
