/**
 * A feed's text never gains a property from stored text: a CR LF in the calendar's name, an
 * event's UID, summary or description stays inside its own property (ical-generator escapes
 * the text properties; the name and UID are cleaned by feedIcs).
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { feedIcs } from '../../src/web/ics.js';

const EVIL = 'x\r\nX-INJECTED:1\r\nBEGIN:VEVENT';

describe('feedIcs', () => {
  it('keeps line breaks in stored text out of the property structure', () => {
    const start = new Date('2027-01-01T10:00:00Z');
    const text = feedIcs(
      {
        feed: 'service:db',
        name: `Changes to ${EVIL}`,
        zone: 'UTC',
        range: { start, end: new Date('2027-02-01T00:00:00Z') },
        events: [
          {
            kind: 'blackout',
            uid: `blackout-1${EVIL}@host`,
            sequence: 0,
            start,
            end: new Date('2027-01-01T12:00:00Z'),
            summary: `Blackout: ${EVIL}`,
            description: EVIL,
            status: 'confirmed',
          },
        ],
      },
      start,
    );
    expect(text.split(/\r\n/).filter((l) => l.startsWith('X-INJECTED'))).toEqual([]);
    expect(text.split(/\r\n/).filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    expect(events[0]?.getFirstPropertyValue('summary')).toBe(`Blackout: ${EVIL.replace(/\r\n/g, '\n')}`);
  });
});
