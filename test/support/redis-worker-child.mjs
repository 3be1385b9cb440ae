/**
 * A delivery worker in its own process, for the crash test: runs the compiled jobs code and the
 * real Slack notifier (dist/) against a SQLite file and a Redis prefix.
 * argv: <database path> <redis url> <queue prefix>; env: SLACK_API_URL (the fake Slack),
 * SLACK_BOT_TOKEN. Prints "ready" once the workers run; SIGTERM stops them gracefully (exit 0).
 */
import { createContext } from '../../dist/app/context.js';
import { SlackNotifier } from '../../dist/chat/slack/notifier.js';
import { createWebClient } from '../../dist/chat/slack/web.js';
import { openDatabase } from '../../dist/db/client.js';
import { DEFAULT_POLICY } from '../../dist/domain/policy.js';
import { startJobs } from '../../dist/jobs/jobs.js';
import { createLogger } from '../../dist/log.js';

const [dbPath, redisUrl, prefix] = process.argv.slice(2);
const database = openDatabase(dbPath);
const ctx = createContext(database, { policy: DEFAULT_POLICY, timezone: 'UTC' });
const log = createLogger('silent');
const slack = { botToken: process.env.SLACK_BOT_TOKEN, apiUrl: process.env.SLACK_API_URL };
const jobs = startJobs({
  redisUrl,
  ctx,
  notifiers: [new SlackNotifier(ctx, createWebClient(slack, log), slack, { log })],
  log,
  prefix,
  workers: 'deliveries',
  // Short locks, so a killed worker's jobs are picked up again within a second or two.
  tuning: {
    deliveryConcurrency: 4,
    lockDuration: 1000,
    stalledInterval: 500,
    limits: { slack: { max: 1000, duration: 1000 }, teams: { max: 1000, duration: 1000 } },
  },
});
await jobs.waitReady(5000);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  jobs.stop().then(
    () => {
      database.close();
      process.exit(0);
    },
    () => process.exit(1),
  );
});
