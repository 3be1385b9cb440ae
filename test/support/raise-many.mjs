// Child process for the concurrency test: raises N RFCs through the real use case (built dist/).
import { createContext, loadActor } from '../../dist/app/context.js';
import { raise } from '../../dist/app/rfcs.js';
import { openDatabase } from '../../dist/db/client.js';
import { DEFAULT_POLICY } from '../../dist/domain/policy.js';

const [path, who, count] = process.argv.slice(2);
const database = openDatabase(path, { busyTimeoutMs: 20_000 });
const ctx = createContext(database, { policy: DEFAULT_POLICY, timezone: 'UTC' });
const actor = loadActor(ctx, `cli:${who}`);
const keys = [];
for (let i = 0; i < Number(count); i++) keys.push(raise(ctx, actor, { title: `${who} ${i}` }).result.key);
database.close();
process.stdout.write(JSON.stringify(keys));
