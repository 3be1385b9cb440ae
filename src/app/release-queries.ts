/** Reading releases (issue 10): show, list, log. STUBS: the cards helper writes them. */
import type { ReleaseSummaryView, ReleaseView } from '../domain/release-views.js';
import type { Actor } from '../domain/types.js';
import type { AppContext } from './context.js';
import type { ReleaseListFilter } from './inputs.js';

/** The release as `actor` sees it (times in their zone), and its plain-text rendering. */
export function showRelease(_ctx: AppContext, _actor: Actor, _key: string): { text: string; view: ReleaseView } {
  throw new Error('not built yet');
}
export function listReleasesFor(_ctx: AppContext, _actor: Actor, _filter: ReleaseListFilter): { text: string; items: ReleaseSummaryView[] } {
  throw new Error('not built yet');
}
/** The release's change log, readable. */
export function releaseLog(_ctx: AppContext, _actor: Actor, _key: string): { text: string } {
  throw new Error('not built yet');
}
