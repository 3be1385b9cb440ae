/**
 * One action vocabulary for both platforms: a Slack `action_id` equals the Teams
 * `Action.Execute` verb.
 *
 * What a button carries: the subject's key, and for some release buttons an argument (the
 * readiness item of Tick, the wave number of a wave step).
 * - Slack: the button `value` is `encodeActionValue(key, arg)`: the key alone, or `KEY:arg`
 *   (`REL-3:deployment-order`, `REL-3:2`). Keys never hold a colon; `decodeActionValue` reads
 *   it back (an RFC button's value is its key, as before).
 * - Teams: the `Action.Execute` data is `{ key, card, arg? }` (`arg` a string, present only
 *   when the button has one); see src/chat/teams/cards.ts and release-card.ts.
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

/**
 * The release card's buttons (issue 10). All start with `release_`, so a Slack handler can
 * listen on /^release_/ beside the RFC's /^rfc_/. The argument each carries:
 * - release_phase, release_go, release_nogo, release_details: none;
 * - release_tick: the readiness item (a READINESS_FACTORS id, e.g. `production-ready`);
 * - release_wave_start, release_wave_done, release_wave_fail: the wave number (`2`).
 */
export const RELEASE_ACTIONS = {
  phase: 'release_phase',
  tick: 'release_tick',
  go: 'release_go',
  nogo: 'release_nogo',
  waveStart: 'release_wave_start',
  waveDone: 'release_wave_done',
  waveFail: 'release_wave_fail',
  details: 'release_details',
} as const;
export type ReleaseActionId = (typeof RELEASE_ACTIONS)[keyof typeof RELEASE_ACTIONS];

export const RELEASE_ACTION_IDS: readonly ReleaseActionId[] = Object.values(RELEASE_ACTIONS);

export function isReleaseActionId(s: string): s is ReleaseActionId {
  return (RELEASE_ACTION_IDS as readonly string[]).includes(s);
}

/** A Slack button value: the key, or `KEY:arg`. */
export function encodeActionValue(key: string, arg?: string): string {
  return arg === undefined ? key : `${key}:${arg}`;
}

/** The key and argument of a Slack button value (`REL-3:2` -> { key: 'REL-3', arg: '2' }). */
export function decodeActionValue(value: string): { key: string; arg?: string } {
  const i = value.indexOf(':');
  return i < 0 ? { key: value } : { key: value.slice(0, i), arg: value.slice(i + 1) };
}
