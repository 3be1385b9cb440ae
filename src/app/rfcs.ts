/** Raising and preparing RFCs: raise, edit, submit (with evaluation), withdraw, cancel. */
import { rfcSubject } from '../domain/subject.js';
import { fieldChanges } from '../domain/changelog.js';
import { appendLog } from '../db/repos/log.js';
import { insertRfc, updateRfc } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import { type Notification, people } from '../domain/notifications.js';
import { missingForApproval } from '../domain/evaluation.js';
import { approvalPath } from '../domain/policy.js';
import { evaluate, openApproval } from './approval.js';
import { draftRfc } from '../domain/rfc.js';
import type { Actor, Rfc } from '../domain/types.js';
import { type AppContext, type Outcome, inTransaction } from './context.js';
import { applyFields } from './fields.js';
import type { EditInput, RaiseInput, RfcFields } from './inputs.js';
import { refusal } from './next.js';
import { cleanText } from '../domain/text-rules.js';
import { said } from './text-input.js';
import { authorize, authorizeDeployment } from '../domain/permissions.js';
import { checkReleaseRfc, getRfc, move } from './support.js';
import { leaveRelease } from './releases.js';
import { tasksFromTemplate } from './tasks.js';
import { checkTemplateLive, checkTemplateWindow, templateForRaise, templateOf } from './templates.js';
import { checkTemplateTitle, leavesTemplate } from '../domain/templates.js';
import { orList } from '../domain/permissions.js';

export function raise(ctx: AppContext, actor: Actor, fields: RaiseInput): Outcome<Rfc> {
  return inTransaction(ctx, (tx) => {
    const now = ctx.clock.now();
    if (!cleanText(fields.title ?? '', 'line')) {
      throw refusal('bad_value', 'An RFC needs a title.', [{ step: 'give-title' }], { field: 'title' });
    }
    // From a template: a standard change anyone may raise, with the template's plans.
    const tpl = fields.template !== undefined ? templateForRaise(tx, fields) : null;
    if (!tpl) checkStandard(actor, fields);
    const blank = draftRfc(
      actor.id,
      now,
      tpl
        ? {
            category: 'standard',
            services: tpl.services,
            description: tpl.description,
            plan: tpl.plan,
            backout: tpl.backout,
            test: tpl.test,
            templateName: tpl.name,
            templateVersion: tpl.version,
          }
        : {},
    );
    const { template: _template, ...given } = fields;
    const { rfc: filled } = applyFields(tx, blank, given, actor, now);
    if (tpl) {
      checkTemplateTitle(tpl, filled.title);
      checkTemplateWindow(tx, filled, filled.window);
    }
    const { id: _id, key: _key, ...data } = filled;
    const rfc = insertRfc(tx, data);
    appendLog(tx, {
      subject: rfcSubject(rfc.key),
      at: now,
      actor: actor.id,
      action: 'raise',
      fromState: null,
      toState: 'draft',
      ...(tpl ? { detail: { template: tpl.name, templateVersion: tpl.version } } : {}),
    });
    // The template's change tasks come with it.
    const told = tpl ? tasksFromTemplate(tx, ctx, actor, rfc, tpl) : [];
    const missing = missingForApproval(rfc, ctx.policy, now, actor.timezone);
    const from = tpl ? ` from template ${tpl.name} v${tpl.version} (a standard change: approved when you submit it)` : '';
    const tasks = tpl?.tasks.length ? ` It has the template's ${tpl.tasks.length} task${tpl.tasks.length === 1 ? '' : 's'} (/rfc tasks ${rfc.key}).` : '';
    const message = `Raised ${rfc.key} “${rfc.title}”${from} as a draft.${tasks}${missing.length ? ` Before you submit it, add ${missing.map((m) => m.what).join(', ')}.` : ''}`;
    return { result: rfc, rfc, message, ...(missing.length ? {} : { next: [{ step: 'submit', key: rfc.key }] }), notifications: told };
  });
}

export function edit(ctx: AppContext, actor: Actor, key: string, fields: EditInput): Outcome<Rfc> {
  return inTransaction(ctx, (tx) => {
    const rfc = getRfc(tx, key);
    authorize(actor, rfc, 'edit', ctx.policy);
    if (rfc.state !== 'draft') {
      throw new ChangebotError(
        'invalid_transition',
        `${rfc.key} can only be edited while it is a draft (it is ${rfc.state.replace('_', ' ')}). Withdraw or cancel it and raise a new one to change it now.`,
      );
    }
    if (fields.template !== undefined) {
      throw new ChangebotError(
        'bad_value',
        `template= is for raising a change: /rfc new template=NAME "title". To use a template for ${rfc.key}'s work, raise a new change from it and cancel ${rfc.key}.`,
        { field: 'template', example: '/rfc template list' },
      );
    }
    const tpl = templateOf(tx, rfc);
    // A change still following its template keeps the standard category the template gave it.
    if (!tpl || fields.category !== 'standard') checkStandard(actor, fields);
    const { rfc: next, changed } = applyFields(tx, rfc, fields, actor, ctx.clock.now());
    if (changed.length === 0) {
      throw refusal('bad_command', 'Nothing to change.', [{ step: 'edit', key: rfc.key, with: 'example' }]);
    }
    let normal = '';
    if (tpl) {
      // The "edited plan is a normal change" rule: the pre-approval covers the template's plans only.
      const left = leavesTemplate(rfc, next);
      const recategorised = next.category !== 'standard' || next.emergency;
      if (left.length || recategorised) {
        if (next.category === 'standard') {
          next.category = 'minor';
          changed.push('category');
        }
        next.templateName = null;
        next.templateVersion = null;
        changed.push('templateName', 'templateVersion');
        const why = left.length
          ? `its ${orList(left).replace(/ or /, ' and ')} no longer ${left.length > 1 ? 'follow' : 'follows'} template ${tpl.name} v${tpl.version}`
          : `it is no longer a standard change from template ${tpl.name} v${tpl.version}`;
        normal = ` ${rfc.key} is now a normal (${next.category}) change: ${why}, so it needs approval.`;
      } else {
        if (changed.includes('title')) checkTemplateTitle(tpl, next.title);
        if (changed.includes('window')) checkTemplateWindow(tx, next, next.window);
      }
    }
    const now = ctx.clock.now();
    const saved = updateRfc(tx, { ...next, updatedAt: now });
    // The audit trail keeps each field's old and new value, not only its name.
    appendLog(tx, { subject: rfcSubject(rfc.key), at: now, actor: actor.id, action: 'edit', detail: { changes: fieldChanges(rfc, saved, changed) } });
    const shown = changed.filter((c) => c !== 'templateName' && c !== 'templateVersion' && !(normal && c === 'category'));
    return { result: saved, rfc: saved, message: `Updated ${shown.join(', ')} of ${rfc.key}.${normal}`, notifications: [] };
  });
}

/**
 * Submit: draft -> submitted, then evaluation. Refused (nothing changes) while anything the
 * policy needs is missing or the window leaves too little notice. Standard changes are
 * pre-approved; others go to approval.
 */
export function submit(ctx: AppContext, actor: Actor, key: string): Outcome<Rfc> {
  return inTransaction(ctx, (tx) => {
    let rfc = getRfc(tx, key);
    authorize(actor, rfc, 'submit', ctx.policy);
    if (rfc.state === 'draft') {
      checkTemplateLive(tx, rfc);
      checkTemplateWindow(tx, rfc, rfc.window);
      evaluate(ctx, actor, rfc, 'submit');
    }
    rfc = move(tx, ctx, actor, rfc, 'submit');
    const path = approvalPath(rfc, ctx.policy);
    if (path === 'pre-approved') {
      const now = ctx.clock.now();
      rfc = move(tx, ctx, actor, rfc, 'pre_approve', { reason: 'standard change: pre-approved', patch: { approvedWindow: rfc.window, approvedAt: now } });
      return {
        result: rfc,
        rfc,
        message: `${rfc.key} is a standard change${rfc.templateName ? ` (template ${rfc.templateName} v${rfc.templateVersion})` : ''} and is approved.`,
        next: [{ step: 'schedule', key: rfc.key }],
        notifications: [
          {
            event: 'decided',
            subject: rfcSubject(rfc.key),
            recipients: people([rfc.requester, rfc.owner], actor.id),
            detail: rfc.templateName ? `pre-approved standard change (template ${rfc.templateName} v${rfc.templateVersion})` : 'pre-approved standard change',
            outcome: 'approved',
          },
        ],
      };
    }
    const opened = openApproval(tx, ctx, actor, rfc, 'evaluate', { reason: 'evaluation passed' });
    return {
      result: opened.rfc,
      rfc: opened.rfc,
      message: `${rfc.key} passed evaluation and ${opened.asked}.${opened.notes}`,
      notifications: opened.notifications,
    };
  });
}

export function withdraw(ctx: AppContext, actor: Actor, key: string, given?: string): Outcome<Rfc> {
  const reason = said('reason', given);
  return inTransaction(ctx, (tx) => {
    const before = getRfc(tx, key);
    authorize(actor, before, 'withdraw', ctx.policy);
    checkReleaseRfc(tx, before, 'withdraw');
    const rfc = move(tx, ctx, actor, before, 'withdraw', { reason });
    return {
      result: rfc,
      rfc,
      message: `Withdrew ${rfc.key}.${before.releaseKey ? ` It left ${before.releaseKey}.` : ''}`,
      notifications: [...closingNotice(before, rfc, 'withdrawn', actor, reason), ...leaveRelease(tx, ctx, actor, rfc, 'was withdrawn', reason)],
    };
  });
}

export function cancel(ctx: AppContext, actor: Actor, key: string, given?: string): Outcome<Rfc> {
  const reason = said('reason', given);
  return inTransaction(ctx, (tx) => {
    const before = getRfc(tx, key);
    authorize(actor, before, 'cancel', ctx.policy);
    checkReleaseRfc(tx, before, 'cancel');
    const rfc = move(tx, ctx, actor, before, 'cancel', { reason });
    return {
      result: rfc,
      rfc,
      message: `Cancelled ${rfc.key}.${before.releaseKey ? ` It left ${before.releaseKey}.` : ''}`,
      notifications: [...closingNotice(before, rfc, 'cancelled', actor, reason), ...leaveRelease(tx, ctx, actor, rfc, 'was cancelled', reason)],
    };
  });
}

function closingNotice(before: Rfc, rfc: Rfc, event: 'withdrawn' | 'cancelled', actor: Actor, reason?: string): Notification[] {
  const out: Notification[] = [{ event, subject: rfcSubject(rfc.key), recipients: people([rfc.requester, rfc.owner], actor.id), detail: reason }];
  // Users told about a planned outage hear that it is off.
  if (before.state === 'scheduled' && rfc.outage?.minutes) {
    out.push({ event, subject: rfcSubject(rfc.key), recipients: rfc.services.map((service) => ({ kind: 'audience', service }) as const), detail: reason });
  }
  return out;
}

/**
 * Standard changes are pre-approved, so choosing that category is itself an approval: only a
 * change manager (or admin) may mark a change standard. (Standard-change templates, which
 * would let anyone raise one from an approved recipe, are not modelled yet.)
 */
export function checkStandard(actor: Actor, fields: RfcFields): void {
  if (fields.category !== 'standard') return;
  try {
    authorizeDeployment(actor, 'mark-standard');
  } catch (e) {
    if (e instanceof ChangebotError) throw new ChangebotError(e.code, e.message, { ...e.details, field: 'category' });
    throw e;
  }
}
