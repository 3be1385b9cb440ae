/**
 * Rendering an RFC's card for one viewer or for the shared copy: the view in the right zone,
 * display names, the viewer's own vote (or why they may not vote), and the people whose Teams
 * clients refresh the voting card automatically.
 */
import { cardOf } from '../../app/cards.js';
import type { AppContext } from '../../app/context.js';
import { peopleWithRole } from '../../db/repos/people.js';
import type { CardExtras, RfcCardKind, Viewer } from '../../domain/cards.js';
import { type AdaptiveCard, teamsCard } from './cards.js';
import { displayNames } from './identity.js';
import { personalConversations } from './store.js';

/** Teams user ids (MRIs) of CAB members and change managers who have a chat with the bot. */
export function refreshUserIds(app: AppContext): string[] {
  const db = app.database.db;
  const ids = [...new Set([...peopleWithRole(db, 'cab'), ...peopleWithRole(db, 'change-manager')])].filter((p) => p.startsWith('teams:'));
  const mris = personalConversations(db, ids)
    .map((c) => c.reference.user?.id)
    .filter((id): id is string => typeof id === 'string' && id.length > 0);
  return [...new Set(mris)].slice(0, 60);
}

/** The card of `kind` about RFC `key`, as `viewer` sees it in `zone`, laid out for Teams. */
export function renderCard(
  app: AppContext,
  key: string,
  kind: RfcCardKind,
  viewer: Viewer,
  opts: { zone?: string; extras?: CardExtras; messageAsText?: boolean } = {},
): AdaptiveCard {
  const model = cardOf(app, kind, key, viewer, opts.zone ?? app.timezone, opts.extras ?? {});
  return teamsCard(model, {
    name: displayNames(app),
    ...(opts.messageAsText ? { messageAsText: true } : {}),
    ...(kind === 'vote' ? { refreshFor: refreshUserIds(app) } : {}),
  });
}
