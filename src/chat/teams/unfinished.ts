/**
 * Teams commands a stopped process received but did not finish (their claims still pending,
 * see turn.ts): at start their authors are told, in the conversation they typed them in, that
 * the command was not applied. They are not run again: Teams answers a message within its
 * HTTP request, so a crash mid-turn was never acknowledged, and the person's next try is theirs.
 */
import type { ConversationReference } from 'botbuilder';
import type { AppContext } from '../../app/context.js';
import type { Logger } from '../../log.js';
import type { EdgeCloudAdapter } from './adapter.js';
import { textActivity } from './messages.js';
import { GIVE_UP_TELLING_MS } from '../../db/repos/chat.js';
import { markTold, unfinished } from './store.js';

export async function tellUnfinished(app: AppContext, adapter: EdgeCloudAdapter, appId: string, log: Logger, startedAt: Date): Promise<number> {
  let told = 0;
  for (const claim of unfinished(app.database.db, startedAt)) {
    const r = claim.request as { text?: unknown; reference?: Partial<ConversationReference> };
    if (!r.reference?.conversation || !r.reference.serviceUrl) {
      markTold(app.database.db, claim.id, app.clock.now());
      log.error({ id: claim.id }, 'teams: an unfinished command names no conversation to answer in');
      continue;
    }
    const text = `Your command \`${String(r.text ?? '')}\` was not applied: changebot restarted before it could finish. Nothing was changed; please send it again.`;
    try {
      await adapter.continueConversationAsync(appId, r.reference, async (ctx) => {
        await ctx.sendActivity(textActivity(text));
      });
      markTold(app.database.db, claim.id, app.clock.now());
      told++;
      log.warn({ id: claim.id }, 'teams: told the author an unfinished command was not applied');
    } catch (err) {
      const giveUp = app.clock.now().getTime() - claim.receivedAt.getTime() > GIVE_UP_TELLING_MS;
      if (giveUp) markTold(app.database.db, claim.id, app.clock.now());
      log.error(
        { err, id: claim.id },
        giveUp ? 'teams: gave up telling the author of a command left unfinished a day ago' : 'teams: could not tell the author of an unfinished command',
      );
    }
  }
  return told;
}
