/**
 * `npm run bench [fanout|timing] [--rate=500 --users=5000 --channels=50 --latency=20 --reminders=10000 --over=60]`
 * Uses REDIS_URL if set (under a private key prefix), else starts a throwaway redis-server.
 */
import { fanoutBench } from './fanout.js';
import { timingBench } from './timing.js';

const which = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const all = which.length === 0;
let ok = true;
if (all || which.includes('fanout')) ok = (await fanoutBench()) && ok;
if (all || which.includes('timing')) ok = (await timingBench()) && ok;
process.exit(ok ? 0 : 1);
