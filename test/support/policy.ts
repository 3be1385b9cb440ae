/**
 * The policy most tests run under: the rules of before issue 9 (no lead times, only a backout
 * and, from significant up, a test plan required; one approval enough once the quorum voted), so
 * a test about delivery or chat need not fill in a full RFC (nor tick a checklist). Tests of the approval rules use
 * DEFAULT_POLICY, and the README's CLI session runs under the real defaults.
 */
import { loadConfig } from '../../src/config.js';

export const LENIENT_ENV = {
  LEAD_TIME_MINOR: '0',
  LEAD_TIME_SIGNIFICANT: '0',
  LEAD_TIME_MAJOR: '0',
  REQUIRED_SIGNIFICANT: 'backout,test',
  REQUIRED_MAJOR: 'backout,test',
  CAB_MIN_APPROVALS: '1',
  // No pre-implementation checklist (issue 14): the checklist's own tests set it.
  CHECKLIST_SIGNIFICANT: 'none',
  CHECKLIST_MAJOR: 'none',
} as const;

export const LENIENT_POLICY = loadConfig(LENIENT_ENV).policy;
