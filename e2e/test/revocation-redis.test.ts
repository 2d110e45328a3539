import { revocationSuite } from './support/revocation-suite.js';

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  revocationSuite('redis', redisUrl);
} else {
  process.stderr.write('Revocation suite on Redis Streams skipped: REDIS_URL is not set.\n');
  describe.skip('token revocation across the system (redis mode)', () => {
    it('needs REDIS_URL', () => {});
  });
}
