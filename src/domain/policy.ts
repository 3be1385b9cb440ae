/**
 * Approval policy: which path each category takes, CAB vote rules, and the evaluation gate
 * (domain.md: "Evaluation refuses to send an RFC for approval while anything the policy needs
 * is missing, and says exactly what").
 */
import type { Category, Level, Rfc } from './types.js';

export type ApprovalPath =
  | 'pre-approved' // standard: approved on submit
  | 'change-manager' // minor: one change manager
  | 'cab' // significant: CAB vote
  | 'cab+signoff' // major: CAB vote and change-manager sign-off
  | 'emergency-cab'; // emergency flag: smaller quorum, short deadline

export interface VoteRules {
  /** Votes cast (abstentions included) before a decision can be made. */
  quorum: number;
  /** Hours from entering awaiting_approval to the deadline. */
  deadlineHours: number;
  /** A change manager's reject ends the vote as rejected. */
  veto: boolean;
}

export interface Policy {
  paths: Record<Category, ApprovalPath>;
  cab: VoteRules;
  emergency: VoteRules;
}

export const DEFAULT_POLICY: Policy = {
  paths: {
    standard: 'pre-approved',
    minor: 'change-manager',
    significant: 'cab',
    major: 'cab+signoff',
  },
  cab: { quorum: 3, deadlineHours: 48, veto: true },
  emergency: { quorum: 2, deadlineHours: 2, veto: true },
};

export function approvalPath(rfc: Pick<Rfc, 'category' | 'emergency'>, policy: Policy): ApprovalPath {
  if (rfc.emergency) return 'emergency-cab';
  return policy.paths[rfc.category];
}

export function voteRules(path: ApprovalPath, policy: Policy): VoteRules | null {
  switch (path) {
    case 'cab':
    case 'cab+signoff':
      return policy.cab;
    case 'emergency-cab':
      return policy.emergency;
    default:
      return null;
  }
}

export function usesCab(path: ApprovalPath): boolean {
  return path === 'cab' || path === 'cab+signoff' || path === 'emergency-cab';
}

const CATEGORY_RANK: Record<Category, number> = { standard: 0, minor: 1, significant: 2, major: 3 };

/**
 * What is missing before the RFC may go to approval, as phrases a person can act on, each
 * naming the command key that fills it. Empty = ready.
 */
export function missingForApproval(rfc: Pick<Rfc, 'category' | 'emergency' | 'backout' | 'test' | 'window' | 'services' | 'title'>): string[] {
  const missing: string[] = [];
  if (!rfc.title.trim()) missing.push('a title (title="...")');
  if (rfc.services.length === 0) missing.push('affected services (services=a,b)');
  if (!rfc.backout?.trim()) missing.push('a backout plan (backout="...")');
  if ((CATEGORY_RANK[rfc.category] >= CATEGORY_RANK.significant || rfc.emergency) && !rfc.test?.trim()) {
    missing.push('a test plan (test="...")');
  }
  if (!rfc.window) missing.push('a planned window (start=... end=... or duration=...)');
  return missing;
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
