import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessSystem, ServiceName } from '../test/support/processes.js';
import type { FaultProxy } from './fault-proxy.js';
import type { Load } from './load.js';
import type { PrivateRedis } from './private-redis.js';
import type { RssLog } from './report.js';

/** Short enough that an order nobody answers is compensated within the run. */
export const SAGA_TIMEOUT_MS = 10_000;
/** Each accepted order leaves `pending` within this of its creation (its own history's times). */
export const TERMINAL_BOUND_MS = SAGA_TIMEOUT_MS + 15_000;

/** How long each fault lasts, and how long the system runs whole in between. */
export const TIMING = {
  warmUpMs: 6_000,
  /** A SIGKILLed service stays down this long before it is started again. */
  killedForMs: 2_000,
  /** After each fault, the next waits until orders are accepted again, at most this long. */
  recoverWithinMs: 20_000,
  /** …and then this long more: caches refill, and a restarted process warms up before its RSS is read. */
  settleMs: 3_000,
  redisDownMs: 5_000,
  /** Each chunk, either way: one call takes 2 × this, past the gateway's 5 s per-try timeout. */
  slowDelayMs: 2_500,
  slowForMs: 12_000,
  unreachableForMs: 8_000,
  /** After the last recovery, the load runs on whole a little longer. */
  tailMs: 5_000,
};

/** Services SIGKILLed in turn: the saga's two ends first, the gateway last. */
export const KILL_ORDER: ServiceName[] = ['inventory', 'order', 'user', 'auth', 'gateway'];

/** One injected fault; times are ms since the load started. */
export type Fault = {
  fault: 'sigkill' | 'redis-kill' | 'upstream-slow' | 'upstream-unreachable';
  target: string;
  startedAt: number;
  /** When the fault was lifted: restart issued, Redis started, proxy passing again. */
  liftedAt: number;
  /** A restart: from the start command to /readyz 200 (or Redis accepting connections). */
  readyAfterMs?: number;
};

/**
 * The run's faults, one after another, while the load runs: every service
 * SIGKILLed and restarted in turn, then (with Redis) Redis killed and
 * restarted empty, then the order upstream made slow and then unreachable
 * behind the fault proxy. Each restarted process's RSS is read once warm.
 */
export async function injectFaults(deps: {
  system: ProcessSystem;
  proxy: FaultProxy;
  redis: PrivateRedis | undefined;
  rss: RssLog;
  load: Load;
  loadStartedAt: number;
}): Promise<Fault[]> {
  const { system, proxy, redis, rss, load } = deps;
  const since = () => Date.now() - deps.loadStartedAt;
  const faults: Fault[] = [];
  /**
   * Lets the system recover from one fault, and settle (caches refill, circuits close),
   * before the next, so each fault is measured alone.
   */
  const recovered = async (liftedAt: number) => {
    const deadline = Date.now() + TIMING.recoverWithinMs;
    while (!load.acceptedSince(deps.loadStartedAt + liftedAt) && Date.now() < deadline)
      await sleep(100);
    await sleep(TIMING.settleMs);
  };

  for (const name of KILL_ORDER) {
    const startedAt = since();
    await system.kill(name);
    await sleep(TIMING.killedForMs);
    const liftedAt = since();
    await system.start(name);
    faults.push({
      fault: 'sigkill',
      target: name,
      startedAt,
      liftedAt,
      readyAfterMs: since() - liftedAt,
    });
    await recovered(liftedAt);
    await rss.sample(
      name,
      system.pid(name),
      `${since()} ms, warm after its restart`,
      `${system.urls[name]}/metrics`,
    );
  }

  if (redis) {
    // Redis dies while a consumer lags, so its streams hold entries nobody has read yet:
    // inventory is down, and order.created events wait in the order stream.
    const startedAt = since();
    await system.kill('inventory');
    await sleep(TIMING.killedForMs);
    await redis.kill();
    await sleep(TIMING.redisDownMs);
    const liftedAt = since();
    await redis.start();
    faults.push({
      fault: 'redis-kill',
      target: 'redis (inventory down, its stream backlog unread)',
      startedAt,
      liftedAt,
      readyAfterMs: since() - liftedAt,
    });
    await system.start('inventory');
    await recovered(liftedAt);
    await rss.sample('redis', redis.pid(), `${since()} ms, after its restart`);
    await rss.sample(
      'inventory',
      system.pid('inventory'),
      `${since()} ms, warm after its restart`,
      `${system.urls.inventory}/metrics`,
    );
  }

  // Slow, then at once unreachable: one degradation getting worse, recovered from once.
  let startedAt = since();
  await proxy.set({ kind: 'delay', delayMs: TIMING.slowDelayMs });
  await sleep(TIMING.slowForMs);
  faults.push({ fault: 'upstream-slow', target: 'gateway→order', startedAt, liftedAt: since() });
  startedAt = since();
  await proxy.set({ kind: 'refuse' });
  await sleep(TIMING.unreachableForMs);
  await proxy.set({ kind: 'pass' });
  const liftedAt = since();
  faults.push({ fault: 'upstream-unreachable', target: 'gateway→order', startedAt, liftedAt });
  await recovered(liftedAt);
  await sleep(TIMING.tailMs);
  return faults;
}
