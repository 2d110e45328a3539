/**
 * The services that may ask for client_credentials tokens, and the scopes each
 * may hold. Secrets come from the environment; scopes are part of the system's
 * design, so they live in code where a review sees them change.
 */
export const SERVICE_CLIENTS: Readonly<Record<string, readonly string[]>> = {
  // `revocations:read` for every verifier (its revocation list); `tokens:introspect`
  // for the gateway alone: the edge is where foreign tokens arrive, and no domain
  // service needs to ask about a token it can verify itself.
  gateway: ['users:read', 'events:read', 'revocations:read', 'tokens:introspect'],
  'user-service': ['accounts:read', 'events:read', 'revocations:read'],
  'order-service': ['users:read', 'inventory:read', 'events:read', 'revocations:read'],
  'inventory-service': ['events:read', 'revocations:read'],
};

/** The scopes granted: what was asked for (all allowed when nothing was), or null if any is not allowed. */
export function grantScopes(clientId: string, requested: string | undefined): string[] | null {
  // hasOwn: an id such as `constructor` must not reach Object.prototype.
  const allowed = Object.hasOwn(SERVICE_CLIENTS, clientId) ? SERVICE_CLIENTS[clientId]! : [];
  if (!requested?.trim()) return [...allowed];
  const asked = requested.split(' ').filter(Boolean);
  return asked.every((scope) => allowed.includes(scope)) ? asked : null;
}
