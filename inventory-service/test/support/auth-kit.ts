import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
// A real auth service in this process: tokens are signed and verified for real.
import { createAuthService } from '../../../auth-service/src/app.js';
import { readConfig as readAuthConfig } from '../../../auth-service/src/config.js';
import type { AuthDatabase } from '../../../auth-service/src/data/schema.js';

export const ADMIN = { email: 'admin@inventory.test', password: 'admin-password-123' };

export type AuthKit = {
  url: string;
  adminToken: () => Promise<string>;
  userToken: () => Promise<string>;
  serviceToken: (clientId: string) => Promise<string>;
  stop: () => Promise<void>;
};

async function postForm(url: string, form: Record<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postJson(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function startAuth(): Promise<AuthKit> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-inventory-auth-'));
  const database = createDatabase<AuthDatabase>({ url: join(dir, 'auth.db'), service: 'auth' });
  const logger = createLogger({ service: 'auth-service', level: 'silent' });
  const service = await createAuthService({
    // Port 9 refuses at once: the auth service's user feed has nothing to follow here.
    config: readAuthConfig({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      USER_SERVICE_URL: 'http://127.0.0.1:9',
    }),
    database,
    logger,
  });
  const served: Served = await serve(service.app, { port: 0, host: '127.0.0.1', logger });

  async function login(credentials: { email: string; password: string }): Promise<string> {
    const res = await postJson(`${served.url}/api/v1/auth/login`, credentials);
    if (res.status !== 200) throw new Error(`login: ${res.status}`);
    return res.body.access_token as string;
  }

  return {
    url: served.url,
    adminToken: () => login(ADMIN),
    async userToken() {
      const email = `shopper-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
      const password = 'a long enough password';
      const reg = await postJson(`${served.url}/api/v1/auth/register`, {
        email,
        password,
        name: 'Ada',
      });
      if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
      return login({ email, password });
    },
    async serviceToken(clientId) {
      const res = await postForm(`${served.url}/api/v1/auth/token`, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: `dev-secret-${clientId}-change-me`,
      });
      if (res.status !== 200) throw new Error(`service token for ${clientId}: ${res.status}`);
      return res.body.access_token as string;
    },
    async stop() {
      await served.close();
      await service.stop();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
