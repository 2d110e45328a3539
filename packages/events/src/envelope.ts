/** What travels on every transport (docs/architecture.md, "Events"). */
export type EventEnvelope<T = unknown> = {
  id: string;
  type: string;
  /** The producing service's stream: `auth`, `user`, `order`, `inventory`. */
  source: string;
  occurredAt: string;
  data: T;
  /** W3C trace context of the request that caused the event, when there was one. */
  traceparent?: string;
};

/** A handler's view of one delivered event; its effect goes in `trx`, with the inbox row. */
export type EventHandler<Trx> = (trx: Trx, event: EventEnvelope) => Promise<void>;
