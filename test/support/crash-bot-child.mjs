// Child process for the crash tests: the real bot (built dist/) with only Slack on (argv[3]
// `teams`: only Teams, unauthenticated), configured by the environment the test passes. argv[2] = N > 0 freezes the process inside the Nth
// transaction a command's use case opens (after the acknowledgement, before anything is
// written), printing `held`, so the test can SIGKILL it with an acknowledged command unfinished.
import { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { startBot } from '../../dist/bot.js';
import { slackComponent } from '../../dist/chat/slack/index.js';
import { createTeamsComponent } from '../../dist/chat/teams/component.js';
import { loadConfig } from '../../dist/config.js';

const hold = Number(process.argv[2] ?? 0);
if (hold > 0) {
  const original = BaseSQLiteDatabase.prototype.transaction;
  let n = 0;
  BaseSQLiteDatabase.prototype.transaction = function (...args) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    const applying = String(new Error().stack).includes('applying');
    Error.stackTraceLimit = limit;
    if (applying && ++n === hold) {
      process.stdout.write('held\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // until the test kills us
    }
    return original.apply(this, args);
  };
}

const components = process.argv[3] === 'teams' ? [createTeamsComponent({ unauthenticated: 'always' })] : [slackComponent];
const bot = await startBot(loadConfig(process.env), { components });
process.stdout.write(`port ${bot.port}\n`);
