/**
 * The RFC lifecycle of domain.md as a table: which action moves an RFC from which states to
 * which state. Who may act is decided in permissions.ts; this file only knows states.
 */
import { ChangebotError } from './errors.js';
import type { RfcState } from './types.js';

export const RFC_ACTIONS = [
  'submit', // draft -> submitted
  'evaluate', // submitted -> awaiting_approval (evaluation passed)
  'pre_approve', // submitted -> approved (standard change)
  'approve', // awaiting_approval -> approved
  'reject', // awaiting_approval -> rejected
  'keep_approval', // awaiting_approval -> approved (a new window rejected: the earlier approval stands)
  'schedule', // approved -> scheduled
  'reschedule', // scheduled -> scheduled
  'reapprove', // approved | scheduled -> awaiting_approval (a window outside the approved one)
  'start', // scheduled -> implementing
  'complete', // implementing -> implemented
  'fail', // implementing -> failed
  'backout', // implementing | failed | implemented -> backed_out
  'review', // implemented | failed | backed_out -> in_review
  'close', // in_review -> closed
  'withdraw', // draft | submitted | awaiting_approval -> withdrawn
  'cancel', // any state before implementing -> cancelled
] as const;
export type RfcAction = (typeof RFC_ACTIONS)[number];

const BEFORE_IMPLEMENTING: RfcState[] = ['draft', 'submitted', 'awaiting_approval', 'approved', 'scheduled'];

export const TRANSITIONS: Record<RfcAction, { from: readonly RfcState[]; to: RfcState }> = {
  submit: { from: ['draft'], to: 'submitted' },
  evaluate: { from: ['submitted'], to: 'awaiting_approval' },
  pre_approve: { from: ['submitted'], to: 'approved' },
  approve: { from: ['awaiting_approval'], to: 'approved' },
  reject: { from: ['awaiting_approval'], to: 'rejected' },
  keep_approval: { from: ['awaiting_approval'], to: 'approved' },
  schedule: { from: ['approved'], to: 'scheduled' },
  reschedule: { from: ['scheduled'], to: 'scheduled' },
  reapprove: { from: ['approved', 'scheduled'], to: 'awaiting_approval' },
  start: { from: ['scheduled'], to: 'implementing' },
  complete: { from: ['implementing'], to: 'implemented' },
  fail: { from: ['implementing'], to: 'failed' },
  backout: { from: ['implementing', 'failed', 'implemented'], to: 'backed_out' },
  review: { from: ['implemented', 'failed', 'backed_out'], to: 'in_review' },
  close: { from: ['in_review'], to: 'closed' },
  withdraw: { from: ['draft', 'submitted', 'awaiting_approval'], to: 'withdrawn' },
  cancel: { from: BEFORE_IMPLEMENTING, to: 'cancelled' },
};

/** What a person can do next from each state, in words used by the commands. */
const NEXT_STEPS: Record<RfcState, string> = {
  draft: 'you can edit, submit or withdraw it',
  submitted: 'it is being evaluated',
  awaiting_approval: 'it is waiting for approval; you can vote on it, withdraw or cancel it',
  approved: 'you can schedule or cancel it',
  rejected: 'it was rejected; clone it into a new draft with the changes the reviewers asked for',
  scheduled: 'you can start, reschedule or cancel it',
  implementing: 'you can mark it done, failed or backed out',
  implemented: 'you can start its review or back it out',
  failed: 'you can back it out or start its review',
  backed_out: 'you can start its review',
  in_review: 'a change manager can close it',
  closed: 'it is closed; nothing more can be done',
  withdrawn: 'it was withdrawn; nothing more can be done',
  cancelled: 'it was cancelled; nothing more can be done',
};

export const STATE_LABELS: Record<RfcState, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  rejected: 'Rejected',
  scheduled: 'Scheduled',
  implementing: 'Implementing',
  implemented: 'Implemented',
  failed: 'Failed',
  backed_out: 'Backed out',
  in_review: 'In review',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  cancelled: 'Cancelled',
};

export function nextSteps(state: RfcState): string {
  return NEXT_STEPS[state];
}

export function canTransition(state: RfcState, action: RfcAction): boolean {
  return TRANSITIONS[action].from.includes(state);
}

/** The state after `action`, or a ChangebotError saying what can be done instead. */
export function transition(key: string, state: RfcState, action: RfcAction): RfcState {
  const t = TRANSITIONS[action];
  if (!t.from.includes(state)) {
    throw new ChangebotError(
      'invalid_transition',
      `${key} is ${STATE_LABELS[state].toLowerCase()}, so it can't be ${pastTense(action)}; ${nextSteps(state)}.`,
      { state, action },
    );
  }
  return t.to;
}

function pastTense(action: RfcAction): string {
  const words: Record<RfcAction, string> = {
    submit: 'submitted',
    evaluate: 'sent for approval',
    pre_approve: 'pre-approved',
    approve: 'approved',
    reject: 'rejected',
    keep_approval: 'returned to its earlier approval',
    schedule: 'scheduled',
    reschedule: 'rescheduled',
    reapprove: 'sent back for approval',
    start: 'started',
    complete: 'marked done',
    fail: 'marked failed',
    backout: 'backed out',
    review: 'put into review',
    close: 'closed',
    withdraw: 'withdrawn',
    cancel: 'cancelled',
  };
  return words[action];
}

export const TERMINAL_STATES: readonly RfcState[] = ['closed', 'withdrawn', 'cancelled', 'rejected'];
/** States whose window counts when looking for conflicts. */
export const ACTIVE_WINDOW_STATES: readonly RfcState[] = ['approved', 'scheduled', 'implementing'];
