/**
 * The person behind a Slack request. Nothing waits on Slack to answer them: the actor carries
 * their stored time zone, or the default one until users.info has told us theirs, which is
 * learned in the background (once) and stored, so later commands use it.
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
    return this.known(personId(teamId, userId), displayName).actor;
  }

  /**
   * The actor now, from what the database knows (never waiting on Slack); a person with no
   * stored zone has theirs looked up in the background, for the commands that follow.
   */
  actor(teamId: string, userId: string, displayName?: string): Actor {
    const id = personId(teamId, userId);
    const { actor, zoned } = this.known(id, displayName);
    if (!zoned) void this.learn(id, userId);
    return actor;
  }

  /** Looks up and stores the person's Slack time zone (resolves when done; never rejects). */
  learn(id: string, userId: string): Promise<string | undefined> {
    return this.lookUp(id, userId).then((tz) => {
      try {
        if (tz) loadActor(this.ctx, id, { timezone: tz });
      } catch (err) {
        this.log.warn({ err, user: id }, 'slack: could not store the time zone');
      }
      return tz;
    });
  }

  private known(id: string, displayName?: string): { actor: Actor; zoned: boolean } {
    const stored = findPerson(this.ctx.database.db, id)?.timezone ?? undefined;
    const actor = loadActor(this.ctx, id, { ...(displayName ? { displayName } : {}), ...(stored ? { timezone: stored } : {}) });
    return { actor, zoned: Boolean(stored) };
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
