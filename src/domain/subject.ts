/**
 * A subject is the record something is about: an RFC or a release. The outbox, deliveries,
 * stored chat messages, the change log, notifications and timers all refer to one. This module
 * builds and parses every key that names a subject (notification keys, timer job ids), so no
 * other file knows their shapes.
 */

export const SUBJECT_TYPES = ['rfc', 'release'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface Subject {
  type: SubjectType;
  /** `RFC-12`, `REL-3`: the prefix names the type, so a key alone is unique. */
  key: string;
}

const PREFIX: Record<SubjectType, string> = { rfc: 'RFC', release: 'REL' };
const KEY = /^(RFC|REL)-[1-9]\d*$/;
/** A subject key inside a longer key (no anchors). */
const KEY_PART = '((?:RFC|REL)-[1-9]\\d*)';

export function rfcSubject(key: string): Subject {
  return { type: 'rfc', key };
}

export function releaseSubject(key: string): Subject {
  return { type: 'release', key };
}

/** `RFC-3` -> the RFC, `REL-2` -> the release; null for anything else. */
export function subjectOf(key: string): Subject | null {
  const m = KEY.exec(key);
  if (!m) return null;
  return { type: m[1] === 'RFC' ? 'rfc' : 'release', key };
}

/** The key of the n-th subject of a type: `RFC-12`, `REL-3`. */
export function subjectKey(type: SubjectType, n: number): string {
  return `${PREFIX[type]}-${n}`;
}

export function sameSubject(a: Subject | null | undefined, b: Subject | null | undefined): boolean {
  return !!a && !!b && a.type === b.type && a.key === b.key;
}

export function isSubjectType(s: string): s is SubjectType {
  return (SUBJECT_TYPES as readonly string[]).includes(s);
}

// Notification keys: what a deliveries row was sent for.

/** A use case's notification, written to the outbox as row `id`. */
export function outboxKey(id: number): string {
  return `outbox:${id}`;
}

/** A timed event of the scheduler (a reminder, a notice), or a report of failed deliveries. */
export function timedKey(event: string, subject: Subject, stamp: string): string {
  return `timed:${event}:${subject.key}:${stamp}`;
}

export const FAILURE_EVENT = 'delivery-failed';

/** The report to the owner that the deliveries of `notificationKey` failed. */
export function failureKey(subject: Subject, notificationKey: string): string {
  return timedKey(FAILURE_EVENT, subject, notificationKey);
}

export type NotificationKey = { kind: 'outbox'; id: number } | { kind: 'timed'; event: string; subject: Subject; stamp: string };

const OUTBOX_KEY = /^outbox:(\d+)$/;
const TIMED_KEY = new RegExp(`^timed:([\\w-]+):${KEY_PART}:(.+)$`);

export function parseNotificationKey(key: string): NotificationKey | null {
  const o = OUTBOX_KEY.exec(key);
  if (o) return { kind: 'outbox', id: Number(o[1]) };
  const t = TIMED_KEY.exec(key);
  const subject = t && subjectOf(t[2] as string);
  return t && subject ? { kind: 'timed', event: t[1] as string, subject, stamp: t[3] as string } : null;
}

// Timer job ids: deterministic, so the same timer is never queued twice (no `:`, BullMQ's rule).

/** `RFC-1.reminder-24h.20261205T220000Z`, `REL-2.start-prompt.20261205T220000Z-w1` */
export function timerJobId(kind: string, subject: Subject, stamp: string): string {
  return `${subject.key}.${kind}.${stamp}`;
}

/** The stamp may name a release's wave, `20261205T220000Z-w2`, or an RFC's task, `-t2`. */
const TIMER_ID = new RegExp(`^${KEY_PART}\\.([a-z0-9-]+)\\.(\\d{8}T\\d{6}Z(?:-[wt][1-9]\\d*)?)$`);

/** A timer job id's parts, or null for any other job id. */
export function parseTimerJobId(id: string): { subject: Subject; kind: string; stamp: string } | null {
  const m = TIMER_ID.exec(id);
  const subject = m && subjectOf(m[1] as string);
  return m && subject ? { subject, kind: m[2] as string, stamp: m[3] as string } : null;
}
