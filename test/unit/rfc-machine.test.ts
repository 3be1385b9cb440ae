import { describe, expect, it } from 'vitest';
import { ChangebotError } from '../../src/domain/errors.js';
import { RFC_ACTIONS, TRANSITIONS, canTransition, transition } from '../../src/domain/rfc-machine.js';
import { RFC_STATES } from '../../src/domain/types.js';

// The lifecycle of domain.md, written out independently of the implementation's table.
const EXPECTED: Record<string, string> = {
  'draft submit': 'submitted',
  'submitted evaluate': 'awaiting_approval',
  'submitted pre_approve': 'approved',
  'awaiting_approval approve': 'approved',
  'awaiting_approval reject': 'rejected',
  'awaiting_approval keep_approval': 'approved',
  'approved schedule': 'scheduled',
  'scheduled reschedule': 'scheduled',
  // A window outside the approved one goes back for approval (issue 9).
  'approved reapprove': 'awaiting_approval',
  'scheduled reapprove': 'awaiting_approval',
  'scheduled start': 'implementing',
  'implementing complete': 'implemented',
  'implementing fail': 'failed',
  'implementing backout': 'backed_out',
  'failed backout': 'backed_out',
  'implemented backout': 'backed_out',
  'implemented review': 'in_review',
  'failed review': 'in_review',
  'backed_out review': 'in_review',
  'in_review close': 'closed',
  'draft withdraw': 'withdrawn',
  'submitted withdraw': 'withdrawn',
  'awaiting_approval withdraw': 'withdrawn',
  'draft cancel': 'cancelled',
  'submitted cancel': 'cancelled',
  'awaiting_approval cancel': 'cancelled',
  'approved cancel': 'cancelled',
  'scheduled cancel': 'cancelled',
};

describe('RFC state machine', () => {
  for (const state of RFC_STATES) {
    for (const action of RFC_ACTIONS) {
      const expected = EXPECTED[`${state} ${action}`];
      if (expected) {
        it(`${state} --${action}--> ${expected}`, () => {
          expect(canTransition(state, action)).toBe(true);
          expect(transition('RFC-1', state, action)).toBe(expected);
        });
      } else {
        it(`${state} refuses ${action}`, () => {
          expect(canTransition(state, action)).toBe(false);
          expect(() => transition('RFC-1', state, action)).toThrow(ChangebotError);
        });
      }
    }
  }

  it('names the state and what can be done instead when refusing', () => {
    try {
      transition('RFC-12', 'scheduled', 'complete');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ChangebotError);
      expect((e as ChangebotError).code).toBe('invalid_transition');
      expect((e as ChangebotError).message).toBe("RFC-12 is scheduled, so it can't be marked done; you can start, reschedule or cancel it.");
    }
  });

  it('has no transition out of closed, withdrawn or cancelled', () => {
    for (const s of ['closed', 'withdrawn', 'cancelled'] as const) {
      expect(RFC_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(s))).toEqual([]);
    }
  });
});
