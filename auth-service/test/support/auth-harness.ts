import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve } from '@portico/lifecycle';
import { createLogger, type Logger } from '@portico/logging';
import { accessToken, now } from '@portico/test-kit';
import { createAuthService } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import type { AuthDatabase } from '../../src/data/schema.js';
import type { KeyRing } from '../../src/domain/key-ring.js';

export const ADMIN = { email: 'admin@portico.test', password: 'admin-password-123' };

export type AuthHarness = Served & {
  database: ReturnType<typeof createDatabase<AuthDatabase>>;
  /** The service's signing keys, so a test can sign tokens this service would issue. */
  keyRing: KeyRing;
  stop: () => Promise<void>;
};

export type StartOptions = {
  /** Keep the database in this directory, so a second start reuses it; the caller removes it. */
  dir?: string;
  /** The service's clock (epoch ms), for tests that let time pass. */
  now?: () => number;
  /** The service's logger, for tests that read its lines; silent by default. */
  logger?: Logger;
};

/** A fresh directory for `startAuth({ ... }, { dir })`. */
export const makeAuthDir = (): string => mkdtempSync(join(tmpdir(), 'portico-auth-'));

/**
 * A real auth service on a SQLite file (fresh unless `options.dir` is given),
 * listening on 127.0.0.1 port 0. An empty string unsets a variable.
 */
export async function startAuth(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<AuthHarness> {
  const dir = options.dir ?? makeAuthDir();
  const config = readConfig({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Suites register many users from 127.0.0.1; registration-throttle.test sets its own budget.
    REGISTRATION_MAX_PER_ADDRESS: '1000000',
    REGISTRATION_MAX_PER_MINUTE: '1000000',
    ...env,
  });
  const database = createDatabase<AuthDatabase>({ url: join(dir, 'auth.db'), service: 'auth' });
  const logger = options.logger ?? createLogger({ service: 'auth-service', level: 'silent' });
  const service = await createAuthService({
    config,
    database,
    logger,
    validateResponses: true,
    ...(options.now && { now: options.now }),
  });
  const served = await serve(service.app, {
    port: 0,
    host: '127.0.0.1',
    logger,
    onClose: async () => {
      await service.stop();
      await database.close();
    },
  });
  return {
    ...served,
    database,
    keyRing: service.keyRing,
    stop: async () => {
      await served.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST a JSON body and return status and parsed body. */
export async function postJson(
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

let counter = 0;
export function uniqueEmail(): string {
  counter += 1;
  return `user${Date.now()}-${counter}@example.com`;
}

/** POST an application/x-www-form-urlencoded body (the token endpoint's media type). */
export async function postForm(
  base: string,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** The development secret config gives each known service client. */
export const devSecret = (clientId: string): string => `dev-secret-${clientId}-change-me`;

/** A service token for `clientId` by client_secret_post; fails the test unless it is issued. */
export async function serviceToken(base: string, clientId: string, scope?: string) {
  const res = await postForm(base, '/api/v1/auth/token', {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: devSecret(clientId),
    ...(scope !== undefined && { scope }),
  });
  if (res.status !== 200) throw new Error(`token for ${clientId}: ${res.status}`);
  return res.body.access_token as string;
}

/** Logs in and returns the token pair; fails the test unless it succeeds. */
export async function login(base: string, credentials: { email: string; password: string }) {
  const res = await postJson(base, '/api/v1/auth/login', credentials);
  if (res.status !== 200) throw new Error(`login of ${credentials.email}: ${res.status}`);
  return res.body as { access_token: string; refresh_token: string; expires_in: number };
}

/** Registers a fresh user and logs them in. */
export async function registerAndLogin(base: string, password = 'correct horse battery') {
  const email = uniqueEmail();
  const reg = await postJson(base, '/api/v1/auth/register', { email, password, name: 'Ada' });
  if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
  return {
    id: reg.body.id as string,
    email,
    password,
    tokens: await login(base, { email, password }),
  };
}

/**
 * An access token for `sub` signed with the service's current key, as it
 * issues them (issuer and audience the defaults, five minutes), with `claims`
 * added: for tokens only a flow the test need not run would issue.
 */
export async function signedByService(
  auth: AuthHarness,
  sub: string,
  claims: Record<string, unknown>,
  options: { audience?: string; issuedAgoSeconds?: number } = {},
): Promise<string> {
  const { kid, key } = await auth.keyRing.signingKey();
  const iat = now() - (options.issuedAgoSeconds ?? 0);
  return accessToken(
    { kid, privateKey: key },
    {
      ...claims,
      iss: 'http://127.0.0.1:8080',
      aud: options.audience ?? 'portico-api',
      sub,
      iat,
      exp: iat + 300,
      jti: randomUUID(),
    },
  );
}
