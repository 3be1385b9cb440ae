/**
 * What the web's detail pages read beyond the card: an RFC's votes as cast (with comments and
 * times), its conflicts with what each needs, the change log rows of an RFC or a release, and
 * the display names of the people they name. Read-only, no permission needed (like `show`).
 */
import { findPerson } from '../db/repos/people.js';
import { listLog } from '../db/repos/log.js';
import { findRelease } from '../db/repos/releases.js';
import { listVotes } from '../db/repos/rfcs.js';
import { ChangebotError } from '../domain/errors.js';
import type { Conflict } from '../domain/schedule.js';
import { releaseSubject, rfcSubject } from '../domain/subject.js';
import type { ChangeLogEntry, PersonId, Vote } from '../domain/types.js';
import type { AppContext } from './context.js';
import { conflictsOf } from './queries.js';
import { getRfc } from './support.js';

export interface RfcRecords {
  /** The votes as they stand (one per voter and capacity), oldest first. */
  votes: Vote[];
  /** The conflicts of its window now, each with what it needs ('ack' or 'reason'). */
  conflicts: Conflict[];
  /** Its change log, oldest first. */
  log: ChangeLogEntry[];
}

export function rfcRecords(ctx: AppContext, key: string, zone: string): RfcRecords {
  const db = ctx.database.db;
  const rfc = getRfc(db, key);
  return {
    votes: [...listVotes(db, rfc.id)].sort((a, b) => a.castAt.getTime() - b.castAt.getTime()),
    conflicts: conflictsOf(db, rfc, zone),
    log: listLog(db, rfcSubject(rfc.key)),
  };
}

/** A release's change log, oldest first. */
export function releaseRecords(ctx: AppContext, key: string): { log: ChangeLogEntry[] } {
  const r = findRelease(ctx.database.db, key);
  if (!r) throw new ChangebotError('not_found', `There is no ${key.toUpperCase()}. \`release list all\` lists every release.`, { key });
  return { log: listLog(ctx.database.db, releaseSubject(r.key)) };
}

/** The display name of each person (their id when none is known). */
export function displayNames(ctx: AppContext, ids: Iterable<PersonId>): Record<PersonId, string> {
  const out: Record<PersonId, string> = {};
  for (const id of ids) if (!(id in out)) out[id] = findPerson(ctx.database.db, id)?.displayName ?? id;
  return out;
}
