/** Administration of what changes are planned against: services, maintenance windows, blackouts. */
import * as catalogue from '../db/repos/catalogue.js';
import { countRfcsUsingService } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { authorizeDeployment } from '../domain/permissions.js';
import { TERMINAL_STATES } from '../domain/rfc-machine.js';
import { formatRange, validateRrule, validateTimezone } from '../domain/schedule.js';
import { type Actor, type BlackoutWindow, type MaintenanceWindow, RFC_STATES, type Service } from '../domain/types.js';
import { adminLog, done } from './admin.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import type { BlackoutInput, IdInput, MaintenanceWindowInput, ServiceInput, ServiceRemoveInput } from './inputs.js';
import { refusal } from './next.js';
import { checkName, cleanText } from '../domain/text-rules.js';
import { said } from './text-input.js';

/** A service name as typed, to look up: names stored before the name rule still resolve. */
const typed = (name: string): string => cleanText(name, 'line');

const OPEN_STATES = RFC_STATES.filter((s) => !TERMINAL_STATES.includes(s));

/**
 * Adds the service, or updates the one of that name (`DB` updates `db`); unset parts are kept.
 * A new service's name follows the name rule (text-rules.ts); one stored before it keeps its name.
 */
export function addService(ctx: AppContext, actor: Actor, input: ServiceInput): Outcome<Service> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    const existing = catalogue.findService(tx, typed(input.name));
    const name = existing?.name ?? checkName('service', input.name, 'admin service add db-primary');
    const dependsOn = input.dependsOn?.map(typed).map((d) => catalogue.findService(tx, d)?.name ?? d);
    if (dependsOn?.some((d) => d.toLowerCase() === name.toLowerCase())) {
      throw new ChangebotError('bad_value', `A service cannot depend on itself (${name}).`, { field: 'depends' });
    }
    const unknown = (dependsOn ?? []).filter((d) => !catalogue.findService(tx, d));
    if (unknown.length) {
      throw refusal('bad_value', `Unknown service(s) in depends=: ${unknown.join(', ')}.`, [{ step: 'add-service', because: 'unknown-dependencies' }], {
        field: 'depends',
      });
    }
    const service = {
      name,
      owner: input.owner ?? existing?.owner ?? null,
      audience: input.audience ?? existing?.audience ?? [],
      dependsOn: dependsOn ?? existing?.dependsOn ?? [],
    };
    catalogue.upsertService(tx, service);
    adminLog(tx, ctx.clock.now(), actor, existing ? 'service-update' : 'service-add', { ...service });
    return done(service, `${existing ? 'Updated' : 'Added'} service ${name}.`);
  });
}

/** Refused while another service depends on it or an open RFC uses it. */
export function removeService(ctx: AppContext, actor: Actor, input: ServiceRemoveInput): Outcome<boolean> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    const name = catalogue.findService(tx, typed(input.name))?.name ?? typed(input.name);
    const dependents = catalogue.listServices(tx).filter((x) => x.dependsOn.includes(name));
    if (dependents.length) {
      throw new ChangebotError(
        'forbidden',
        `${dependents.map((x) => x.name).join(', ')} depend${dependents.length === 1 ? 's' : ''} on ${name}; change their depends= first.`,
      );
    }
    // Every open RFC counts, however old (a SQL count, not a capped list).
    const inUse = countRfcsUsingService(tx, OPEN_STATES, name);
    if (inUse.total) {
      const more = inUse.total > inUse.keys.length ? `, and ${inUse.total - inUse.keys.length} more` : '';
      throw new ChangebotError(
        'forbidden',
        `${name} is used by ${inUse.total} open RFC${inUse.total === 1 ? '' : 's'} (${inUse.keys.join(', ')}${more}); close or cancel them first.`,
      );
    }
    if (!catalogue.removeService(tx, name)) throw notFound('service', input.name);
    adminLog(tx, ctx.clock.now(), actor, 'service-remove', { name });
    return done(true, `Removed service ${name}.`);
  });
}

export function listServices(ctx: AppContext, _actor: Actor): Outcome<Service[]> {
  return inTransaction(ctx, (tx) => {
    const list = catalogue.listServices(tx);
    const lines = list.map(
      (s) =>
        `${s.name}${s.owner ? ` (owner ${s.owner})` : ''}${s.dependsOn.length ? ` depends on ${s.dependsOn.join(', ')}` : ''}${s.audience.length ? `; audience ${s.audience.join(', ')}` : ''}`,
    );
    if (lines.length) return done(list, lines.join('\n'));
    return { ...done(list, 'No services yet.'), next: [{ step: 'add-service', because: 'none-yet' }] };
  });
}

/** A recurring window in the actor's time zone, for one service or (no service) all. */
export function addMaintenanceWindow(ctx: AppContext, actor: Actor, input: MaintenanceWindowInput): Outcome<MaintenanceWindow> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    validateRrule(input.rrule);
    const service = input.service ? catalogue.findService(tx, typed(input.service)) : null;
    if (input.service && !service) throw notFound('service', input.service);
    if (input.durationMinutes <= 0) throw new ChangebotError('bad_value', 'The window needs a positive duration, e.g. duration=4h.', { field: 'duration' });
    validateTimezone(actor.timezone);
    const w = catalogue.addMaintenance(tx, {
      service: service?.name ?? null,
      rrule: input.rrule,
      durationMinutes: input.durationMinutes,
      timezone: actor.timezone,
    });
    adminLog(tx, ctx.clock.now(), actor, 'window-add', { ...w });
    return done(
      w,
      `Added maintenance window #${w.id} (${w.rrule}, ${w.durationMinutes} min, ${w.timezone}${w.service ? `, ${w.service}` : ', all services'}).`,
    );
  });
}

export function removeMaintenanceWindow(ctx: AppContext, actor: Actor, input: IdInput): Outcome<boolean> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    if (!catalogue.removeMaintenance(tx, input.id)) throw notFound('maintenance window', `#${input.id}`);
    adminLog(tx, ctx.clock.now(), actor, 'window-remove', { id: input.id });
    return done(true, `Removed maintenance window #${input.id}.`);
  });
}

export function listMaintenanceWindows(ctx: AppContext, _actor: Actor): Outcome<MaintenanceWindow[]> {
  return inTransaction(ctx, (tx) => {
    const list = catalogue.listMaintenance(tx);
    const lines = list.map((w) => `#${w.id} ${w.service ?? 'all services'}: ${w.rrule} for ${w.durationMinutes} min (${w.timezone})`);
    return done(list, lines.length ? lines.join('\n') : 'No maintenance windows: changes may be scheduled at any time.');
  });
}

export function addBlackout(ctx: AppContext, actor: Actor, input: BlackoutInput): Outcome<BlackoutWindow> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    if (input.end <= input.start) throw new ChangebotError('bad_value', 'A blackout must end after it starts.', { field: 'end' });
    const b = catalogue.addBlackout(tx, { start: input.start, end: input.end, reason: said('reason', input.reason) ?? null });
    adminLog(tx, ctx.clock.now(), actor, 'blackout-add', { id: b.id, start: b.start.toISOString(), end: b.end.toISOString(), reason: b.reason });
    return done(b, `Added blackout #${b.id}: ${formatRange(b, actor.timezone)}${b.reason ? ` (${b.reason})` : ''}.`);
  });
}

export function removeBlackout(ctx: AppContext, actor: Actor, input: IdInput): Outcome<boolean> {
  authorizeDeployment(actor, 'administer');
  return inTransaction(ctx, (tx) => {
    if (!catalogue.removeBlackout(tx, input.id)) throw notFound('blackout', `#${input.id}`);
    adminLog(tx, ctx.clock.now(), actor, 'blackout-remove', { id: input.id });
    return done(true, `Removed blackout #${input.id}.`);
  });
}

export function listBlackouts(ctx: AppContext, actor: Actor): Outcome<BlackoutWindow[]> {
  return inTransaction(ctx, (tx) => {
    const list = catalogue.listBlackouts(tx);
    const lines = list.map((b) => `#${b.id} ${formatRange(b, actor.timezone)}${b.reason ? ` — ${b.reason}` : ''}`);
    return done(list, lines.length ? lines.join('\n') : 'No blackout windows.');
  });
}

function notFound(what: string, name: string): ChangebotError {
  return new ChangebotError('not_found', `There is no ${what} ${name}.`);
}
