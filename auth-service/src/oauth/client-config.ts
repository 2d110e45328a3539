import { readFileSync } from 'node:fs';
import { isProduction, isPublishedSecret } from '@portico/config';
import { z } from 'zod';
import { OAUTH_SCOPES } from './clients.js';

type Env = Readonly<Record<string, string | undefined>>;

/*
 * The OAuth clients as configuration: OAUTH_CLIENTS (JSON) or
 * OAUTH_CLIENTS_FILE (a JSON file), parsed once at start by config.ts, with
 * one readable line naming each bad member.
 */

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
