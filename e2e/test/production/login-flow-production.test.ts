import { loginFlowSuite } from '../support/login-flow-suite.js';
import { productionParts } from './production-env.js';

const parts = productionParts('Login flow on PostgreSQL + Redis');
if (parts) {
  loginFlowSuite('postgres+redis', {
    redisUrl: parts.redisUrl,
    postgres: { adminUrl: parts.adminUrl },
  });
} else {
  describe.skip('the login flow through the gateway (postgres+redis mode)', () => {
    it('needs TEST_DATABASE_URL and REDIS_URL', () => {});
  });
}
