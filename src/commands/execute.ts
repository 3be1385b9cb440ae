/**
 * Runs a parsed command through the use case its verb names (registry.ts). Shared by the CLI,
 * Slack and Teams: they parse with the same parser, call this, and render the Reply their own
 * way. Texts carry the use cases' next steps as `/rfc` hints (replies.ts).
 */
import type { AppContext } from '../app/context.js';
import type { Actor } from '../domain/types.js';
import { adminVerbFor, releaseVerbFor, rfcVerbFor } from './registry.js';
import { hinted } from './replies.js';
import type { Command } from './types.js';
import type { Where } from './verb.js';

import type { Reply } from './replies.js';

export type { Reply };
export type { Where } from './verb.js';

export function execute(ctx: AppContext, actor: Actor, cmd: Command, where: Where): Reply {
  return hinted(() => {
    if (cmd.kind === 'admin') return adminVerbFor(cmd.command).run(ctx, actor, cmd.command, where);
    if (cmd.kind === 'release') return releaseVerbFor(cmd.command).run(ctx, actor, cmd.command, where);
    return rfcVerbFor(cmd).run(ctx, actor, cmd, where);
  });
}
