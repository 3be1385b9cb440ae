/**
 * Release use cases (issue 10): actor + input -> permission -> release rules -> one transaction
 * -> change log (the release's and each of its RFCs') + outbox -> outcome. STUBS: signatures
 * fixed, bodies being written.
 */
import type { Release } from '../domain/release.js';
import type { Actor } from '../domain/types.js';
import type { AppContext, Outcome } from './context.js';
import type {
  NoGoInput,
  PackageInput,
  PilotInput,
  ReleaseFields,
  ReleasePlanInput,
  ReleaseReviewInput,
  ReleaseRfcInput,
  SignoffInput,
  TestResultInput,
  TickInput,
  WaveInput,
  WaveStepInput,
} from './inputs.js';

type R = Outcome<Release>;
const todo = (): never => {
  throw new Error('not built yet');
};

export function createRelease(_ctx: AppContext, _actor: Actor, _fields: ReleaseFields): R {
  return todo();
}
/** Name, goal, manager, target date, team, status channels. */
export function editRelease(_ctx: AppContext, _actor: Actor, _key: string, _fields: ReleaseFields): R {
  return todo();
}
export function addReleaseRfc(_ctx: AppContext, _actor: Actor, _key: string, _input: ReleaseRfcInput): R {
  return todo();
}
export function removeReleaseRfc(_ctx: AppContext, _actor: Actor, _key: string, _input: ReleaseRfcInput): R {
  return todo();
}
export function setReleasePlan(_ctx: AppContext, _actor: Actor, _key: string, _input: ReleasePlanInput): R {
  return todo();
}
/** To the next work phase (planning -> building -> acceptance testing -> readiness review). */
export function advanceRelease(_ctx: AppContext, _actor: Actor, _key: string): R {
  return todo();
}
export function changePackage(_ctx: AppContext, _actor: Actor, _key: string, _input: PackageInput): R {
  return todo();
}
export function recordTest(_ctx: AppContext, _actor: Actor, _key: string, _input: TestResultInput): R {
  return todo();
}
export function signOff(_ctx: AppContext, _actor: Actor, _key: string, _input: SignoffInput): R {
  return todo();
}
export function pilot(_ctx: AppContext, _actor: Actor, _key: string, _input: PilotInput): R {
  return todo();
}
/** Ticks a readiness item (or marks it not applicable with a reason), by the actor. */
export function tickReadiness(_ctx: AppContext, _actor: Actor, _key: string, _input: TickInput): R {
  return todo();
}
/** The release manager's or a change manager's go; the second one moves the release to deployment and freezes the package. */
export function giveGo(_ctx: AppContext, _actor: Actor, _key: string): R {
  return todo();
}
export function giveNoGo(_ctx: AppContext, _actor: Actor, _key: string, _input: NoGoInput): R {
  return todo();
}
export function addWave(_ctx: AppContext, _actor: Actor, _key: string, _input: WaveInput): R {
  return todo();
}
export function startWave(_ctx: AppContext, _actor: Actor, _key: string, _input: WaveStepInput): R {
  return todo();
}
/** A wave signed off successful, failed, or backed out. */
export function finishWave(_ctx: AppContext, _actor: Actor, _key: string, _outcome: 'successful' | 'failed' | 'backed_out', _input: WaveStepInput): R {
  return todo();
}
/** The release backed out as a whole (every started wave, and its RFCs). */
export function backOutRelease(_ctx: AppContext, _actor: Actor, _key: string, _reason?: string): R {
  return todo();
}
export function reviewRelease(_ctx: AppContext, _actor: Actor, _key: string, _input: ReleaseReviewInput): R {
  return todo();
}
export function closeRelease(_ctx: AppContext, _actor: Actor, _key: string, _reason?: string): R {
  return todo();
}
export function suspendRelease(_ctx: AppContext, _actor: Actor, _key: string, _reason?: string): R {
  return todo();
}
export function resumeRelease(_ctx: AppContext, _actor: Actor, _key: string, _reason?: string): R {
  return todo();
}
export function cancelRelease(_ctx: AppContext, _actor: Actor, _key: string, _reason?: string): R {
  return todo();
}
