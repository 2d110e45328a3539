export {
  healthRouter,
  READINESS_FRESH_MS,
  type Readiness,
  type ReadinessChecks,
  runChecks,
  sharedChecks,
} from './health.js';
export { createMetrics, type Metrics } from './metrics.js';
export { connectRedis } from './redis-client.js';
export { runService, type ServiceConfig, type ServiceParts } from './run-service.js';
export { type Served, type ServeOptions, serve, type UpgradeListener } from './serve.js';
export { createServiceApp, type ServiceAppOptions } from './service-app.js';
export {
  createServiceFrame,
  type FramedService,
  type ServiceDeps,
  type ServiceFrameOptions,
} from './service-frame.js';
export type {
  PathParamsOf,
  RequestBodyOf,
  SpecRequest,
  SpecResponse,
  SuccessBodyOf,
} from './spec-request.js';
export { validateAgainstSpec } from './validate-requests.js';
