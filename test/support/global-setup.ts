/**
 * Runs once before the test files. Later issues add a throwaway redis-server here when
 * REDIS_URL is not set.
 */
export default async function setup(): Promise<void | (() => Promise<void>)> {
  process.env.TZ ??= 'UTC';
}
