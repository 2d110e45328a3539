import type { Exchange } from './exchange.js';

/**
 * A step of the hot path. It returns true to pass the exchange on, or false when
 * it has answered the request itself (a preflight, a 413, later a 401 or 429).
 * A stage that needs I/O (a user-status lookup) returns a promise; synchronous
 * stages cost no promise, which matters at tens of thousands of requests a second.
 */
export type Stage = (exchange: Exchange) => boolean | Promise<boolean>;

/**
 * Runs the stages in order, then hands the exchange to `last`; a throw goes to
 * `fail`. Synchronous stages run in a plain loop: a continuation (one closure)
 * is made only when a stage returns a promise, at the first such stage.
 */
export function runPipeline(
  stages: readonly Stage[],
  exchange: Exchange,
  last: (exchange: Exchange) => void,
  fail: (exchange: Exchange, error: unknown) => void,
): void {
  runFrom(0, stages, exchange, last, fail);
}

function runFrom(
  first: number,
  stages: readonly Stage[],
  exchange: Exchange,
  last: (exchange: Exchange) => void,
  fail: (exchange: Exchange, error: unknown) => void,
): void {
  try {
    for (let index = first; index < stages.length; index += 1) {
      const outcome = stages[index]!(exchange);
      if (outcome === true) continue;
      if (outcome === false) return;
      outcome.then(
        (pass) => {
          if (pass) runFrom(index + 1, stages, exchange, last, fail);
        },
        (error: unknown) => fail(exchange, error),
      );
      return;
    }
    last(exchange);
  } catch (error) {
    fail(exchange, error);
  }
}
