export type { EventEnvelope } from './envelope.js';
export { type EventBus, type EventBusOptions, startEventBus } from './event-bus.js';
export { eventData } from './event-data.js';
export { createFeedClient } from './feed-client.js';
export { type FeedConsumerOptions, startFeedConsumer } from './feed-consumer.js';
export { eventFeedRoutes } from './feed-routes.js';
export { createInbox, type Handler, type Handlers, type Inbox, type Outcome } from './inbox.js';
export { createOutbox, type Emit, envelopeOf, type Outbox, type OutboxFeed } from './outbox.js';
export { type RedisConsumerOptions, startRedisConsumer } from './redis-consumer.js';
export { startRedisRelay } from './redis-relay.js';
export {
  createServiceVerifier,
  followRevocations,
  type RevocationFeedOptions,
  type VerifierConfig,
} from './revocation-feed.js';
export { deadLetterStreamOf, streamOf } from './streams.js';
export { subscribe } from './subscriber.js';
export {
  type EventTables,
  inboxMigration,
  outboxMigration,
  serialiseOutboxWrites,
} from './tables.js';
