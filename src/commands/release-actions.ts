/** The release command a release card button stands for: the same for a Slack action_id and a Teams verb. */
import { RELEASE_ACTIONS, type ReleaseActionId } from '../domain/actions.js';
import { READINESS_FACTORS, type ReadinessFactor } from '../domain/release.js';
import { ChangebotError } from '../domain/errors.js';
import type { ReleaseCommand } from './types.js';

export type ReleaseAction =
  | { run: ReleaseCommand }
  /** Details: the adapter shows the whole release. */
  | { show: 'details' };

function waveOf(key: string, arg: string | undefined): number {
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new ChangebotError('bad_value', `This button names no wave of ${key}; use the buttons of its status message.`);
  return n;
}

/** What pressing `id` on release `key` (with its argument) does. */
export function releaseAction(id: ReleaseActionId, key: string, arg?: string): ReleaseAction {
  switch (id) {
    case RELEASE_ACTIONS.phase:
      return { run: { kind: 'release-phase', key } };
    case RELEASE_ACTIONS.go:
      return { run: { kind: 'release-go', key } };
    case RELEASE_ACTIONS.tick: {
      if (!arg || !(READINESS_FACTORS as readonly string[]).includes(arg)) {
        throw new ChangebotError('bad_value', `This button names no readiness item of ${key}; use the Tick buttons of its checklist.`);
      }
      return { run: { kind: 'release-tick', key, item: arg as ReadinessFactor } };
    }
    case RELEASE_ACTIONS.waveStart:
      return { run: { kind: 'wave-start', key, wave: waveOf(key, arg) } };
    case RELEASE_ACTIONS.waveDone:
      return { run: { kind: 'wave-finish', key, outcome: 'successful', wave: waveOf(key, arg) } };
    case RELEASE_ACTIONS.waveFail:
      return { run: { kind: 'wave-finish', key, outcome: 'failed', wave: waveOf(key, arg) } };
    case RELEASE_ACTIONS.nogo:
      // No-go needs a reason and where the release goes: typed, not clicked.
      throw new ChangebotError(
        'bad_value',
        `No-go needs a reason and where ${key} goes next: \`/release nogo ${key} to=building reason="..."\` (to=planning, building, acceptance-testing, suspended or cancelled).`,
      );
    case RELEASE_ACTIONS.details:
      return { show: 'details' };
  }
}
