import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@portico/db';
import { type Served, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createAuthService } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import type { AuthDatabase } from '../../src/data/schema.js';

export const ADMIN = { email: 'admin@portico.test', password: 'admin-password-123' };

export type AuthHarness = Served & {
  database: ReturnType<typeof createDatabase<AuthDatabase>>;
  stop: () => Promise<void>;
};

/** A real auth service on a fresh SQLite file, listening on 127.0.0.1 port 0. */
export async function startAuth(env: Record<string, string> = {}): Promise<AuthHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-auth-'));
  const config = readConfig({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env });
  const database = createDatabase<AuthDatabase>({ url: join(dir, 'auth.db'), service: 'auth' });
  const logger = createLogger({ service: 'auth-service', level: 'silent' });
  const { app } = await createAuthService({ config, database, logger, validateResponses: true });
  const served = await serve(app, {
    port: 0,
    host: '127.0.0.1',
    logger,
    onClose: () => database.close(),
  });
  return {
    ...served,
    database,
    stop: async () => {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
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
