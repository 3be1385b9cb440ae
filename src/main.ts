/**
 * `npm start` (scripts/start.mjs imports this): read `.env` and the config, start the bot, stop
 * cleanly on SIGINT/SIGTERM.
 *
 * Stopping: the first signal stops the bot in order (HTTP, chat, the jobs' workers finish the
 * delivery they are sending, the local redis-server, the database) and exits 0; if that takes
 * longer than STOP_LIMIT_MS the process exits anyway (1). A second signal exits at once (1). A
 * signal repeated within REPEAT_MS counts once: Ctrl-C reaches node both from the terminal and
 * forwarded by npm. Any exit takes the local redis-server with it (local-redis.ts).
 */
import { startBot } from './bot.js';
import { type Config, loadConfig, readEnvFile } from './config.js';
import { isChangebotError } from './domain/errors.js';

const STOP_LIMIT_MS = 9_000;
const REPEAT_MS = 500;

function refuse(prefix: string, err: unknown): never {
  if (!isChangebotError(err)) throw err;
  process.stderr.write(`changebot: ${prefix}${err.message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  let fromFile: number | undefined;
  try {
    fromFile = readEnvFile();
    config = loadConfig();
  } catch (err) {
    refuse('configuration error: ', err);
  }
  const bot = await startBot(config).catch((err) => refuse('', err));
  if (fromFile !== undefined) bot.log.info({ variables: fromFile }, 'read .env (variables already set in the environment win)');
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt) {
      if (Date.now() - firstAt < REPEAT_MS) return;
      bot.log.warn(`${signal} received again: exiting now`);
      process.exit(1);
    }
    firstAt = Date.now();
    bot.log.info(`${signal} received, shutting down (send it again to exit at once)`);
    setTimeout(() => {
      bot.log.error(`not stopped within ${STOP_LIMIT_MS / 1000} s: exiting now`);
      process.exit(1);
    }, STOP_LIMIT_MS).unref();
    bot.stop().then(
      () => process.exit(0),
      (err) => {
        bot.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err) => {
  // A ChangebotError (a database that can't be opened) is one line; anything else its stack.
  process.stderr.write(`changebot: ${isChangebotError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
