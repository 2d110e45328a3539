import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isProduction, isPublishedSecret } from '@portico/config';
import { z } from 'zod';
import { invalidClient } from './oauth-errors.js';

type Env = Readonly<Record<string, string | undefined>>;

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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An absolute URI without a fragment (RFC 6749 §3.1.2). In production plain
 * http is for loopback addresses only (OAuth 2.1 §2.3.1, native apps).
 */
function redirectUri(env: Env) {
  return z.string().refine(
    (value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      if (url.hash || value.includes('#')) return false;
      if (url.protocol === 'http:') return !isProduction(env) || LOOPBACK.has(url.hostname);
      return url.protocol !== 'javascript:' && url.protocol !== 'data:';
    },
    {
      error: isProduction(env)
        ? 'must be an absolute URL without a fragment, https unless on a loopback address'
        : 'must be an absolute URL without a fragment',
    },
  );
}

function clientSchema(env: Env) {
  return z
    .strictObject({
      client_id: z.string().regex(/^[A-Za-z0-9._~-]{1,100}$/, {
        error: 'must be 1–100 letters, digits or . _ ~ -',
      }),
      name: z.string().min(1).max(100),
      type: z.enum(['public', 'confidential']),
      redirect_uris: z.array(redirectUri(env)).min(1),
      post_logout_redirect_uris: z.array(redirectUri(env)).default([]),
      secret: z
        .string()
        .min(32, { error: 'must be at least 32 characters' })
        .refine((value) => !isProduction(env) || !isPublishedSecret(value), {
          error: 'must not be an example value published in this repository',
        })
        .optional(),
      scopes: z.array(z.enum(OAUTH_SCOPES)).default([...OAUTH_SCOPES]),
    })
    .refine((client) => (client.type === 'confidential') === (client.secret !== undefined), {
      error: 'a confidential client needs a secret; a public client must not have one',
      path: ['secret'],
    });
}

export type OAuthClientConfig = z.output<ReturnType<typeof clientSchema>>;

function listSchema(env: Env) {
  return z
    .array(clientSchema(env))
    .refine((list) => new Set(list.map((c) => c.client_id)).size === list.length, {
      error: 'client_id values must be unique',
    });
}

/** `[0].redirect_uris[1]: must be …; …`: one line that names every bad member. */
function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`));
      return `${path.join('').replace(/^\./, '') || 'the list'}: ${issue.message}`;
    })
    .join('; ');
}

function parseClients(json: string, where: string, env: Env, ctx: z.RefinementCtx) {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must hold JSON (${where} does not parse)` });
    return z.NEVER;
  }
  const result = listSchema(env).safeParse(value);
  if (!result.success) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a JSON list of OAuth clients: ${describe(result.error)}`,
    });
    return z.NEVER;
  }
  return result.data;
}

/** `OAUTH_CLIENTS`: the client list as JSON in the environment. */
export const oauthClientsField = (env: Env) =>
  z
    .string()
    .optional()
    .transform((json, ctx) => {
      if (json === undefined) return undefined;
      if (env.OAUTH_CLIENTS_FILE) {
        ctx.addIssue({ code: 'custom', message: 'must not be set beside OAUTH_CLIENTS_FILE' });
        return z.NEVER;
      }
      return parseClients(json, 'the value', env, ctx);
    });

/** `OAUTH_CLIENTS_FILE`: the path of a JSON file with the client list. */
export const oauthClientsFileField = (env: Env) =>
  z
    .string()
    .optional()
    .transform((path, ctx) => {
      if (path === undefined) return undefined;
      let json: string;
      try {
        json = readFileSync(path, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        ctx.addIssue({ code: 'custom', message: `must name a readable file (${reason})` });
        return z.NEVER;
      }
      return parseClients(json, 'the file', env, ctx);
    });

/**
 * The clients of a development start (`npm start`) when none are configured:
 * the gateway's Swagger UI and the demo SPA, both public. Production has none
 * unless configured: a deployment names its own applications.
 */
export function defaultOAuthClients(publicBaseUrl: string, env: Env): OAuthClientConfig[] {
  if (isProduction(env)) return [];
  return [
    {
      client_id: 'portico-docs',
      name: 'Portico API docs',
      type: 'public',
      redirect_uris: [`${publicBaseUrl}/docs/oauth2-redirect.html`],
      post_logout_redirect_uris: [],
      scopes: [...OAUTH_SCOPES],
    },
    {
      client_id: 'portico-demo',
      name: 'Portico demo',
      type: 'public',
      redirect_uris: [`${publicBaseUrl}/demo/`],
      post_logout_redirect_uris: [`${publicBaseUrl}/demo/`],
      scopes: [...OAUTH_SCOPES],
    },
  ];
}

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
