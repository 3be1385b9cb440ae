/**
 * `npm run bench [fanout|timing|conflicts|ack] [--rate=500 --users=5000 --channels=50 --latency=20 --reminders=10000 --over=60 --changes=100000 --runs=5 --ack-rate=200 --ack-seconds=10 --ack-connections=10 --ack-prof=DIR]`
 * Uses REDIS_URL if set (under a private key prefix), else starts a throwaway redis-server.
 */
import { ackBench } from './ack.js';
import { conflictsBench } from './conflicts.js';
import { fanoutBench } from './fanout.js';
import { timingBench } from './timing.js';

const which = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const all = which.length === 0;
let ok = true;
if (all || which.includes('fanout')) ok = (await fanoutBench()) && ok;
if (all || which.includes('timing')) ok = (await timingBench()) && ok;
if (all || which.includes('conflicts')) ok = (await conflictsBench()) && ok;
if (all || which.includes('ack')) ok = (await ackBench()) && ok;
process.exit(ok ? 0 : 1);
