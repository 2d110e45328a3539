import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unwrap } from '@portico/sdk';
import { untilPasses } from '@portico/test-kit';
import { useProcesses } from '../support/process-suite.js';
import { refusesConnections, SERVICES, type ServiceName } from '../support/processes.js';
import {
  adminToken,
  expectInvariant,
  newProduct,
  newShopper,
  order,
  product,
  type Shopper,
  settled,
} from '../support/shop.js';
import {
  allTerminal,
  burstWithCrash,
  countBy,
  expectNoDuplicateOrders,
  type Placement,
  shopForBurst,
} from './burst.js';

/** Short, so a saga that hears nothing is compensated within the test. */
const SAGA_TIMEOUT_MS = 3000;
/** After a restart, every accepted order is terminal within this (Redis claims idle entries after 10 s). */
const TERMINAL_WITHIN_MS = 30_000;
/** After every order is terminal, compensations (releases) land within this. */
const SETTLES_WITHIN_MS = 20_000;
/** SIGTERM to exit: serve() drains for at most 10 s, then closes. */
const EXIT_WITHIN_MS = 15_000;

const detailsOf = (history: unknown[]) => history.map((h) => (h as { detail?: string }).detail);
const report = (what: string, facts: object) => console.info(`${what}: ${JSON.stringify(facts)}`);

/**
 * Crashes and restarts with real processes: each service `node dist/server.js`
 * on its own port and SQLite file, SIGKILLed mid-saga and started again on the
 * same data (docs/architecture.md, "The order saga": after any crash, restart resumes
 * every saga, and the invariant holds).
 */
export function crashSuite(mode: 'embedded' | 'redis', redisUrl?: string) {
  describe(`real processes, crashes and restarts (${mode} mode)`, () => {
    const { system, tracked } = useProcesses({
      redisUrl,
      env: {
        order: { SAGA_TIMEOUT_MS: String(SAGA_TIMEOUT_MS) },
        gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
      },
    });
    let admin: string;
    beforeAll(async () => {
      admin = await adminToken(system.gateway);
    });

    /** Starts `name` again if a failed test left it down, so the next test finds a whole system. */
    const whole = async (name: ServiceName) => {
      if (!system.isRunning(name)) await system.start(name);
    };

    it(
      'when inventory is down, then an order is cancelled by the saga timeout, and once inventory is back its late reservation is released',
      tracked(async () => {
        const sku = await newProduct(system.gateway, admin, 10);
        const ada = await newShopper(system.gateway);
        try {
          expect(await system.kill('inventory')).toMatchObject({ signal: 'SIGKILL' });
          const placing = await ada.portico.orders.POST('/api/v1/orders', {
            body: { items: [{ sku, quantity: 3 }] },
          });
          expect(placing.response.status).toBe(202);
          const placed = unwrap(placing);
          const timedOut = await settled(system.gateway, ada, placed.id, SAGA_TIMEOUT_MS + 5000);
          expect(timedOut.status).toBe('cancelled');
          expect(timedOut.reason).toBe('saga timeout: no answer from inventory');
          expect(detailsOf(timedOut.history)).toContain('saga timeout: no answer from inventory');

          const restarted = Date.now();
          await system.start('inventory');
          // inventory now reads order.created (reserves 3) then order.cancelled (releases them):
          // the order's history records the release, and the stock is whole again.
          const released = await untilPasses(
            async () => {
              const now = await order(system.gateway, ada, placed.id);
              expect(detailsOf(now.history)).toContain('stock released');
              return now;
            },
            { timeoutMs: TERMINAL_WITHIN_MS },
          );
          await untilPasses(
            async () =>
              expect(await product(system.gateway, sku)).toMatchObject({
                available: 10,
                reserved: 0,
              }),
            { timeoutMs: SETTLES_WITHIN_MS },
          );
          expect(released.status).toBe('cancelled');
          await expectInvariant(system.gateway, { [sku]: 10 }, [released]);
          report(`${mode} a`, { releasedAfterRestartMs: Date.now() - restarted });
        } finally {
          await whole('inventory');
        }
      }),
      60_000,
    );

    /** Products, shoppers and a burst plan of 60 orders for a crash test. */
    const shop = (run: string) => shopForBurst(system, admin, run, 60, [25, 12, 40]);

    /** Every accepted order is terminal, each shopper has exactly the orders accepted, and the invariant holds. */
    async function expectRecovered(
      stock: Record<string, number>,
      shoppers: Shopper[],
      placements: Placement[],
      restartedAt: number,
    ) {
      const finals = await allTerminal(system.gateway, placements, TERMINAL_WITHIN_MS);
      const terminalMs = Date.now() - restartedAt;
      await expectNoDuplicateOrders(system.gateway, shoppers, placements);
      await untilPasses(() => expectInvariant(system.gateway, stock, finals), {
        timeoutMs: SETTLES_WITHIN_MS,
      });
      return { finals, terminalMs, invariantMs: Date.now() - restartedAt };
    }

    it(
      'when order-service is SIGKILLed mid-burst and restarted, then every accepted order ends terminal, none is duplicated, and the invariant holds exactly',
      tracked(async () => {
        const { stock, shoppers, placements } = await shop('kill-order');
        try {
          const burst = await burstWithCrash(system, placements, {
            victim: 'order',
            killAfter: 30,
            paceMs: 25,
            placeWithinMs: 45_000,
            // The outage lasts until clients have been refused a few times.
            restartWhen: async (progress) => {
              await untilPasses(async () => expect(progress.refused).toBeGreaterThanOrEqual(3), {
                timeoutMs: 10_000,
              });
            },
          });
          expect(burst.killed.signal).toBe('SIGKILL');
          expect(burst.refused).toBeGreaterThan(0);
          const { finals, terminalMs, invariantMs } = await expectRecovered(
            stock,
            shoppers,
            placements,
            burst.restartedAt,
          );
          report(`${mode} b`, {
            clientAnswers: countBy(placements.flatMap((p) => p.statuses)),
            outageMs: burst.restartedAt - burst.killedAt,
            // The gateway's circuit for order-service stays open BREAKER_HALF_OPEN_AFTER_MS (10 s).
            allAcceptedAfterRestartMs: burst.lastAcceptedAt - burst.restartedAt,
            statuses: countBy(finals.map((o) => o.status)),
            terminalAfterRestartMs: terminalMs,
            invariantAfterRestartMs: invariantMs,
          });
        } finally {
          await whole('order');
        }
      }),
      120_000,
    );

    it(
      'when inventory-service is SIGKILLed mid-burst and restarted, then every accepted order ends terminal and the invariant holds exactly',
      tracked(async () => {
        const { stock, shoppers, placements } = await shop('kill-inventory');
        try {
          const burst = await burstWithCrash(system, placements, {
            victim: 'inventory',
            killAfter: 30,
            paceMs: 25,
            placeWithinMs: 45_000,
            // Placing needs no inventory: every order is accepted. The outage lasts until an
            // order placed after the kill was compensated by the saga timeout.
            restartWhen: async (progress) => {
              await untilPasses(async () => expect(progress.accepted).toBe(placements.length), {
                timeoutMs: 20_000,
              });
              const late = placements.find((p) => p.acceptedAt! > progress.killedAt!);
              if (!late) throw new Error('no order was accepted after the kill');
              const done = await settled(
                system.gateway,
                late.shopper,
                late.id!,
                SAGA_TIMEOUT_MS + 5000,
              );
              expect(done.status).toBe('cancelled');
            },
          });
          expect(burst.killed.signal).toBe('SIGKILL');
          const { finals, terminalMs, invariantMs } = await expectRecovered(
            stock,
            shoppers,
            placements,
            burst.restartedAt,
          );
          report(`${mode} c`, {
            clientAnswers: countBy(placements.flatMap((p) => p.statuses)),
            outageMs: burst.restartedAt - burst.killedAt,
            statuses: countBy(finals.map((o) => o.status)),
            terminalAfterRestartMs: terminalMs,
            invariantAfterRestartMs: invariantMs,
          });
        } finally {
          await whole('inventory');
        }
      }),
      120_000,
    );

    it(
      'when every process gets SIGTERM, then each exits 0 within the bound and nothing is left listening',
      tracked(async () => {
        // Nothing crashed on its own along the way (a restart that died would show here).
        for (const name of SERVICES)
          expect({ name, running: system.isRunning(name) }).toEqual({ name, running: true });
        const pids = SERVICES.map((name) => system.pid(name)!);
        const exits = await system.stopAll(EXIT_WITHIN_MS);
        report(`${mode} d`, exits);
        for (const name of SERVICES) {
          expect({ name, ...exits[name] }).toMatchObject({
            name,
            code: 0,
            signal: null,
            timedOut: false,
          });
        }
        for (const name of SERVICES) {
          expect({ name, refused: await refusesConnections(system.ports[name]) }).toEqual({
            name,
            refused: true,
          });
        }
        for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
        const errors = SERVICES.map((name) => [
          name,
          readFileSync(join(system.dir, `${name}.log`), 'utf8')
            .split('\n')
            .filter((line) => /"level":"(error|fatal)"/.test(line)).length,
        ]);
        report(`${mode} error-level log lines`, Object.fromEntries(errors));
      }),
      60_000,
    );
  });
}
