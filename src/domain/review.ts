/**
 * The post-implementation review: what it found (outcome, whether the change caused an
 * incident) and when it needs a problem reference. Pure rules; the use cases in
 * src/app/implementation.ts apply them.
 */
import type { Review, ReviewOutcome, Rfc, RfcState } from './types.js';

/** The outcome a review records when none is given: what the implementation report said. */
export function defaultOutcome(state: RfcState): ReviewOutcome {
  if (state === 'failed') return 'failed';
  if (state === 'backed_out') return 'backed-out';
  return 'successful';
}

export const OUTCOME_WORDS: Record<ReviewOutcome, string> = {
  successful: 'successful',
  'successful-with-issues': 'successful with issues',
  failed: 'failed',
  'backed-out': 'backed out',
};

/** Outcomes that ask for a problem record: the change went wrong, so its cause is investigated. */
const NEEDS_PROBLEM: readonly ReviewOutcome[] = ['failed', 'backed-out'];

/** Whether the review found a failure or backout and no problem reference is recorded yet. */
export function needsProblem(rfc: Pick<Rfc, 'review' | 'problem'>): boolean {
  return !!rfc.review && NEEDS_PROBLEM.includes(rfc.review.outcome) && !rfc.problem?.trim();
}

/** "failed, caused an incident" */
export function reviewSummary(review: Review): string {
  return `${OUTCOME_WORDS[review.outcome]}, ${review.causedIncident ? 'caused an incident' : 'no incident'}`;
}

/** "RFC-7 failed" / "RFC-7 was backed out": the subject of a sentence asking for a problem reference. */
export function wentWrong(key: string, outcome: ReviewOutcome): string {
  return outcome === 'backed-out' ? `${key} was backed out` : `${key} failed`;
}
