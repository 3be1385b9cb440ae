/** `npm start`: read the config, start the bot, stop cleanly on SIGINT/SIGTERM. */
import { startBot } from './bot.js';
import { type Config, loadConfig } from './config.js';
import { isChangebotError } from './domain/errors.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (isChangebotError(err)) {
      process.stderr.write(`changebot: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const bot = await startBot(config);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      bot.log.info(`${signal} received, shutting down`);
      bot.stop().then(
        () => process.exit(0),
        (err) => {
          bot.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  // A ChangebotError (a database that can't be opened) is one line; anything else its stack.
  process.stderr.write(`changebot: ${isChangebotError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
