/**
 * Approval policy: which path each category takes (and how risk changes it), the CAB vote
 * rules, lead times, and the evaluation gate (domain.md: "Evaluation refuses to send an RFC for
 * approval while anything the policy needs is missing, and says exactly what"). The policy is
 * stored in the database and changed by admins (policy-keys.ts names its settings).
 */
import type { ApprovalPath, Category, Level, Rfc } from './types.js';
import { type ChecklistItem, DEFAULT_CHECKLIST } from './checklist.js';

export type { ApprovalPath };

export interface VoteRules {
  /** Votes cast (abstentions included) before a decision can be made. */
  quorum: number;
  /** Approve votes needed for the CAB to approve (besides outnumbering the rejections). */
  minApprovals: number;
  /** Hours from entering awaiting_approval to the deadline. */
  deadlineHours: number;
  /** A change manager's reject ends the vote as rejected. */
  veto: boolean;
}

/** Fields evaluation can require, besides the title, services and window every RFC needs. */
export const REQUIRABLE_FIELDS = ['description', 'justification', 'plan', 'test', 'backout', 'impact', 'likelihood', 'cost', 'resources'] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

export interface Policy {
  paths: Record<Category, ApprovalPath>;
  cab: VoteRules;
  emergency: VoteRules;
  /** Hours needed between submission and the window's start, per category (emergencies are exempt). */
  leadHours: Record<Category, number>;
  /** What each category must have filled in before it goes to approval. */
  required: Record<Category, readonly RequirableField[]>;
  /** A minor change with high risk goes to the CAB instead of one change manager. */
  highRiskMinorToCab: boolean;
  /** A major change with high risk needs the change manager's sign-off before the CAB votes. */
  highRiskMajorSignoffFirst: boolean;
  /** The web calendar (`/calendar`) is shown read-only to visitors who have not signed in. */
  webPublicCalendar: boolean;
  /** The pre-implementation checklist each category must complete before `start` (issue 14). */
  checklist: Record<Category, readonly ChecklistItem[]>;
}

const SIGNIFICANT: readonly RequirableField[] = ['justification', 'plan', 'test', 'backout', 'impact', 'likelihood'];

export const DEFAULT_POLICY: Policy = {
  paths: {
    standard: 'pre-approved',
    minor: 'change-manager',
    significant: 'cab',
    major: 'cab+signoff',
  },
  cab: { quorum: 3, minApprovals: 2, deadlineHours: 48, veto: true },
  emergency: { quorum: 2, minApprovals: 1, deadlineHours: 2, veto: true },
  leadHours: { standard: 0, minor: 24, significant: 72, major: 120 },
  required: {
    standard: ['backout'],
    minor: ['backout'],
    significant: SIGNIFICANT,
    major: [...SIGNIFICANT, 'cost', 'resources'],
  },
  highRiskMinorToCab: true,
  highRiskMajorSignoffFirst: true,
  webPublicCalendar: false,
  checklist: DEFAULT_CHECKLIST,
};

export type PathFacts = Pick<Rfc, 'category' | 'emergency'> & Partial<Pick<Rfc, 'impact' | 'likelihood' | 'approvalPath' | 'state'>>;

/**
 * Who approves `rfc`. While an approval is open it keeps the path it opened with (an admin's
 * policy change does not move a vote under way); otherwise the policy decides.
 */
export function approvalPath(rfc: PathFacts, policy: Policy): ApprovalPath {
  if (rfc.approvalPath && rfc.state === 'awaiting_approval') return rfc.approvalPath;
  return pathByPolicy(rfc, policy);
}

/** The path the policy gives `rfc` now. */
export function pathByPolicy(rfc: PathFacts, policy: Policy): ApprovalPath {
  if (rfc.emergency) return 'emergency-cab';
  const path = policy.paths[rfc.category];
  if (riskOf(rfc.impact ?? null, rfc.likelihood ?? null) !== 'high') return path;
  if (path === 'change-manager' && policy.highRiskMinorToCab) return 'cab';
  if (path === 'cab+signoff' && policy.highRiskMajorSignoffFirst) return 'signoff-then-cab';
  return path;
}

export function voteRules(path: ApprovalPath, policy: Policy): VoteRules | null {
  switch (path) {
    case 'cab':
    case 'cab+signoff':
    case 'signoff-then-cab':
      return policy.cab;
    case 'emergency-cab':
      return policy.emergency;
    default:
      return null;
  }
}

export function usesCab(path: ApprovalPath): boolean {
  return path === 'cab' || path === 'cab+signoff' || path === 'signoff-then-cab' || path === 'emergency-cab';
}

/** The path needs a change manager's approval besides the CAB's. */
export function needsSignoff(path: ApprovalPath): boolean {
  return path === 'cab+signoff' || path === 'signoff-then-cab';
}

const LEVEL_SCORE: Record<Level, number> = { low: 1, medium: 2, high: 3 };

/** Risk from impact x likelihood: 1-2 low, 3-4 medium, 6-9 high. Unknown when either is unset. */
export function riskOf(impact: Level | null, likelihood: Level | null): Level | null {
  if (!impact || !likelihood) return null;
  const score = LEVEL_SCORE[impact] * LEVEL_SCORE[likelihood];
  if (score >= 6) return 'high';
  if (score >= 3) return 'medium';
  return 'low';
}
