/**
 * Portico's five processes, in start order: the one table `npm start`
 * (scripts/start.mjs), the benches (bench/lib) and the e2e process tests read.
 * docs/architecture.md "Ports and routes" and docs/configuration.md describe
 * the ports and variables.
 *
 * - `portVar` moves a process under `npm start` (passed on as its PORT); `port` is its default.
 * - `urlVar` is the variable the other processes find it by (none for the gateway).
 * - `databaseVar` names the `<SERVICE>_DATABASE_URL` passed on as its DATABASE_URL.
 * - `spec` is its OpenAPI document (the gateway publishes theirs merged).
 *
 * @type {readonly import('./services.d.mts').Service[]}
 */
export const SERVICES = Object.freeze([
  {
    name: 'auth',
    dir: 'auth-service',
    portVar: 'AUTH_SERVICE_PORT',
    port: 8004,
    urlVar: 'AUTH_SERVICE_URL',
    databaseVar: 'AUTH_DATABASE_URL',
    spec: 'openapi/auth.yaml',
  },
  {
    name: 'user',
    dir: 'user-service',
    portVar: 'USER_SERVICE_PORT',
    port: 8001,
    urlVar: 'USER_SERVICE_URL',
    databaseVar: 'USER_DATABASE_URL',
    spec: 'openapi/user.yaml',
  },
  {
    name: 'order',
    dir: 'order-service',
    portVar: 'ORDER_SERVICE_PORT',
    port: 8002,
    urlVar: 'ORDER_SERVICE_URL',
    databaseVar: 'ORDER_DATABASE_URL',
    spec: 'openapi/order.yaml',
  },
  {
    name: 'inventory',
    dir: 'inventory-service',
    portVar: 'INVENTORY_SERVICE_PORT',
    port: 8003,
    urlVar: 'INVENTORY_SERVICE_URL',
    databaseVar: 'INVENTORY_DATABASE_URL',
    spec: 'openapi/inventory.yaml',
  },
  {
    name: 'gateway',
    dir: 'gateway',
    portVar: 'GATEWAY_PORT',
    port: 8080,
    urlVar: null,
    databaseVar: null,
    spec: null,
  },
]);

/** The processes' names, in start order. */
export const SERVICE_NAMES = Object.freeze(SERVICES.map((service) => service.name));
