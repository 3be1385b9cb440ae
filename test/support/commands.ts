/** Typing commands as a CLI user in tests, and catching what a use case refuses. */
import { execute } from '../../src/commands/execute.js';
import { parseCommand } from '../../src/commands/parser.js';
import type { Reply } from '../../src/commands/replies.js';
import { ChangebotError } from '../../src/domain/errors.js';
import type { Actor } from '../../src/domain/types.js';
import type { TestApp } from './app.js';

/** Runs `text` as `actor` typed it in a terminal (the CLI's parse context, the app's clock). */
export function cliCommand(t: TestApp, actor: Actor, text: string): Reply {
  return execute(t.ctx, actor, parseCommand(text, { platform: 'cli', workspace: '', timezone: actor.timezone, now: t.clock.now() }), { platform: 'cli' });
}

/** The ChangebotError `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): ChangebotError {
  try {
    run();
  } catch (e) {
    if (e instanceof ChangebotError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
