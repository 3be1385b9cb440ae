/**
 * Rendering an RFC's card for one viewer or for the shared copy: the view in the right zone,
 * display names, the viewer's own vote (or why they may not vote), and the people whose Teams
 * clients refresh the voting card automatically.
 */
import type { AppContext } from '../../app/context.js';
import { viewRfc } from '../../app/queries.js';
import { peopleWithRole } from '../../db/repos/people.js';
import { findRfc, listVotes } from '../../db/repos/rfcs.js';
import { isChangebotError } from '../../domain/errors.js';
import { voteCapacity } from '../../domain/votes.js';
import type { Actor } from '../../domain/types.js';
import { type AdaptiveCard, type CardKind, type CardOptions, rfcCard } from './cards.js';
import { displayNames } from './identity.js';
import { personalConversations } from './store.js';

/** The viewer's own line on the voting card. */
export function personalLine(app: AppContext, viewer: Actor, key: string): string | undefined {
  const db = app.database.db;
  const rfc = findRfc(db, key);
  if (!rfc) return undefined;
  const votes = listVotes(db, rfc.id);
  const mine = votes.filter((v) => v.voter === viewer.id);
  if (mine.length) {
    return `Your vote: ${mine.map((v) => `${v.choice}${v.capacity === 'change-manager' ? ' (as change manager)' : ''}`).join(', ')}`;
  }
  if (rfc.state !== 'awaiting_approval') return undefined;
  try {
    voteCapacity(viewer, rfc, app.policy, votes);
    return 'You have not voted yet.';
  } catch (e) {
    if (!isChangebotError(e)) throw e;
    return `You can't vote on this: ${e.message}`;
  }
}

/** Teams user ids (MRIs) of CAB members and change managers who have a chat with the bot. */
export function refreshUserIds(app: AppContext): string[] {
  const db = app.database.db;
  const ids = [...new Set([...peopleWithRole(db, 'cab'), ...peopleWithRole(db, 'change-manager')])].filter((p) => p.startsWith('teams:'));
  const mris = personalConversations(db, ids)
    .map((c) => c.reference.user?.id)
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(mris)].slice(0, 60);
}

export interface RenderOptions {
  kind: CardKind;
  viewer?: Actor;
  notice?: CardOptions['notice'];
  details?: boolean;
}

/** The card of an RFC, as `viewer` sees it (or the shared copy without a viewer). */
export function renderRfcCard(app: AppContext, key: string, opts: RenderOptions): AdaptiveCard {
  const view = viewRfc(app, key, opts.viewer?.timezone ?? app.timezone);
  return rfcCard(view, {
    kind: opts.kind,
    name: displayNames(app),
    ...(opts.notice ? { notice: opts.notice } : {}),
    ...(opts.details ? { details: true } : {}),
    ...(opts.kind === 'vote' && opts.viewer ? { personal: personalLine(app, opts.viewer, key) } : {}),
    ...(opts.kind === 'vote' ? { refreshFor: refreshUserIds(app) } : {}),
  });
}
