export { HTTP_CLIENT_ERRORS } from './errors.js';
export { CONNECTION_ERROR_CODES, IDEMPOTENT_METHODS } from './failure-kinds.js';
export { createServiceClient } from './service-client.js';
export { createServiceTokenProvider, type ServiceTokenProviderOptions } from './token-provider.js';
export type {
  ClientLogger,
  HttpMethod,
  ServiceClient,
  ServiceClientOptions,
  ServiceRequest,
  ServiceResponse,
  TokenProvider,
} from './types.js';
export { isUpstreamError } from './upstream-errors.js';
