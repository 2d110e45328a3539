/**
 * Production mode needs both parts: PostgreSQL (`TEST_DATABASE_URL`, a superuser
 * URL that may create databases and roles) and Redis (`REDIS_URL`). Without
 * them a suite is skipped and says why, once, on stderr.
 */
export function productionParts(what: string, env = process.env) {
  const adminUrl = env.TEST_DATABASE_URL;
  const redisUrl = env.REDIS_URL;
  if (adminUrl && redisUrl) return { adminUrl, redisUrl };
  const missing = [!adminUrl && 'TEST_DATABASE_URL', !redisUrl && 'REDIS_URL'].filter(Boolean);
  process.stderr.write(`${what} skipped: ${missing.join(' and ')} not set.\n`);
  return undefined;
}
