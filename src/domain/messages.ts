/**
 * The words of every notification, written for the person who receives it: what happens to
 * which service, when (in their zone), the expected impact, who to contact, and the RFC key.
 */
import type { NotificationEvent } from './notifications.js';
import { needsProblem, reviewSummary, wentWrong } from './review.js';
import type { Rfc } from './types.js';
import { formatMinutes } from './views.js';
import { formatInstant, formatRange } from './windows.js';

export function messageText(event: NotificationEvent | string, rfc: Rfc, zone: string, detail?: string, outcome?: 'approved' | 'rejected'): string {
  const svc = rfc.services.length ? rfc.services.join(', ') : 'no listed service';
  const when = rfc.window ? formatRange(rfc.window, zone) : 'at a time not yet planned';
  const impact = rfc.outage?.minutes
    ? `Expected impact: up to ${formatMinutes(rfc.outage.minutes)} of outage${rfc.outage.audience ? ` for ${rfc.outage.audience}` : ''}.`
    : 'No outage is expected.';
  const contact = `Questions: contact ${rfc.owner} (change owner).`;
  const ref = `${rfc.key} “${rfc.title}”`;
  const why = detail ? ` (${detail})` : '';
  switch (event) {
    case 'vote-requested':
      return `CAB vote needed on ${ref}: ${rfc.category}${rfc.emergency ? ' EMERGENCY' : ''} change to ${svc}, ${when}.`;
    case 'approval-requested':
      return `${ref} (${rfc.category} change to ${svc}, ${when}) waits for a change manager's approval. Approve with \`/rfc vote ${rfc.key} approve\`.`;
    case 'decided': {
      const approved = (outcome ?? (rfc.state === 'rejected' ? 'rejected' : 'approved')) === 'approved';
      if (!approved && (rfc.state === 'approved' || rfc.state === 'scheduled')) {
        // A new window was rejected; the approval given before stands.
        return `The new window of ${ref} was not approved${why}. Schedule it inside the window approved before: \`/rfc schedule ${rfc.key}\`.`;
      }
      const next = approved && rfc.state === 'approved' ? ` Schedule it with \`/rfc schedule ${rfc.key}\`.` : '';
      return `${ref} was ${approved ? 'approved' : 'rejected'}${why}.${next}`;
    }
    case 'escalated':
      return `The CAB vote on ${ref} passed its deadline undecided; a change manager must decide: \`/rfc vote ${rfc.key} approve|reject\`.`;
    case 'scheduled':
      return `${ref} is scheduled ${when}.`;
    case 'rescheduled':
      return `Planned maintenance moved: ${svc} will now be changed ${when} (${ref}). ${impact} ${contact}`;
    case 'outage-notice':
      return `Planned maintenance on ${svc} ${when} (${ref}). ${impact} ${contact}`;
    // Timed events of the scheduler (src/domain/timers.ts).
    case 'reminder-24h':
      return `Reminder: your change ${ref} on ${svc} starts in about 24 hours, ${when}. ${impact} Reschedule with \`/rfc reschedule ${rfc.key} start=...\` if it cannot go ahead.`;
    case 'reminder-1h':
      return `Reminder: your change ${ref} on ${svc} starts in about an hour, ${when}. Run \`/rfc start ${rfc.key}\` when you begin.`;
    case 'start-prompt':
      return `The window for ${ref} on ${svc} has opened (${when}). Start implementation? Run \`/rfc start ${rfc.key}\` when you begin, or \`/rfc reschedule ${rfc.key}\` if it cannot go ahead.`;
    case 'overrun':
      return `Overrun: ${ref} on ${svc} is still implementing and its window has ended (${when}). Change owner ${rfc.owner}: finish with \`/rfc done ${rfc.key}\` or back out with \`/rfc backout ${rfc.key}\`.`;
    case 'vote-reminder':
      return `Reminder: ${ref} (${rfc.category} change to ${svc}, ${when}) is waiting for your vote${rfc.voteDeadline ? `; the vote closes ${formatInstant(rfc.voteDeadline, zone)}` : ''}. Vote with \`/rfc vote ${rfc.key} approve|reject\`.`;
    case 'schedule-reminder':
      return `${ref} was approved and is not scheduled yet. Schedule it with \`/rfc schedule ${rfc.key}\` (its approval covers ${when}), or cancel it if it is no longer needed.`;
    case 'review-reminder':
      return `${ref} on ${svc} is waiting for its post-implementation review. Record how it went with \`/rfc review ${rfc.key} notes="..."\`.`;
    // Change tasks (src/app/tasks.ts); `detail` is the task's line, "#2 Open 443 ... — team network, due ... — open".
    case 'task-assigned':
    case 'task-due': {
      const n = /^#(\d+)/.exec(detail ?? '')?.[1] ?? 'N';
      const lead =
        event === 'task-assigned' ? `New task for you on ${ref} (${svc}, ${when})` : `Reminder: a task of ${ref} (${svc}, ${when}) is due in about 2 hours`;
      return `${lead}: ${detail ?? 'see the RFC'}. When it is done: \`/rfc task done ${rfc.key} ${n} note="..."\` (or \`/rfc task skip ${rfc.key} ${n} reason="..."\` if it does not apply).`;
    }
    case 'tasks-done':
      return `Every task of your change ${ref} is finished${detail ? ` (${detail} task${detail === '1' ? '' : 's'})` : ''}. See them with \`/rfc task list ${rfc.key}\`.`;
    case 'delivery-failed':
      return `Some messages about ${ref} could not be delivered${why}. Please tell the people concerned another way.`;
    case 'started':
      return `Maintenance started on ${svc} (${ref}), planned ${when}. ${impact} ${contact}`;
    case 'completed':
      return `Service restored: maintenance on ${svc} is complete (${ref}).`;
    case 'backed-out':
      return `Service restored: the change to ${svc} was backed out (${ref})${why}.`;
    case 'failed':
      return `${ref} failed during implementation${why}. Back it out with \`/rfc backout ${rfc.key}\` if needed.`;
    case 'review-requested': {
      const found = rfc.review ? ` Review: ${reviewSummary(rfc.review)}${rfc.problem ? `, problem ${rfc.problem}` : ''}.` : '';
      if (rfc.review && needsProblem(rfc)) {
        return `${ref} is in its post-implementation review${why}.${found} ${wentWrong(rfc.key, rfc.review.outcome)}, so its review needs a problem reference before it can be closed: change owner ${rfc.owner}, add one with \`/rfc review ${rfc.key} problem=PRB-123\`.`;
      }
      return `${ref} is ready for its post-implementation review${why}.${found} Close it with \`/rfc close ${rfc.key}\`.`;
    }
    case 'closed':
      return `${ref} is closed.`;
    case 'withdrawn':
      return `${ref} was withdrawn${why}.`;
    case 'cancelled':
      return `Planned change cancelled: ${ref} on ${svc} will not happen${why}.`;
    default:
      return `${ref}: ${event}${why}.`;
  }
}
