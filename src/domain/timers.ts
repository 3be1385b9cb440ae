/**
 * The bot's clockwork, as a pure function of an RFC (or a release) and the settings: which timed events
 * must exist right now, when each is due, and who it is for. The scheduler adds exactly these
 * to the queue, the reconciler repairs the queue towards them, and a firing job checks it is
 * still one of them. Nothing here reads a clock or a database.
 */
import type { Recipient } from './notifications.js';
import type { Release, ReleasePhase } from './release.js';
import { waveAudience } from './release-rules.js';
import { type Subject, parseTimerJobId, releaseSubject, rfcSubject, timedKey, timerJobId } from './subject.js';
import type { Rfc } from './types.js';

export const TIMER_KINDS = [
  'reminder-24h', // owner (a wave: the release manager), 24 h before the window
  'reminder-1h', // owner (release manager), 1 h before the window
  'outage-notice', // each affected service's audience, OUTAGE_NOTICE_HOURS before the window
  'start-prompt', // owner (release manager), at window start: "start implementation?" ("start the wave?")
  'overrun', // owner, change managers, CAB channel (a wave: release manager, change managers): the window ended while still implementing (deploying)
  'review-reminder', // owner, after completion: the post-implementation review is due
  'vote-deadline', // decide or escalate an undecided CAB vote
  'vote-reminder', // CAB members who have not voted yet, halfway to the deadline
  'schedule-reminder', // owner, a day after approval while still unscheduled
  'task-due', // a change task's team or assignee, 2 h before it is due (src/domain/tasks.ts taskTimersFor)
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
  /**
   * The window start (the deadline for `vote-deadline`, the vote's opening for `vote-reminder`, the approval for `schedule-reminder`), compact UTC: 20261205T220000Z.
   * A release's wave timer adds the wave: `20261205T220000Z-w2` (`waveStamp`, `waveOfStamp`).
   */
  stamp: string;
  /** Deterministic queue job id: `RFC-1.reminder-24h.20261205T220000Z`, `REL-2.start-prompt.20261205T220000Z-w1` (no `:`, BullMQ's rule). */
  id: string;
  /** A release's timers: which wave. */
  wave?: number;
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
  // An RFC in a release is scheduled, started and finished by the release's waves, whose own
  // timers remind, prompt and announce (waveTimersFor): its own would repeat them at other times.
  const byRelease = !!rfc.releaseKey;
  if (rfc.state === 'approved' && rfc.approvedAt && !byRelease) {
    add('schedule-reminder', rfc.approvedAt.getTime() + settings.scheduleReminderHours * H, rfc.approvedAt, owner);
  }
  if (!w || (byRelease && (rfc.state === 'scheduled' || rfc.state === 'implementing'))) return out;
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

// ---------------------------------------------------------------------------------------------
// Releases: the timers of their deployment waves

/** Phases in which a release's waves have timers (the reconciler reads only these): go was given. */
export const TIMED_PHASES: readonly ReleasePhase[] = ['deployment'];

/** The stamp of wave `wave`'s timers: its window start and its number, `20261205T220000Z-w2`. */
export function waveStamp(start: Date, wave: number): string {
  return `${stampOf(start)}-w${wave}`;
}

/** The wave a release timer's stamp (or its delivery key's stamp) is about; null for any other stamp. */
export function waveOfStamp(stamp: string): number | null {
  const m = /^\d{8}T\d{6}Z-w([1-9]\d*)$/.exec(stamp);
  return m ? Number(m[1]) : null;
}

/** When go was given (the latest go decision), which is when the waves' timers came to exist. */
function goAt(release: Release): number {
  const at = release.goDecisions.map((g) => g.at.getTime());
  return at.length ? Math.max(...at) : release.updatedAt.getTime();
}

/**
 * The timers of a release's waves at `now`: for each planned wave the release manager's 24 h
 * and 1 h reminders, the outage notice to the audiences of the wave's services (when the wave
 * expects an outage) and the start prompt at its window's start; for a deploying wave the
 * overrun alert to the release manager and the change managers at its window's end. Only while
 * the release is in deployment. `addedAt` says when waves added after go were added (wave
 * number -> time); a wave's reminders already past then are skipped, like an RFC's reminders
 * already past when it was scheduled. Other late events follow the RFC rules (timersFor).
 */
export function releaseTimersFor(
  release: Release,
  settings: TimerSettings,
  now: Date,
  fired: ReadonlySet<string> = new Set(),
  addedAt: ReadonlyMap<number, Date> = new Map(),
): Timer[] {
  if (!TIMED_PHASES.includes(release.phase)) return [];
  const out: Timer[] = [];
  const t = now.getTime();
  const subject = releaseSubject(release.key);
  const manager: Recipient[] = [{ kind: 'person', id: release.manager }];
  const go = goAt(release);
  for (const wave of release.waves) {
    const stamp = waveStamp(wave.window.start, wave.number);
    const add = (kind: TimerKind, dueAt: number, recipients: Recipient[]) => {
      const timer: Timer = { kind, subject, stamp, id: timerJobId(kind, subject, stamp), dueAt: new Date(dueAt), recipients, wave: wave.number };
      if (!fired.has(firedKey(timer))) out.push(timer);
    };
    const start = wave.window.start.getTime();
    const end = wave.window.end.getTime();
    if (wave.state === 'planned') {
      const since = Math.max(go, addedAt.get(wave.number)?.getTime() ?? 0);
      const r24 = start - 24 * H;
      const r1 = start - H;
      if (r24 > since && t < r1) add('reminder-24h', r24, manager);
      if (r1 > since && t < start) add('reminder-1h', r1, manager);
      const audience = waveAudience(wave);
      if (settings.outageNoticeHours > 0 && wave.outageMinutes > 0 && audience.length && t < start) {
        add('outage-notice', start - settings.outageNoticeHours * H, audience);
      }
      if (t < end) add('start-prompt', start, manager);
    }
    // A wave a change manager started after its window (override) has no window left to overrun.
    const lateStart = !!wave.startedAt && wave.startedAt.getTime() >= end;
    if (wave.state === 'deploying' && !lateStart) add('overrun', end, [...manager, { kind: 'role', role: 'change-manager' }]);
  }
  return out;
}

/** Delay to give a queue job so it runs at `dueAt` by the app's clock (0 when already due). */
export function delayUntil(dueAt: Date, now: Date): number {
  return Math.max(0, dueAt.getTime() - now.getTime());
}
