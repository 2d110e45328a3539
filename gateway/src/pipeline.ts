import type { Exchange } from './exchange.js';

/**
 * A step of the hot path. It returns true to pass the exchange on, or false when
 * it has answered the request itself (a preflight, a 413, later a 401 or 429).
 * A stage that needs I/O (a user-status lookup) returns a promise; synchronous
 * stages cost no promise, which matters at tens of thousands of requests a second.
 */
export type Stage = (exchange: Exchange) => boolean | Promise<boolean>;

/** Runs the stages in order, then hands the exchange to `last`; a throw goes to `fail`. */
export function runPipeline(
  stages: readonly Stage[],
  exchange: Exchange,
  last: (exchange: Exchange) => void,
  fail: (exchange: Exchange, error: unknown) => void,
): void {
  let index = 0;
  const proceed = (): void => {
    try {
      while (index < stages.length) {
        const outcome = stages[index++]!(exchange);
        if (outcome === false) return;
        if (outcome !== true) {
          outcome.then(
            (pass) => {
              if (pass) proceed();
            },
            (error: unknown) => fail(exchange, error),
          );
          return;
        }
      }
      last(exchange);
    } catch (error) {
      fail(exchange, error);
    }
  };
  proceed();
}
