/**
 * What a chat or CLI user reads: the use case's message with its next steps phrased as `/rfc`
 * commands (the use cases return them as data, see src/app/next.ts).
 */
import type { AppContext, Outcome } from '../app/context.js';
import type { NextStep } from '../app/next.js';
import { nextOf } from '../app/next.js';
import { viewRfc } from '../app/queries.js';
import { ChangebotError, isChangebotError } from '../domain/errors.js';
import type { Actor } from '../domain/types.js';
import type { ReleaseSummaryView, ReleaseView } from '../domain/release-views.js';
import type { RfcSummaryView, RfcView } from '../domain/views.js';

export interface Reply {
  /** Plain text for the person who typed the command (CLI output, chat fallback). */
  text: string;
  /** The RFC the command was about, as the actor sees it, for a rich rendering. */
  view?: RfcView;
  list?: RfcSummaryView[];
  /** `new` with no arguments on a chat platform: open the form instead. */
  openForm?: boolean;
  /** The release the command was about (`release ...`), as the actor sees it. */
  releaseView?: ReleaseView;
  releaseList?: ReleaseSummaryView[];
  /** `release new` with no arguments on a chat platform: open the release form instead. */
  openReleaseForm?: boolean;
  /** The use case's outcome, for the adapter to deliver notifications and update cards. */
  outcome?: Outcome<unknown>;
}

const TITLE_EXAMPLE = '/rfc new "Patch db01 to 15.4" category=minor';
const ADD_SERVICE = '`/rfc admin service add NAME`';

/** `text` followed by `step` in words, as the command language says it. */
function phrase(text: string, step: NextStep, all: readonly NextStep[]): string {
  switch (step.step) {
    case 'submit':
      return `${text} Submit it with \`/rfc submit ${step.key}\`.`;
    case 'schedule':
      return `${text} Schedule it with \`/rfc schedule ${step.key}\`.`;
    case 'done':
      return `${text} Run \`/rfc done ${step.key}\` when finished.`;
    case 'review':
      return `${text} Start its review with \`/rfc review ${step.key}\`.`;
    case 'backout':
      return `${text} Back it out with \`/rfc backout ${step.key}\` if needed.`;
    case 'close':
      return `${text} A change manager closes it with \`/rfc close ${step.key}\`.`;
    case 'amend-review':
      return `${text} Example: /rfc review ${step.key} problem=PRB-123 incident=yes`;
    case 'give-problem':
      return `${text} Add one with \`/rfc review ${step.key} problem=PRB-123\`.`;
    case 'raise':
      return `${text} Raise one with \`/rfc new "Title"\`.`;
    case 'add-service':
      if (step.because === 'catalogue-empty') return `${text.replace(/\.$/, '')}; an admin adds services with ${ADD_SERVICE}.`;
      return `${text} Add ${step.because === 'none-yet' ? 'one' : 'them first'} with ${ADD_SERVICE}.`;
    case 'set-cab-channel-there':
      return `${text} To set it, run \`/rfc admin cab-channel\` in the CAB channel.`;
    case 'list-all':
      return `${text} Check the key with \`/rfc list all\`.`;
    case 'introduce':
      return `${text} Ask them to run \`/rfc help\` once, or pick someone else.`;
    case 'give-title':
      return `${text} Example: ${TITLE_EXAMPLE}`;
    case 'edit':
      if (step.with === 'missing') return `${text}\nAdd them with \`/rfc edit ${step.key} ...\` and submit again.`;
      if (step.with === 'window') return `${text} Add one with \`/rfc edit ${step.key} start=... duration=...\`.`;
      if (step.with === 'start') return `${text} Move its window with \`/rfc edit ${step.key} start=...\` and submit again.`;
      return `${text} Example: /rfc edit ${step.key} backout="restore snapshot"`;
    case 'give-window':
      return `${text} Example: /rfc ${step.action} ${step.key} start="2026-12-05 22:00" duration=2h`;
    case 'find-slot': {
      const more = all.some((s) => s.step === 'acknowledge');
      return `${text}\nPick another window (\`/rfc slot service=${step.service} duration=2h\` finds a free one)${more ? '' : '.'}`;
    }
    case 'acknowledge': {
      const after = all.some((s) => s.step === 'find-slot');
      return `${text}${after ? ', or a' : '\nA'} change manager can go ahead with \`/rfc ${step.action} ${step.key} ... ack=yes reason="..."\`.`;
    }
    case 'mark-emergency':
      return `${text} If it can't wait, mark it an emergency: \`/rfc edit ${step.key} emergency=yes\`.`;
    case 'override':
      return step.action === 'start'
        ? `${text} A change manager can start it anyway with \`/rfc start ${step.key} override="reason"\`.`
        : `${text} A change manager can accept the new window instead with \`/rfc ${step.action} ${step.key} ... override="reason"\`.`;
    case 'stay-inside':
      return `${text} A window inside ${step.window} needs no new approval.`;
  }
}

export function withHints(message: string, next: readonly NextStep[] | undefined): string {
  return (next ?? []).reduce((text, step, _i, all) => phrase(text, step, all), message);
}

/** The outcome's message as a chat or CLI user reads it. */
export function outcomeText(outcome: Outcome<unknown>): string {
  return withHints(outcome.message, outcome.next);
}

/** A use case's outcome as a reply: its text with the next steps, and the outcome (for the adapter's cards and notifications). */
export function outcomeReply(outcome: Outcome<unknown>): Reply {
  return { text: outcomeText(outcome), outcome };
}

/** A use case's refusal as a chat or CLI user reads it (other errors pass unchanged). */
export function chatError(err: unknown): unknown {
  if (!isChangebotError(err)) return err;
  const next = nextOf(err);
  if (!next.length) return err;
  const { next: _next, ...details } = err.details;
  const example = next.some((s) => s.step === 'give-title') ? { example: TITLE_EXAMPLE } : {};
  return new ChangebotError(err.code, withHints(err.message, next), { ...details, ...example });
}

/** Runs a use case for the command layer: its refusals come back with `/rfc` hints. */
export function hinted<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw chatError(err);
  }
}

/** The reply to a use case that changed an RFC: its text, and the RFC as the actor sees it. */
export function withView(ctx: AppContext, actor: Actor, outcome: Outcome<unknown>): Reply {
  return {
    text: outcomeText(outcome),
    outcome,
    ...(outcome.rfc ? { view: viewRfc(ctx, outcome.rfc.key, actor.timezone) } : {}),
  };
}
