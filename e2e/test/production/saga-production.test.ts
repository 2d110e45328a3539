import { sagaSuite } from '../support/saga-suite.js';
import { productionParts } from './production-env.js';

const parts = productionParts('Saga suite on PostgreSQL + Redis');
if (parts) {
  sagaSuite('postgres+redis', parts.redisUrl, { postgres: { adminUrl: parts.adminUrl } });
} else {
  describe.skip('the order saga through the gateway (postgres+redis mode)', () => {
    it('needs TEST_DATABASE_URL and REDIS_URL', () => {});
  });
}
