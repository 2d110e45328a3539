import { ConsecutiveBreaker } from 'cockatiel';

export type BreakerState = 'closed' | 'half-open' | 'open';

export type CircuitBreakerOptions = {
  /** Consecutive failed calls that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call may go through. */
  halfOpenAfterMs: number;
  /**
   * A trial that never reports (its client left, its body was too large) frees
   * the half-open slot after this long, so the circuit cannot stick half-open.
   */
  trialTimeoutMs: number;
  onStateChange?: (state: BreakerState) => void;
  /** A monotonic clock in milliseconds; tests may freeze it. */
  now?: () => number;
};

/**
 * One upstream's circuit: closed until `failureThreshold` calls in a row fail
 * (cockatiel's ConsecutiveBreaker counts them), then open: calls are refused
 * without touching the upstream. After `halfOpenAfterMs` it is half-open: one
 * trial call goes through, and its outcome closes the circuit or opens it again.
 *
 * cockatiel's `circuitBreaker` policy wraps every call in promises; the proxy
 * path is callback-driven, and a closed circuit here costs a field read per call.
 * Calls are identified by a token (the exchange), so the outcome of a call that
 * started before the circuit opened cannot close it: only the trial's can.
 */
export class CircuitBreaker {
  readonly #counter: ConsecutiveBreaker;
  readonly #halfOpenAfterMs: number;
  readonly #trialTimeoutMs: number;
  readonly #onStateChange: ((state: BreakerState) => void) | undefined;
  readonly #now: () => number;
  #state: BreakerState = 'closed';
  #openedAt = 0;
  #trial: object | undefined;
  #trialStartedAt = 0;

  constructor(options: CircuitBreakerOptions) {
    this.#counter = new ConsecutiveBreaker(options.failureThreshold);
    this.#halfOpenAfterMs = options.halfOpenAfterMs;
    this.#trialTimeoutMs = options.trialTimeoutMs;
    this.#onStateChange = options.onStateChange;
    this.#now = options.now ?? (() => performance.now());
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether the call identified by `token` may go to the upstream now. */
  admit(token: object): boolean {
    if (this.#state === 'closed') return true;
    const now = this.#now();
    if (this.#state === 'open') {
      if (now - this.#openedAt < this.#halfOpenAfterMs) return false;
      this.#enter('half-open');
    } else if (this.#trial !== undefined && now - this.#trialStartedAt < this.#trialTimeoutMs) {
      return false;
    }
    this.#trial = token;
    this.#trialStartedAt = now;
    return true;
  }

  /** Whole seconds until a refused caller could be let through (at least 1), for `Retry-After`. */
  retryAfterSeconds(): number {
    const waitMs =
      this.#state === 'open' ? this.#openedAt + this.#halfOpenAfterMs - this.#now() : 1_000;
    return Math.max(1, Math.ceil(waitMs / 1_000));
  }

  succeeded(token: object): void {
    if (this.#state === 'closed') {
      this.#counter.success();
    } else if (this.#state === 'half-open' && token === this.#trial) {
      this.#counter.success();
      this.#enter('closed');
    }
  }

  failed(token: object): void {
    if (this.#state === 'closed') {
      if (this.#counter.failure()) this.#enter('open');
    } else if (this.#state === 'half-open' && token === this.#trial) {
      this.#counter.failure();
      this.#enter('open');
    }
  }

  #enter(state: BreakerState): void {
    this.#state = state;
    this.#trial = undefined;
    if (state === 'open') this.#openedAt = this.#now();
    this.#onStateChange?.(state);
  }
}
