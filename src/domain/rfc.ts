/** Making RFC values: every field has a default, so callers name only what they know. */
import type { PersonId, Rfc } from './types.js';

/** A new draft raised by `requester` at `at` (owned by them unless `fields.owner` says otherwise). */
export function draftRfc(requester: PersonId, at: Date, fields: Partial<Rfc> = {}): Rfc {
  return {
    id: 0,
    key: '',
    title: '',
    description: null,
    justification: null,
    category: 'minor',
    emergency: false,
    services: [],
    impact: null,
    likelihood: null,
    urgency: null,
    plan: null,
    backout: null,
    test: null,
    cost: null,
    resources: null,
    requester,
    owner: requester,
    window: null,
    outage: null,
    problem: null,
    releaseKey: null,
    state: 'draft',
    voteDeadline: null,
    escalated: false,
    scheduleReason: null,
    approvalPath: null,
    voteOpenedAt: null,
    cabMembers: null,
    approvedWindow: null,
    approvedAt: null,
    review: null,
    clonedFrom: null,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}
