import { crashSuite } from './crash-suite.js';

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  crashSuite('redis', redisUrl);
} else {
  process.stderr.write('Crash-recovery suite on Redis Streams skipped: REDIS_URL is not set.\n');
  describe.skip('real processes, crashes and restarts (redis mode)', () => {
    it('needs REDIS_URL', () => {});
  });
}
