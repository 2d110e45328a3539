import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countBy, type FinalOrder } from '../test/processes/burst.js';
import { type ProcessSystem, SERVICES } from '../test/support/processes.js';
import type { LoadOrder } from './load.js';
import type { RssLog } from './report.js';
import { type Fault, TERMINAL_BOUND_MS } from './timeline.js';

/** What the run observed; each `it` checks one part of it. */
export type Run = {
  orders: LoadOrder[];
  accepted: LoadOrder[];
  finals: FinalOrder[];
  faults: Fault[];
  stock: Record<string, number>;
  loadStartedAt: number;
  loadStoppedAt: number;
  terminalAfterStopMs: number;
  /** Set when some accepted order was still pending after ALL_TERMINAL_WITHIN_MS. */
  terminalError: string | undefined;
};

/**
 * Error- and fatal-level log lines each service wrote over the run (all its
 * processes), leaving out the gateway's access-log line for each 5xx it answered.
 */
export function errorLines(
  system: ProcessSystem,
): Record<string, { count: number; first?: string }> {
  return Object.fromEntries(
    SERVICES.map((name) => {
      let text = '';
      try {
        text = readFileSync(join(system.dir, `${name}.log`), 'utf8');
      } catch {
        // no log: nothing written
      }
      const errors = text
        .split('\n')
        .filter((l) => /"level":"(error|fatal)"/.test(l) && !l.includes('"request completed"'));
      return [name, { count: errors.length, ...(errors[0] && { first: errors[0].slice(0, 500) }) }];
    }),
  );
}

/** First step out of `pending`, from the order's own history. */
export function terminalMs(order: FinalOrder): number {
  const history = order.history as { status: string; at: string }[];
  const placed = Date.parse(history[0]!.at);
  const out = history.find((h) => h.status !== 'pending');
  return out ? Date.parse(out.at) - placed : Number.POSITIVE_INFINITY;
}

export function summarise(
  run: Run,
  checks: Record<string, unknown>,
  rss: RssLog,
  pidOf: (name: string) => number | undefined,
  names: readonly string[],
) {
  const answers = run.orders.flatMap((o) => o.answers);
  const since = (at: number) => at - run.loadStartedAt;
  /** Recovery: from the lift to the first 202 for an order sent after it. */
  const recoveredAfter = (lifted: number) => {
    const arrivals = answers
      .filter((a) => a.method === 'POST' && a.status === 202 && since(a.at) >= lifted)
      .map((a) => since(a.at + a.ms));
    return arrivals.length > 0 ? Math.min(...arrivals) - lifted : null;
  };
  /** What clients were answered from the fault's start until it was recovered from. */
  const answeredDuring = (from: number, to: number) =>
    countBy(
      answers
        .filter((a) => since(a.at) >= from && since(a.at) < to)
        .map((a) => (a.problemCode ? `${a.status} ${a.problemCode}` : String(a.status))),
    );
  return {
    finishedAt: new Date().toISOString(),
    loadMs: run.loadStoppedAt - run.loadStartedAt,
    orders: {
      placed: run.orders.length,
      accepted: run.accepted.length,
      gaveUp: run.orders.filter((o) => o.failure).length,
      cancelRequests: run.orders.filter((o) => o.cancel).length,
      statuses: countBy(run.finals.map((o) => o.status)),
      allTerminalAfterLoadStopMs: run.terminalAfterStopMs,
      slowestTerminalMs: Math.max(...run.finals.map(terminalMs)),
      terminalBoundMs: TERMINAL_BOUND_MS,
    },
    faults: run.faults.map((f) => {
      const recoveredAfterMs = recoveredAfter(f.liftedAt);
      const until = f.liftedAt + (recoveredAfterMs ?? 0);
      return { ...f, recoveredAfterMs, answers: answeredDuring(f.startedAt, until) };
    }),
    rssMb: Object.fromEntries(names.map((name) => [name, rss.span(name, pidOf(name))])),
    rssBound: 'after ≤ 1.5 × before + 50 MB (before: the process first read warm)',
    notes: {
      times: 'ms since the load started',
      recoveredAfterMs:
        'from the lift (restart issued, Redis started, proxy passing) to the 202 of the first order sent after it; upstream-slow is lifted into upstream-unreachable, so its figure spans both',
      answers:
        'what clients were answered from the fault until recovery, by status and problem code',
      rssMb:
        'runStartMb: the first process of that name, warm, before any fault; beforeMb, afterMb: the process running at the end, first warm and after the run',
    },
    checks,
    lost: {
      notTerminal: run.terminalError ?? null,
      exactlyOnce:
        (checks.exactlyOnce as { problems?: unknown } | undefined)?.problems ?? 'not checked',
    },
  };
}
