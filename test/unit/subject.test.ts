import { describe, expect, it } from 'vitest';
import {
  failureKey,
  outboxKey,
  parseNotificationKey,
  parseTimerJobId,
  releaseSubject,
  rfcSubject,
  sameSubject,
  subjectKey,
  subjectOf,
  timedKey,
  timerJobId,
} from '../../src/domain/subject.js';

describe('subjects and the keys that name them', () => {
  it('reads the type from the key', () => {
    expect(subjectOf('RFC-12')).toEqual({ type: 'rfc', key: 'RFC-12' });
    expect(subjectOf('REL-3')).toEqual({ type: 'release', key: 'REL-3' });
    expect(subjectOf('RFC-0')).toBeNull();
    expect(subjectOf('rfc-12')).toBeNull();
    expect(subjectOf('TASK-1')).toBeNull();
    expect(subjectKey('release', 7)).toBe('REL-7');
    expect(sameSubject(rfcSubject('RFC-1'), { type: 'rfc', key: 'RFC-1' })).toBe(true);
    expect(sameSubject(rfcSubject('RFC-1'), releaseSubject('RFC-1'))).toBe(false);
    expect(sameSubject(rfcSubject('RFC-1'), null)).toBe(false);
  });

  it('builds and parses notification keys for RFCs and releases', () => {
    expect(outboxKey(42)).toBe('outbox:42');
    expect(parseNotificationKey('outbox:42')).toEqual({ kind: 'outbox', id: 42 });
    expect(timedKey('reminder-24h', rfcSubject('RFC-7'), '20261205T220000Z')).toBe('timed:reminder-24h:RFC-7:20261205T220000Z');
    expect(parseNotificationKey('timed:reminder-24h:RFC-7:20261205T220000Z')).toEqual({
      kind: 'timed',
      event: 'reminder-24h',
      subject: { type: 'rfc', key: 'RFC-7' },
      stamp: '20261205T220000Z',
    });
    expect(parseNotificationKey('timed:wave-start:REL-2:20270101T090000Z')).toEqual({
      kind: 'timed',
      event: 'wave-start',
      subject: { type: 'release', key: 'REL-2' },
      stamp: '20270101T090000Z',
    });
    // A failure report's stamp is the failed notification's own key.
    expect(failureKey(rfcSubject('RFC-7'), 'outbox:9')).toBe('timed:delivery-failed:RFC-7:outbox:9');
    expect(parseNotificationKey('timed:delivery-failed:RFC-7:outbox:9')).toEqual({
      kind: 'timed',
      event: 'delivery-failed',
      subject: { type: 'rfc', key: 'RFC-7' },
      stamp: 'outbox:9',
    });
    expect(parseNotificationKey('timed:x:TASK-1:1')).toBeNull();
    expect(parseNotificationKey('d42')).toBeNull();
  });

  it('builds BullMQ-safe timer job ids and parses them back', () => {
    expect(timerJobId('overrun', releaseSubject('REL-4'), '20270101T090000Z')).toBe('REL-4.overrun.20270101T090000Z');
    expect(parseTimerJobId('REL-4.overrun.20270101T090000Z')).toEqual({
      subject: { type: 'release', key: 'REL-4' },
      kind: 'overrun',
      stamp: '20270101T090000Z',
    });
    expect(parseTimerJobId('RFC-1.reminder-1h.20261205T220000Z')).toEqual({
      subject: { type: 'rfc', key: 'RFC-1' },
      kind: 'reminder-1h',
      stamp: '20261205T220000Z',
    });
    expect(parseTimerJobId('report-0123abcd')).toBeNull();
    expect(timerJobId('overrun', rfcSubject('RFC-1'), '20261205T220000Z')).not.toContain(':');
  });
});
