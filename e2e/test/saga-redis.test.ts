import { sagaSuite } from './support/saga-suite.js';

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  sagaSuite('redis', redisUrl);
} else {
  process.stderr.write('Saga suite on Redis Streams skipped: REDIS_URL is not set.\n');
  describe.skip('the order saga through the gateway (redis mode)', () => {
    it('needs REDIS_URL', () => {});
  });
}
