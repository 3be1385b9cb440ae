/**
 * Card models for the chat adapters: the RFC as one viewer sees it, the viewer's own line on a
 * voting card, and the Home tab. Adapters ask here instead of reading the database, and lay
 * the models out (src/domain/cards.ts designs them).
 */
import { rolesOf } from '../db/repos/people.js';
import { findRfc, queryRfcs, listVotes } from '../db/repos/rfcs.js';
import { type CardExtras, type HomeData, type PersonViewer, type RfcCard, type RfcCardKind, type Viewer, rfcCard } from '../domain/cards.js';
import { type ReleaseCard, type ReleaseCardExtras, type ReleaseCardKind, type ReleaseViewer, releaseCard } from '../domain/release-cards.js';
import { can } from '../domain/permissions.js';
import { STATE_LABELS } from '../domain/rfc-machine.js';
import { formatRange } from '../domain/schedule.js';
import type { Actor, PersonId } from '../domain/types.js';
import { type RfcView, summaryView } from '../domain/views.js';
import { awaitingSignoff, voteCapacity } from '../domain/votes.js';
import type { AppContext } from './context.js';
import { calendar, list, viewRfc } from './queries.js';
import { myReleases, viewRelease } from './release-queries.js';

/** A person as a card viewer, with the roles the database holds for them. */
export function personViewer(ctx: AppContext, id: PersonId): PersonViewer {
  return { kind: 'person', id, roles: rolesOf(ctx.database.db, id) };
}

export function actorViewer(actor: Pick<Actor, 'id' | 'roles'>): PersonViewer {
  return { kind: 'person', id: actor.id, roles: actor.roles };
}

/** A card from a view already built (a notification's, in the recipient's zone). */
export function cardFromView(ctx: AppContext, kind: RfcCardKind, view: RfcView, viewer: Viewer, extras: CardExtras = {}): RfcCard {
  const personal = kind === 'vote' && viewer.kind === 'person' ? personalLine(ctx, viewer, view.key) : undefined;
  return rfcCard(kind, view, viewer, ctx.policy, { ...extras, ...(personal ? { personal } : {}) });
}

/** The card of `kind` about RFC `key`, as `viewer` sees it in `zone`. */
export function cardOf(ctx: AppContext, kind: RfcCardKind, key: string, viewer: Viewer, zone: string, extras: CardExtras = {}): RfcCard {
  return cardFromView(ctx, kind, viewRfc(ctx, key, zone), viewer, extras);
}

/**
 * The release card of `kind` about release `key`, as `viewer` sees it in `zone` (the status
 * message: `releaseCardOf(ctx, 'status', key, { kind: 'status-channel' }, ctx.timezone)`).
 */
export function releaseCardOf(
  ctx: AppContext,
  kind: ReleaseCardKind,
  key: string,
  viewer: ReleaseViewer,
  zone: string,
  extras: ReleaseCardExtras = {},
): ReleaseCard {
  return releaseCard(kind, viewRelease(ctx, key, zone), viewer, extras);
}

/**
 * May `actor` vote on the RFC now, and have they not yet voted in the capacity they would
 * vote in? (The Home tab's "Awaiting my vote".)
 */
function awaitsVoteOf(ctx: AppContext, actor: Pick<Actor, 'id' | 'roles'>, key: string): boolean {
  const db = ctx.database.db;
  const rfc = findRfc(db, key);
  if (!rfc) return false;
  const votes = listVotes(db, rfc.id);
  if (!can(actor, { ...rfc, awaitingSignoff: awaitingSignoff(rfc, ctx.policy, votes) }, 'vote', ctx.policy)) return false;
  const capacity = voteCapacity({ ...actor, timezone: ctx.timezone }, rfc, ctx.policy, votes);
  return !votes.some((v) => v.voter === actor.id && v.capacity === capacity);
}

/** The viewer's own line on a voting card: their vote, or why they may not vote. */
export function personalLine(ctx: AppContext, viewer: PersonViewer, key: string): string | undefined {
  const db = ctx.database.db;
  const rfc = findRfc(db, key);
  if (!rfc) return undefined;
  const votes = listVotes(db, rfc.id);
  const mine = votes.filter((v) => v.voter === viewer.id);
  if (mine.length) {
    return `Your vote: ${mine.map((v) => `${v.choice}${v.capacity === 'change-manager' ? ' (as change manager)' : ''}`).join(', ')}`;
  }
  if (rfc.state !== 'awaiting_approval') return undefined;
  try {
    voteCapacity({ ...viewer, timezone: ctx.timezone }, rfc, ctx.policy, votes);
    return 'You have not voted yet.';
  } catch (e) {
    return `You can't vote on this: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** What the Home tab lists for `actor`: their open RFCs, RFCs awaiting their vote, the next 7 days, their open releases. */
export function homeData(ctx: AppContext, actor: Actor): HomeData {
  const awaiting = queryRfcs(ctx.database.db, { states: ['awaiting_approval'] }).rows.filter((r) => awaitsVoteOf(ctx, actor, r.key));
  return {
    mine: list(ctx, actor, 'mine').result,
    awaitingMyVote: awaiting.map((r) => summaryView(r, actor.timezone)),
    upcoming: calendar(ctx, actor, 7).result.map((e) => ({
      key: e.key,
      title: e.title,
      when: formatRange(e.window, actor.timezone),
      services: e.services,
      state: STATE_LABELS[e.state as keyof typeof STATE_LABELS] ?? e.state,
    })),
    releases: myReleases(ctx, actor.id, actor.timezone),
    zone: actor.timezone,
  };
}
