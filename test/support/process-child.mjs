// Child process for the process-guard test: the real bot (built dist/), then on each stdin line
// `reject` an unhandled promise rejection, `throw` an uncaught exception from a timer.
import { createInterface } from 'node:readline';
import { startBot } from '../../dist/bot.js';
import { loadConfig } from '../../dist/config.js';

const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: process.argv[2], LOG_LEVEL: 'info' });
const bot = await startBot(config, { components: [] });
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'reject') Promise.reject(new Error('a promise nobody awaited'));
  if (line === 'throw')
    setTimeout(() => {
      throw new Error('thrown from a timer');
    });
  if (line === 'stop') bot.stop().then(() => process.exit(0));
});
