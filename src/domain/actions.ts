/**
 * One action vocabulary for both platforms: a Slack `action_id` equals the Teams
 * `Action.Execute` verb. The value carried with an action is the RFC key.
 */
export const ACTIONS = {
  voteApprove: 'rfc_vote_approve',
  voteReject: 'rfc_vote_reject',
  voteAbstain: 'rfc_vote_abstain',
  details: 'rfc_details',
  submit: 'rfc_submit',
  start: 'rfc_start',
  done: 'rfc_done',
  fail: 'rfc_fail',
  backout: 'rfc_backout',
  reschedule: 'rfc_reschedule',
  close: 'rfc_close',
} as const;
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

export const ACTION_IDS: readonly ActionId[] = Object.values(ACTIONS);

export function isActionId(s: string): s is ActionId {
  return (ACTION_IDS as readonly string[]).includes(s);
}
