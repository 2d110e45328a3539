import { faultSuite } from './fault-suite.js';
import { writeSummary } from './report.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
if (databaseUrl && process.env.REDIS_URL) {
  // REDIS_URL says Redis is wanted; the suite runs a private redis-server of its own,
  // so stopping it never touches the shared one.
  faultSuite('redis-postgres', databaseUrl);
} else {
  const why = 'REDIS_URL and TEST_DATABASE_URL must both be set';
  process.stderr.write(`Faults suite on Redis and PostgreSQL skipped: ${why}.\n`);
  writeSummary('redis-postgres', { skipped: why });
  describe.skip('faults under a steady load (redis-postgres mode)', () => {
    it('needs REDIS_URL and TEST_DATABASE_URL', () => {});
  });
}
