import { describe, expect, it } from 'vitest';
import { messageText } from '../../src/domain/messages.js';
import { draftRfc } from '../../src/domain/rfc.js';

const rfc = draftRfc('cli:ann', new Date('2026-12-01T09:00:00Z'), {
  key: 'RFC-4',
  title: 'Add user',
  services: ['ad'],
  window: { start: new Date('2026-12-05T22:00:00Z'), end: new Date('2026-12-05T23:00:00Z') },
});

describe('notification words', () => {
  it('says what was decided, even when the RFC has moved on before the message is sent', () => {
    expect(messageText('decided', { ...rfc, state: 'scheduled' }, 'UTC', 'pre-approved standard change', 'approved')).toBe(
      'RFC-4 “Add user” was approved (pre-approved standard change).',
    );
    expect(messageText('decided', { ...rfc, state: 'approved' }, 'UTC', 'approved by the CAB (3–0)', 'approved')).toBe(
      'RFC-4 “Add user” was approved (approved by the CAB (3–0)). Schedule it with `/rfc schedule RFC-4`.',
    );
    expect(messageText('decided', { ...rfc, state: 'rejected' }, 'UTC', 'rejected by the CAB (0–3)', 'rejected')).toBe(
      'RFC-4 “Add user” was rejected (rejected by the CAB (0–3)).',
    );
    expect(messageText('decided', { ...rfc, state: 'approved' }, 'UTC', 'rejected by the CAB (0–3)', 'rejected')).toBe(
      'The new window of RFC-4 “Add user” was not approved (rejected by the CAB (0–3)). Schedule it inside the window approved before: `/rfc schedule RFC-4`.',
    );
  });

  it('tells users about an outage in their own time zone', () => {
    const outage = { ...rfc, outage: { minutes: 30, audience: 'EU users' } };
    expect(messageText('outage-notice', outage, 'Europe/Paris')).toBe(
      'Planned maintenance on ad from Sat 5 Dec 23:00 to Sun 6 Dec 00:00 CET (RFC-4 “Add user”). Expected impact: up to 30 min of outage for EU users. Questions: contact cli:ann (change owner).',
    );
  });

  it('reminds a CAB member of an open vote, and an owner of an approved change not yet scheduled', () => {
    const voting = { ...rfc, category: 'significant' as const, state: 'awaiting_approval' as const, voteDeadline: new Date('2026-12-03T09:00:00Z') };
    expect(messageText('vote-reminder', voting, 'UTC')).toBe(
      'Reminder: RFC-4 “Add user” (significant change to ad, from Sat 5 Dec 22:00 to Sat 5 Dec 23:00 UTC) is waiting for your vote; the vote closes Thu 3 Dec 09:00 UTC. Vote with `/rfc vote RFC-4 approve|reject`.',
    );
    expect(messageText('schedule-reminder', { ...rfc, state: 'approved' }, 'UTC')).toBe(
      'RFC-4 “Add user” was approved and is not scheduled yet. Schedule it with `/rfc schedule RFC-4` (its approval covers from Sat 5 Dec 22:00 to Sat 5 Dec 23:00 UTC), or cancel it if it is no longer needed.',
    );
  });
});
