/** Cloning: a new draft from a finished RFC (rejected, closed, withdrawn or cancelled). */
import { listServices } from '../db/repos/catalogue.js';
import { appendLog } from '../db/repos/log.js';
import { insertRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { authorize } from '../domain/permissions.js';
import { missingForApproval } from '../domain/evaluation.js';
import { draftRfc } from '../domain/rfc.js';
import { STATE_LABELS, TERMINAL_STATES } from '../domain/rfc-machine.js';
import { rfcSubject } from '../domain/subject.js';
import type { Actor, Rfc } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { checkStandard } from './rfcs.js';
import { getRfc } from './support.js';

const CLONABLE = 'a rejected, closed, withdrawn or cancelled RFC';

/**
 * Starts a new draft with the content of RFC `key`: the actor becomes its requester and owner,
 * the window is kept only if it has not started yet, and services no longer in the catalogue
 * are dropped. Whoever may raise an RFC may clone one (a standard change only a change manager).
 */
export function clone(ctx: AppContext, actor: Actor, key: string): Outcome<Rfc> {
  return inTransaction(ctx, (tx) => {
    const from = getRfc(tx, key);
    authorize(actor, from, 'clone', ctx.policy);
    if (!TERMINAL_STATES.includes(from.state)) {
      throw new ChangebotError(
        'invalid_transition',
        `${from.key} is ${STATE_LABELS[from.state].toLowerCase()}, so it can't be cloned; only ${CLONABLE} can. Change it as it is instead.`,
        { state: from.state, action: 'clone' },
      );
    }
    checkStandard(actor, { category: from.category });
    const now = ctx.clock.now();
    const known = new Set(listServices(tx).map((s) => s.name));
    const services = from.services.filter((s) => known.has(s));
    const dropped = from.services.filter((s) => !known.has(s));
    const draft = draftRfc(actor.id, now, {
      title: from.title,
      description: from.description,
      justification: from.justification,
      category: from.category,
      // An emergency is declared for the change at hand, not inherited by a rework.
      emergency: false,
      services,
      impact: from.impact,
      likelihood: from.likelihood,
      urgency: from.urgency,
      plan: from.plan,
      backout: from.backout,
      test: from.test,
      cost: from.cost,
      resources: from.resources,
      outage: from.outage,
      window: from.window && from.window.start.getTime() > now.getTime() ? from.window : null,
      clonedFrom: from.key,
    });
    const { id: _id, key: _key, ...data } = draft;
    const rfc = insertRfc(tx, data);
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at: now,
      actor: actor.id,
      action: 'raise',
      fromState: null,
      toState: 'draft',
      detail: { clonedFrom: from.key },
    });
    appendLog(tx, { subject: rfcSubject(from.key), at: now, actor: actor.id, action: 'clone', detail: { clone: rfc.key } });
    const missing = missingForApproval(rfc, ctx.policy, now, actor.timezone).map((m) => m.what);
    const message = [
      `Cloned ${from.key} as ${rfc.key} “${rfc.title}” (a draft).`,
      ...(from.emergency ? ['It is not an emergency change unless you mark it again (emergency=yes).'] : []),
      ...(dropped.length ? [`Left out service${dropped.length > 1 ? 's' : ''} no longer in the catalogue: ${dropped.join(', ')}.`] : []),
      ...(missing.length ? [`Before you submit it, add ${missing.join(', ')}.`] : []),
    ].join(' ');
    return { result: rfc, rfc, message, ...(missing.length ? {} : { next: [{ step: 'submit', key: rfc.key }] }), notifications: [] };
  });
}
