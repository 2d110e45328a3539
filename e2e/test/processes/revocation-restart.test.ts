import { eventually } from '@portico/test-kit';
import { useProcesses } from '../support/process-suite.js';
import { newShopper } from '../support/shop.js';
import { call } from '../support/system.js';

/** Generous: a restarted process seeds its list once its first request to auth-service answers. */
const REFUSED_WITHIN_MS = 10_000;

const report = (what: string, facts: object) => console.info(`${what}: ${JSON.stringify(facts)}`);

/**
 * Real processes (`node dist/server.js`, embedded mode): a gateway and a
 * service restarted after a revocation hear nothing of it on the event
 * stream (they follow it from "now"), so only the seed from
 * GET /internal/v1/revocations can make them refuse the token.
 */
describe('real processes: a revocation survives a restart', () => {
  const { system, tracked } = useProcesses({
    env: { gateway: { RATE_LIMIT_PER_MINUTE: '1000000' } },
  });

  it(
    'when the gateway and order-service restart after a revocation, then both still refuse the token and accept the other session',
    tracked(async () => {
      const shopper = await newShopper(system.gateway);
      const other = await call(system.gateway, '/api/v1/auth/login', {
        body: { email: shopper.email, password: shopper.password },
      });
      expect(other.status).toBe(200);
      const orders = (base: string, token: string) =>
        call(base, '/api/v1/orders', { token }).then((r) => r.status);
      expect(await orders(system.gateway, shopper.token)).toBe(200);

      const revoked = await fetch(`${system.gateway}/api/v1/auth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: shopper.token }),
      });
      expect(revoked.status).toBe(200);
      await eventually(
        'the revoked token refused at the gateway',
        async () => (await orders(system.gateway, shopper.token)) === 401,
        { timeoutMs: REFUSED_WITHIN_MS },
      );

      for (const name of ['gateway', 'order'] as const) {
        const stopped = await system.stop(name);
        expect(stopped.timedOut).toBe(false);
        await system.start(name);
      }
      const refusedMs = {
        gateway: await eventually(
          'the revoked token refused by the restarted gateway',
          async () => (await orders(system.gateway, shopper.token)) === 401,
          { timeoutMs: REFUSED_WITHIN_MS },
        ),
        order: await eventually(
          'the revoked token refused by the restarted order service',
          async () => (await orders(system.urls.order, shopper.token)) === 401,
          { timeoutMs: REFUSED_WITHIN_MS },
        ),
      };
      report('revoked token refused after restart', { refusedAfterReadyMs: refusedMs });
      expect(await orders(system.gateway, other.body.access_token)).toBe(200);
      expect(await orders(system.urls.order, other.body.access_token)).toBe(200);
    }),
    120_000,
  );
});
