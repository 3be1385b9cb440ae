/**
 * What the person may do next, as data. Use-case messages stay free of any command syntax; a
 * surface phrases these its own way (the `/rfc` command layer as `/rfc ...` examples, an HTTP API
 * as links). Carried on `Outcome.next` and on `ChangebotError.details.next`.
 */
import { ChangebotError } from '../domain/errors.js';

export type NextStep =
  /** A draft is complete: submit it. */
  | { step: 'submit'; key: string }
  /** Approved: schedule it. */
  | { step: 'schedule'; key: string }
  /** Implementing: report it done when finished. */
  | { step: 'done'; key: string }
  /** Implemented: open its review. */
  | { step: 'review'; key: string }
  /** Failed: back it out if needed. */
  | { step: 'backout'; key: string }
  /** In review: a change manager closes it. */
  | { step: 'close'; key: string }
  /** A failed or backed-out change's review needs a problem reference: add it to the review. */
  | { step: 'give-problem'; key: string }
  /** `review` again while in review without saying what to change: an example amendment. */
  | { step: 'amend-review'; key: string }
  /** Nothing open: raise an RFC. */
  | { step: 'raise' }
  /** The catalogue lacks services (none yet, unknown dependencies, empty when raising): an admin adds them. */
  | { step: 'add-service'; because: 'none-yet' | 'unknown-dependencies' | 'catalogue-empty' }
  /** Setting the CAB channel happens in that channel. */
  | { step: 'set-cab-channel-there' }
  /** An unknown RFC key: look the key up in the list of all RFCs. */
  | { step: 'list-all' }
  /** A person changebot has not met yet (an unknown owner): they use changebot once, or pick someone else. */
  | { step: 'introduce'; person: string }
  /** A raise with no title: give one. */
  | { step: 'give-title' }
  /** Edit the RFC: `with` names what to change (`missing`: what evaluation lacks, `window`: a window it lacks, `start`: a later start, `example`: an example change). */
  | { step: 'edit'; key: string; with: 'missing' | 'window' | 'start' | 'example' }
  /** `schedule`/`reschedule` with no window: give one. */
  | { step: 'give-window'; key: string; action: 'schedule' | 'reschedule' }
  /** Conflicts: pick another slot, or a change manager acknowledges them. */
  | { step: 'find-slot'; service: string }
  | { step: 'acknowledge'; key: string; action: 'schedule' | 'reschedule' }
  /** A draft that can't wait for the notice its category needs: mark it an emergency. */
  | { step: 'mark-emergency'; key: string }
  /** A change manager may accept a window outside the approved one, or start outside the window, with a reason. */
  | { step: 'override'; key: string; action: 'schedule' | 'reschedule' | 'start' }
  /** Moved outside its approved window: give a window inside it to skip re-approval. */
  | { step: 'stay-inside'; key: string; window: string };

/** A refusal with next steps (the message says what is wrong, `next` what to do about it). */
export function refusal(code: ChangebotError['code'], message: string, next: NextStep[], details: ChangebotError['details'] = {}): ChangebotError {
  return new ChangebotError(code, message, { ...details, next });
}

export function nextOf(err: ChangebotError): NextStep[] {
  const n = err.details.next;
  return Array.isArray(n) ? (n as NextStep[]) : [];
}
