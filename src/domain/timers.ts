/**
 * The bot's clockwork, as a pure function of an RFC row and the settings: which timed events
 * must exist right now, when each is due, and who it is for. The scheduler adds exactly these
 * to the queue, the reconciler repairs the queue towards them, and a firing job checks it is
 * still one of them. Nothing here reads a clock or a database.
 */
import type { Recipient } from './notifications.js';
import { type Subject, parseTimerJobId, rfcSubject, timedKey, timerJobId } from './subject.js';
import type { Rfc } from './types.js';

export const TIMER_KINDS = [
  'reminder-24h', // owner, 24 h before the window
  'reminder-1h', // owner, 1 h before the window
  'outage-notice', // each affected service's audience, OUTAGE_NOTICE_HOURS before the window
  'start-prompt', // owner, at window start: "start implementation?"
  'overrun', // owner, change managers, CAB channel: the window ended while still implementing
  'review-reminder', // owner, after completion: the post-implementation review is due
  'vote-deadline', // decide or escalate an undecided CAB vote
  'vote-reminder', // CAB members who have not voted yet, halfway to the deadline
  'schedule-reminder', // owner, a day after approval while still unscheduled
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface TimerSettings {
  /** Hours of advance notice to the audience; 0 turns the notice off. */
  outageNoticeHours: number;
  /** Hours after completion (or the window's end, if later) to remind the owner of the review. */
  reviewReminderHours: number;
  /** Hours after approval to remind the owner of a change still not scheduled. */
  scheduleReminderHours: number;
}

export const DEFAULT_TIMER_SETTINGS: TimerSettings = { outageNoticeHours: 24, reviewReminderHours: 24, scheduleReminderHours: 24 };

export interface Timer {
  kind: TimerKind;
  subject: Subject;
  /** The window start (the deadline for `vote-deadline`, the vote's opening for `vote-reminder`, the approval for `schedule-reminder`), compact UTC: 20261205T220000Z. */
  stamp: string;
  /** Deterministic queue job id: `RFC-1.reminder-24h.20261205T220000Z` (no `:`, BullMQ's rule). */
  id: string;
  dueAt: Date;
  /** Empty for `vote-deadline` and `vote-reminder`: who is told depends on the votes when it fires. */
  recipients: Recipient[];
}

const H = 3_600_000;

/** `2026-12-05T22:00:00.000Z` -> `20261205T220000Z`. */
export function stampOf(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A timer's parts from its job id, or null for any other job id. */
export function parseTimerId(id: string): { subject: Subject; kind: TimerKind; stamp: string } | null {
  const p = parseTimerJobId(id);
  if (!p || !(TIMER_KINDS as readonly string[]).includes(p.kind)) return null;
  return { subject: p.subject, kind: p.kind as TimerKind, stamp: p.stamp };
}

/** The delivery key of a fired timer. */
export function firedKey(t: Pick<Timer, 'kind' | 'subject' | 'stamp'>): string {
  return timedKey(t.kind, t.subject, t.stamp);
}

/** States in which an RFC can have timers (the reconciler reads only these). */
export const TIMED_STATES = ['awaiting_approval', 'approved', 'scheduled', 'implementing', 'implemented', 'failed', 'backed_out'] as const;

/**
 * The timers an RFC must have at `now`. `fired` holds the `firedKey`s already sent (from the
 * change log), which are never due again.
 *
 * Late events (Redis was down, the bot was off, or the RFC was scheduled at short notice):
 * - owner reminders are skipped when they were already past at scheduling time (the owner has
 *   just scheduled it), and sent at once if missed since, until the next step takes over
 *   (the 24 h reminder until the 1 h one is due, the 1 h reminder until the window starts);
 * - the outage notice is sent at once when late, until the window starts: users must be told;
 * - the start prompt is sent at once until the window ends; overrun, review reminder and the
 *   vote deadline are handled at once whenever they are late, one event each, never piled up.
 */
export function timersFor(rfc: Rfc, settings: TimerSettings, now: Date, fired: ReadonlySet<string> = new Set()): Timer[] {
  const out: Timer[] = [];
  const t = now.getTime();
  const add = (kind: TimerKind, dueAt: number, stampDate: Date, recipients: Recipient[]) => {
    const stamp = stampOf(stampDate);
    const subject = rfcSubject(rfc.key);
    const timer: Timer = { kind, subject, stamp, id: timerJobId(kind, subject, stamp), dueAt: new Date(dueAt), recipients };
    if (!fired.has(firedKey(timer))) out.push(timer);
  };
  const owner: Recipient[] = [{ kind: 'person', id: rfc.owner }];
  const w = rfc.window;

  if (rfc.state === 'awaiting_approval' && rfc.voteDeadline && !rfc.escalated) {
    add('vote-deadline', rfc.voteDeadline.getTime(), rfc.voteDeadline, []);
    // One reminder halfway, for a vote long enough to need one (not when the deadline is near).
    const opened = rfc.voteOpenedAt?.getTime();
    const deadline = rfc.voteDeadline.getTime();
    if (opened !== undefined && deadline - opened >= H && t < deadline) add('vote-reminder', opened + (deadline - opened) / 2, rfc.voteOpenedAt!, []); // one per vote: stamped with its opening
  }
  if (rfc.state === 'approved' && rfc.approvedAt) {
    add('schedule-reminder', rfc.approvedAt.getTime() + settings.scheduleReminderHours * H, rfc.approvedAt, owner);
  }
  if (!w) return out;
  const start = w.start.getTime();
  const end = w.end.getTime();

  if (rfc.state === 'scheduled') {
    // A scheduled RFC is changed only by schedule/reschedule, so updatedAt is when it was (re)scheduled.
    const scheduledAt = rfc.updatedAt.getTime();
    const r24 = start - 24 * H;
    const r1 = start - H;
    if (r24 > scheduledAt && t < r1) add('reminder-24h', r24, w.start, owner);
    if (r1 > scheduledAt && t < start) add('reminder-1h', r1, w.start, owner);
    if (settings.outageNoticeHours > 0 && (rfc.outage?.minutes ?? 0) > 0 && rfc.services.length && t < start) {
      const audience: Recipient[] = rfc.services.map((service) => ({ kind: 'audience', service }));
      add('outage-notice', start - settings.outageNoticeHours * H, w.start, audience);
    }
    if (t < end) add('start-prompt', start, w.start, owner);
  }
  if (rfc.state === 'implementing') {
    add('overrun', end, w.start, [...owner, { kind: 'role', role: 'change-manager' }, { kind: 'cab-channel' }]);
  }
  if (rfc.state === 'implemented' || rfc.state === 'failed' || rfc.state === 'backed_out') {
    // updatedAt is when it left implementing (or was backed out afterwards).
    const doneAt = Math.max(end, rfc.updatedAt.getTime());
    add('review-reminder', doneAt + settings.reviewReminderHours * H, w.start, owner);
  }
  return out;
}

/** Delay to give a queue job so it runs at `dueAt` by the app's clock (0 when already due). */
export function delayUntil(dueAt: Date, now: Date): number {
  return Math.max(0, dueAt.getTime() - now.getTime());
}
