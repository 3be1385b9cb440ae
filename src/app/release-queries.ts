/** Reading releases (issue 10): show, list, log. */
import { listLog } from '../db/repos/log.js';
import { findRelease, listReleases, rfcsOfRelease } from '../db/repos/releases.js';
import { ChangebotError } from '../domain/errors.js';
import { releaseCard } from '../domain/release-cards.js';
import { releaseLogLine } from '../domain/release-log.js';
import { RELEASE_PHASES, type Release, type ReleasePhase, WORK_PHASES } from '../domain/release.js';
import { releaseCardText, releaseListText } from '../domain/release-text.js';
import { type ReleaseSummaryView, type ReleaseView, releaseSummaryView, releaseView } from '../domain/release-views.js';
import { releaseSubject } from '../domain/subject.js';
import type { Actor, PersonId } from '../domain/types.js';
import type { AppContext } from './context.js';
import type { ReleaseListFilter } from './inputs.js';

/** Phases of a release still open (the Home tab's and `release list mine`'s). */
export const OPEN_RELEASE_PHASES: readonly ReleasePhase[] = [...WORK_PHASES, 'suspended'];

function getRelease(ctx: AppContext, key: string): Release {
  const r = findRelease(ctx.database.db, key);
  if (!r) throw new ChangebotError('not_found', `There is no ${key.toUpperCase()}. \`release list all\` lists every release.`, { key });
  return r;
}

/** The view of one release in `zone`, with its RFCs and change log (cards on every platform use it). */
export function viewRelease(ctx: AppContext, key: string, zone: string = ctx.timezone): ReleaseView {
  const db = ctx.database.db;
  const r = getRelease(ctx, key);
  return releaseView(r, rfcsOfRelease(db, r.key), { zone, now: ctx.clock.now(), log: listLog(db, releaseSubject(r.key)) });
}

/** The release as `actor` sees it (times in their zone), and its plain-text rendering. */
export function showRelease(ctx: AppContext, actor: Actor, key: string): { text: string; view: ReleaseView } {
  const view = viewRelease(ctx, key, actor.timezone);
  return { view, text: releaseCardText(releaseCard('details', view, { kind: 'person', id: actor.id, roles: actor.roles })) };
}

/** The release's manager and team. */
function onRelease(r: Release, id: PersonId): boolean {
  return r.manager === id || r.team.testing === id || r.team.communications === id || r.team.training === id;
}

/** Open releases `person` manages or is on the team of (the Home tab's "My releases"). */
export function myReleases(ctx: AppContext, person: PersonId, zone: string): ReleaseSummaryView[] {
  const db = ctx.database.db;
  return listReleases(db, { phases: OPEN_RELEASE_PHASES })
    .filter((r) => onRelease(r, person))
    .map((r) => releaseSummaryView(r, rfcsOfRelease(db, r.key).length, zone));
}

export function listReleasesFor(ctx: AppContext, actor: Actor, filter: ReleaseListFilter): { text: string; items: ReleaseSummaryView[] } {
  const db = ctx.database.db;
  const items =
    filter.which === 'mine'
      ? myReleases(ctx, actor.id, actor.timezone)
      : listReleases(db, { phases: filter.which === 'open' ? OPEN_RELEASE_PHASES : RELEASE_PHASES, limit: 50 }).map((r) =>
          releaseSummaryView(r, rfcsOfRelease(db, r.key).length, actor.timezone),
        );
  if (items.length) return { items, text: releaseListText(items) };
  const empty = {
    mine: 'You manage no open release and are on no release team.',
    open: 'No release is open.',
    all: 'No releases yet.',
  }[filter.which];
  return { items, text: empty };
}

/** The release's change log, readable. */
export function releaseLog(ctx: AppContext, actor: Actor, key: string): { text: string } {
  const r = getRelease(ctx, key);
  const lines = listLog(ctx.database.db, releaseSubject(r.key)).map((e) => releaseLogLine(e, actor.timezone));
  return { text: [`Change log of ${r.key}:`, ...(lines.length ? lines : ['nothing recorded yet'])].join('\n') };
}
