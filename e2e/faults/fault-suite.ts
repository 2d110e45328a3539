import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, untilPasses } from '@portico/test-kit';
import { allTerminal, countBy, type FinalOrder } from '../test/processes/burst.js';
import {
  buildServices,
  type ProcessSystem,
  SERVICES,
  startProcesses,
} from '../test/support/processes.js';
import {
  adminToken,
  expectInvariant,
  newProduct,
  newShopper,
  type Shopper,
} from '../test/support/shop.js';
import { exactlyOnce } from './exactly-once.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type Locate, readLedger, sqliteIn } from './ledger.js';
import { startLoad } from './load.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';
import { RssLog, writeSummary } from './report.js';
import { errorLines, type Run, summarise, terminalMs } from './summary.js';
import { injectFaults, SAGA_TIMEOUT_MS, TERMINAL_BOUND_MS, TIMING } from './timeline.js';

/** After the load stops, with everything back: every accepted order is terminal within this. */
const ALL_TERMINAL_WITHIN_MS = 30_000;
/** A client repeats "not now" answers with its Idempotency-Key for this long. */
const PLACE_WITHIN_MS = 60_000;
/** No process may end the run above this, from its own first (warm) reading. */
export const rssBoundMb = (beforeMb: number) => 1.5 * beforeMb + 50;

export type FaultsMode = 'embedded' | 'redis-postgres';

/**
 * Issue 7: faults under a steady load of orders through the gateway, then
 * checks once everything is back (docs/architecture.md: the saga, its invariant, the
 * events' exactly-once effect). Writes test-artifacts/faults-summary.json.
 */
export function faultSuite(mode: FaultsMode, postgresAdminUrl?: string) {
  describe(`faults under a steady load (${mode} mode)`, () => {
    let system: ProcessSystem;
    let proxy: FaultProxy;
    let redis: PrivateRedis | undefined;
    let locate: Locate;
    const rss = new RssLog();
    const checks: Record<string, unknown> = {};
    let run: Run | undefined;
    let failed = false;
    const track = (body: () => Promise<void> | void) => async () => {
      try {
        await body();
      } catch (error) {
        failed = true;
        throw error;
      }
    };
    const processes = () => [...SERVICES, ...(redis ? (['redis'] as const) : [])];
    const pidOf = (name: string) => (name === 'redis' ? redis?.pid() : system.pid(name as never));
    const sampleAll = async (at: string) => {
      for (const name of processes())
        await rss.sample(
          name,
          pidOf(name),
          at,
          name === 'redis' ? undefined : `${system.urls[name]}/metrics`,
        );
    };

    beforeAll(async () => {
      await buildServices();
      if (mode === 'redis-postgres') redis = await startPrivateRedis();
      system = await startProcesses({
        redisUrl: redis?.url,
        ...(postgresAdminUrl && { postgres: { adminUrl: postgresAdminUrl } }),
        readyWithinMs: 60_000,
        env: {
          order: { SAGA_TIMEOUT_MS: String(SAGA_TIMEOUT_MS) },
          gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
        },
      });
      locate = postgresAdminUrl
        ? (store) => ({ postgres: system.databases[store]!.url })
        : sqliteIn(system.dir);
      // The gateway reaches order-service through the fault proxy from now on.
      proxy = await startFaultProxy(await freePort(), system.ports.order);
      await system.stop('gateway');
      await system.start('gateway', { env: { ORDER_SERVICE_URL: proxy.url } });

      const admin = await adminToken(system.gateway);
      const stock = {
        [await newProduct(system.gateway, admin, 200)]: 200,
        [await newProduct(system.gateway, admin, 120)]: 120,
        [await newProduct(system.gateway, admin, 400)]: 400,
      };
      const shoppers: Shopper[] = [];
      for (let i = 0; i < 8; i += 1) shoppers.push(await newShopper(system.gateway));

      const loadStartedAt = Date.now();
      const load = startLoad(system.gateway, {
        run: `faults-${randomBytes(4).toString('hex')}`,
        shoppers,
        skus: Object.keys(stock),
        perSecond: 4,
        placeWithinMs: PLACE_WITHIN_MS,
        cancelEvery: 10,
      });
      await sleep(TIMING.warmUpMs);
      await sampleAll('warm, before any fault');
      /** Every fault lifted: a no-op after a run that went to plan. */
      const whole = async () => {
        await proxy.set({ kind: 'pass' });
        for (const name of SERVICES) if (!system.isRunning(name)) await system.start(name);
        if (redis && !redis.isRunning()) await redis.start();
      };
      const faults = await injectFaults({ system, proxy, redis, rss, load, loadStartedAt }).catch(
        async (error: unknown) => {
          await whole();
          await load.stop(); // no load left running after a failure
          throw error;
        },
      );
      await whole();
      const orders = await load.stop();
      const loadStoppedAt = Date.now();
      const accepted = orders.filter((o) => o.id);
      let finals: FinalOrder[] = [];
      let terminalError: string | undefined;
      try {
        finals = await allTerminal(system.gateway, accepted, ALL_TERMINAL_WITHIN_MS);
      } catch (error) {
        terminalError = (error as Error).message; // orders still pending: lost or hung sagas
      }
      run = {
        terminalError,
        orders,
        accepted,
        finals,
        faults,
        stock,
        loadStartedAt,
        loadStoppedAt,
        terminalAfterStopMs: Date.now() - loadStoppedAt,
      };
    }, 420_000);

    afterAll(async () => {
      if (run) {
        writeSummary(mode, {
          ...summarise(run, checks, rss, (name) => pidOf(name), processes()),
          errorLogLines: errorLines(system),
        });
      } else {
        writeSummary(mode, { failed: 'the run did not complete; see the test output' });
      }
      await proxy?.close();
      if (system) {
        const keep = failed || !run || process.env.KEEP_PROCESS_LOGS === '1';
        await system.cleanUp({ keep });
        if (keep) console.info(`logs and databases kept in ${system.dir}`);
      }
      await redis?.stop();
    }, 120_000);

    it(
      'when the faults are over, then every client got its order accepted and every accepted order is terminal within the bound',
      track(() => {
        const { orders, finals, terminalError } = run!;
        expect(terminalError).toBeUndefined();
        const gaveUp = orders.filter((o) => o.failure).map((o) => `${o.key}: ${o.failure}`);
        const slowest = Math.max(...finals.map(terminalMs));
        checks.terminal = {
          gaveUp: gaveUp.length,
          slowestTerminalMs: slowest,
          boundMs: TERMINAL_BOUND_MS,
        };
        expect(gaveUp).toEqual([]);
        expect(slowest).toBeLessThanOrEqual(TERMINAL_BOUND_MS);
      }),
    );

    it(
      'when every order is terminal, then the stock invariant holds exactly',
      track(async () => {
        const { stock, finals, terminalError } = run!;
        expect(terminalError).toBeUndefined();
        await untilPasses(() => expectInvariant(system.gateway, stock, finals), {
          timeoutMs: 20_000,
        });
        checks.invariant = 'holds';
      }),
      30_000,
    );

    it(
      'when the system has settled, then every outbox event took effect exactly once and there is exactly one order per accepted request',
      track(async () => {
        const result = await untilPasses(
          async () => {
            const ledger = await readLedger(locate);
            const once = exactlyOnce(ledger);
            const ids = new Set(run!.accepted.map((o) => o.id!));
            const unknown = ledger.orders.filter((o) => !ids.has(o.id)).length;
            if (unknown > 0) once.problems.push(`${unknown} orders no client was answered with`);
            if (ids.size !== run!.accepted.length)
              once.problems.push('two requests got one order id');
            if (ledger.orders.length !== ids.size)
              once.problems.push(`${ledger.orders.length} orders for ${ids.size} accepted`);
            expect(once.problems).toEqual([]);
            return once;
          },
          { timeoutMs: 20_000 },
        ).catch((error: Error) => {
          checks.exactlyOnce = { problems: error.message.slice(0, 2000) };
          throw error;
        });
        checks.exactlyOnce = {
          events: result.events,
          orders: result.orders,
          releases: result.releases,
          problems: [],
        };
      }),
      60_000,
    );

    it(
      'when dependencies were down, then no client saw a 500, every 502/503/504 was a problem with Retry-After, and no answer went missing but while the gateway itself was down',
      track(() => {
        const answers = run!.orders.flatMap((o) => o.answers);
        const gatewayDown = run!.faults.find((f) => f.target === 'gateway')!;
        const downFrom = run!.loadStartedAt + gatewayDown.startedAt;
        const downTo = run!.loadStartedAt + gatewayDown.liftedAt + (gatewayDown.readyAfterMs ?? 0);
        const expected = new Set([200, 202, 409, 0, 502, 503, 504]);
        const wrong = answers.filter(
          (a) =>
            !expected.has(a.status) ||
            (a.status >= 502 && (!a.retryAfter || !a.problemCode)) ||
            (a.status === 0 && (a.at < downFrom - 1000 || a.at > downTo + 1000)),
        );
        checks.answers = {
          byStatus: countBy(answers.map((a) => a.status)),
          byProblem: countBy(
            answers.filter((a) => a.problemCode).map((a) => `${a.status} ${a.problemCode}`),
          ),
          wrong: wrong.length,
        };
        expect(wrong.slice(0, 10)).toEqual([]);
      }),
    );

    it(
      'when the run is over, then no process grew past 1.5 × its warm RSS + 50 MB',
      track(async () => {
        await sleep(5_000); // idle: let the collectors run
        const grown: string[] = [];
        await sampleAll('after the run, idle 5 s');
        for (const name of processes()) {
          const span = rss.span(name, pidOf(name));
          if (span.beforeMb === undefined || span.afterMb === undefined)
            grown.push(`${name}: no reading`);
          else if (span.afterMb > rssBoundMb(span.beforeMb))
            grown.push(`${name}: ${span.beforeMb} → ${span.afterMb} MB`);
        }
        checks.rss = { grown };
        expect(grown).toEqual([]);
      }),
      30_000,
    );
  });
}
