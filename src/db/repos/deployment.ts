/**
 * The deployment's id: made once, at the first start, and kept in `settings`. What one
 * deployment keeps outside its database (the BullMQ key prefix, the local Redis folder) is
 * named after it, so two deployments sharing a Redis or a folder never touch each other's.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../client.js';
import { settings } from '../schema.js';
import { getSetting } from './catalogue.js';

export const DEPLOYMENT_ID_KEY = 'deployment-id';

/** This database's deployment id (12 hex digits), made and stored on the first call. */
export function deploymentId(db: Db, at: Date): string {
  const stored = getSetting(db, DEPLOYMENT_ID_KEY);
  if (stored) return stored;
  // Two processes starting on a new database at once: the first insert wins, both read it.
  db.insert(settings)
    .values({ key: DEPLOYMENT_ID_KEY, value: randomBytes(6).toString('hex'), updatedBy: 'system:start', updatedAt: at })
    .onConflictDoNothing()
    .run();
  return getSetting(db, DEPLOYMENT_ID_KEY) as string;
}
