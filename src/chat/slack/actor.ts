/**
 * The person behind a Slack request. Their time zone comes from users.info once, then from the
 * database: a person with a stored zone costs no Web API call.
 */
import { IANAZone } from 'luxon';
import { type AppContext, loadActor } from '../../app/context.js';
import { findPerson } from '../../db/repos/people.js';
import type { Actor } from '../../domain/types.js';
import type { Logger } from '../../log.js';
import { type WebClient, withRetry } from './web.js';

export function personId(teamId: string, userId: string): string {
  return `slack:${teamId}/${userId}`;
}

export class SlackPeople {
  /** Users whose look-up failed recently: not asked again for a while. */
  private readonly failed = new Map<string, number>();
  private readonly pending = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly retryFailedAfterMs = 10 * 60_000,
  ) {}

  /** The actor from what the database knows, without calling Slack (for 3-second paths). */
  local(teamId: string, userId: string, displayName?: string): Actor {
    const id = personId(teamId, userId);
    const stored = findPerson(this.ctx.database.db, id)?.timezone ?? undefined;
    return loadActor(this.ctx, id, { ...(displayName ? { displayName } : {}), ...(stored ? { timezone: stored } : {}) });
  }

  /** The actor with their Slack time zone, fetched with users.info the first time only. */
  async actor(teamId: string, userId: string, displayName?: string): Promise<Actor> {
    const id = personId(teamId, userId);
    if (!findPerson(this.ctx.database.db, id)?.timezone) {
      const tz = await this.lookUp(id, userId);
      if (tz) loadActor(this.ctx, id, { timezone: tz });
    }
    return this.local(teamId, userId, displayName);
  }

  private lookUp(id: string, userId: string): Promise<string | undefined> {
    const until = this.failed.get(id);
    if (until && until > Date.now()) return Promise.resolve(undefined);
    let p = this.pending.get(id);
    if (!p) {
      p = withRetry(() => this.client.users.info({ user: userId }), { attempts: 2, baseMs: 200 })
        .then((res) => {
          const tz = res.user?.tz;
          if (tz && IANAZone.isValidZone(tz)) return tz;
          this.failed.set(id, Date.now() + this.retryFailedAfterMs);
          return undefined;
        })
        .catch((err: unknown) => {
          this.log.warn({ err, user: id }, 'slack: users.info failed; using the default time zone');
          this.failed.set(id, Date.now() + this.retryFailedAfterMs);
          return undefined;
        })
        .finally(() => this.pending.delete(id));
      this.pending.set(id, p);
    }
    return p;
  }
}
