import { createHash, timingSafeEqual } from 'node:crypto';
import type { OAuthClientConfig } from './client-config.js';
import { invalidClient } from './oauth-errors.js';

/** The scopes a user can grant an OAuth client (OpenID Connect Core §5.4). */
export const OAUTH_SCOPES = ['openid', 'profile', 'email'] as const;

/** An application users sign in to through the hosted login page (a browser app, a server). */
export type OAuthClient = {
  clientId: string;
  name: string;
  /** `public`: a SPA or native app, no secret (`token_endpoint_auth_method: none`). */
  type: 'public' | 'confidential';
  /** Compared as exact strings (OAuth 2.1 §2.3.1): no prefix, case or encoding games. */
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  scopes: readonly string[];
};

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** Reads client_secret_basic (RFC 6749 §2.3.1: both parts form-encoded) or the form. */
function presented(
  authorization: string | undefined,
  form: { client_id?: string; client_secret?: string },
): { clientId?: string; secret?: string } {
  if (authorization === undefined) return { clientId: form.client_id, secret: form.client_secret };
  // One method per request (RFC 6749 §2.3): Basic and a form secret together is refused.
  if (!/^basic /i.test(authorization) || form.client_secret !== undefined) throw invalidClient();
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidClient();
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' '));
    if (form.client_id !== undefined && form.client_id !== clientId) throw invalidClient();
    return { clientId, secret };
  } catch {
    throw invalidClient();
  }
}

/** The registry of OAuth clients, from configuration validated at start. */
export function createOAuthClients(list: readonly OAuthClientConfig[]) {
  const clients = new Map<string, { client: OAuthClient; secretHash?: Buffer }>();
  for (const entry of list) {
    const client: OAuthClient = Object.freeze({
      clientId: entry.client_id,
      name: entry.name,
      type: entry.type,
      redirectUris: Object.freeze([...entry.redirect_uris]),
      postLogoutRedirectUris: Object.freeze([...entry.post_logout_redirect_uris]),
      scopes: Object.freeze([...entry.scopes]),
    });
    clients.set(client.clientId, {
      client,
      ...(entry.secret !== undefined && { secretHash: sha256(entry.secret) }),
    });
  }

  return {
    get: (clientId: string): OAuthClient | undefined => clients.get(clientId)?.client,

    /**
     * The client a token-endpoint request authenticates as: a confidential
     * client by client_secret_basic or client_secret_post, a public client by
     * its client_id alone (and no secret). Anything else is a 401 invalid_client.
     */
    authenticate(
      authorization: string | undefined,
      form: { client_id?: string; client_secret?: string },
    ): OAuthClient {
      const { clientId, secret } = presented(authorization, form);
      const found = clientId === undefined ? undefined : clients.get(clientId);
      if (!found) throw invalidClient();
      if (!found.secretHash) {
        if (secret !== undefined) throw invalidClient();
        return found.client;
      }
      // Hashes of equal length, so the comparison's time says nothing about the secret.
      if (secret === undefined || !timingSafeEqual(found.secretHash, sha256(secret)))
        throw invalidClient();
      return found.client;
    },
  };
}

export type OAuthClients = ReturnType<typeof createOAuthClients>;
