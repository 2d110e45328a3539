import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@portico/config';
import { readConfig } from '../src/config.js';
import { defaultOAuthClients } from '../src/oauth/client-config.js';
import { createOAuthClients } from '../src/oauth/clients.js';
import { makeAuthDir } from './support/auth-harness.js';

const SECRET = 'a-confidential-secret-of-40-characters!!';
const spa = {
  client_id: 'spa',
  name: 'SPA',
  type: 'public',
  redirect_uris: ['http://127.0.0.1:5173/callback'],
};
const server = {
  client_id: 'server',
  name: 'Server',
  type: 'confidential',
  secret: SECRET,
  redirect_uris: ['https://server.test/cb'],
};
const PRODUCTION = {
  NODE_ENV: 'production',
  SERVICE_CLIENT_SECRETS:
    'gateway=aaaaaaaaaaaaaaaaaaaa,user-service=bbbbbbbbbbbbbbbbbbbb,order-service=cccccccccccccccccccc,inventory-service=dddddddddddddddddddd',
};

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('the OAuth client registry', () => {
  describe('configuration', () => {
    it('when OAUTH_CLIENTS lists valid clients, then they load with defaults for scopes and logout addresses', () => {
      const config = readConfig({ OAUTH_CLIENTS: JSON.stringify([spa, server]) });
      expect(config.OAUTH_CLIENTS).toEqual([
        { ...spa, post_logout_redirect_uris: [], scopes: ['openid', 'profile', 'email'] },
        { ...server, post_logout_redirect_uris: [], scopes: ['openid', 'profile', 'email'] },
      ]);
    });

    it('when OAUTH_CLIENTS_FILE names a file, then its clients load', () => {
      const path = join(makeAuthDir(), 'clients.json');
      writeFileSync(path, JSON.stringify([spa]));
      expect(readConfig({ OAUTH_CLIENTS_FILE: path }).OAUTH_CLIENTS_FILE).toHaveLength(1);
    });

    const bad: [string, Record<string, string>, RegExp][] = [
      ['the JSON does not parse', { OAUTH_CLIENTS: '[{' }, /^OAUTH_CLIENTS must hold JSON/],
      [
        'the file is missing',
        { OAUTH_CLIENTS_FILE: '/nonexistent/clients.json' },
        /^OAUTH_CLIENTS_FILE must name a readable file \(ENOENT\)/,
      ],
      [
        'a confidential client has no secret',
        { OAUTH_CLIENTS: JSON.stringify([{ ...server, secret: undefined }]) },
        /\[0\]\.secret: a confidential client needs a secret/,
      ],
      [
        'a public client has a secret',
        { OAUTH_CLIENTS: JSON.stringify([{ ...spa, secret: SECRET }]) },
        /\[0\]\.secret: .*public client must not have one/,
      ],
      [
        'a secret is short',
        { OAUTH_CLIENTS: JSON.stringify([{ ...server, secret: 'short' }]) },
        /\[0\]\.secret: must be at least 32 characters/,
      ],
      [
        'a redirect URI has a fragment',
        { OAUTH_CLIENTS: JSON.stringify([{ ...spa, redirect_uris: ['http://127.0.0.1/cb#x'] }]) },
        /\[0\]\.redirect_uris\[0\]: must be an absolute URL without a fragment/,
      ],
      [
        'a redirect URI is relative',
        { OAUTH_CLIENTS: JSON.stringify([{ ...spa, redirect_uris: ['/cb'] }]) },
        /redirect_uris\[0\]/,
      ],
      [
        'a client has no redirect URI',
        { OAUTH_CLIENTS: JSON.stringify([{ ...spa, redirect_uris: [] }]) },
        /\[0\]\.redirect_uris/,
      ],
      [
        'a scope is unknown',
        { OAUTH_CLIENTS: JSON.stringify([{ ...spa, scopes: ['admin'] }]) },
        /\[0\]\.scopes\[0\]/,
      ],
      [
        'a member is unknown',
        { OAUTH_CLIENTS: JSON.stringify([{ ...spa, grant_types: ['password'] }]) },
        /grant_types/,
      ],
      [
        'two clients share an id',
        { OAUTH_CLIENTS: JSON.stringify([spa, spa]) },
        /client_id values must be unique/,
      ],
      [
        'both variables are set',
        { OAUTH_CLIENTS: JSON.stringify([spa]), OAUTH_CLIENTS_FILE: '/x' },
        /OAUTH_CLIENTS must not be set beside OAUTH_CLIENTS_FILE/,
      ],
    ];
    it.each(bad)(
      'when %s, then start-up fails with a line naming the variable and the member',
      (_when, env, message) => {
        const lines = problems(env);
        expect(lines.some((line) => message.test(line))).toBe(true);
        // A secret is never echoed back.
        expect(lines.join('\n')).not.toContain(SECRET);
      },
    );

    it('when production has a published example secret or a plain-http redirect, then start-up fails', () => {
      const published = { ...server, secret: 'change-me-change-me-change-me-change-me' };
      expect(
        problems({ ...PRODUCTION, OAUTH_CLIENTS: JSON.stringify([published]) }).join('\n'),
      ).toMatch(/secret: must not be an example value/);
      const plain = { ...server, redirect_uris: ['http://server.test/cb'] };
      expect(
        problems({ ...PRODUCTION, OAUTH_CLIENTS: JSON.stringify([plain]) }).join('\n'),
      ).toMatch(/https unless on a loopback address/);
      const loopback = { ...spa, redirect_uris: ['http://127.0.0.1:9000/cb'] };
      expect(problems({ ...PRODUCTION, OAUTH_CLIENTS: JSON.stringify([loopback]) })).toEqual([]);
    });

    it('when nothing is configured, then development has the docs and demo clients and production none', () => {
      const dev = defaultOAuthClients('http://127.0.0.1:8080', {});
      expect(
        dev.map((c) => [c.client_id, c.type, c.redirect_uris, c.post_logout_redirect_uris]),
      ).toEqual([
        ['portico-docs', 'public', ['http://127.0.0.1:8080/docs/oauth2-redirect.html'], []],
        [
          'portico-demo',
          'public',
          ['http://127.0.0.1:8080/demo/'],
          ['http://127.0.0.1:8080/demo/'],
        ],
      ]);
      expect(defaultOAuthClients('https://portico.test', { NODE_ENV: 'production' })).toEqual([]);
    });
  });

  describe('authenticate', () => {
    const clients = createOAuthClients(
      readConfig({ OAUTH_CLIENTS: JSON.stringify([spa, server]) }).OAUTH_CLIENTS!,
    );
    const refused: [string, string | undefined, Record<string, string>][] = [
      ['no client is named', undefined, {}],
      ['the client is unknown', undefined, { client_id: 'nobody' }],
      ['a confidential client sends no secret', undefined, { client_id: 'server' }],
      ['a confidential client sends a wrong secret', basic('server', `${SECRET}x`), {}],
      ['a public client sends a secret', basic('spa', SECRET), {}],
      ['Basic and form name different clients', basic('server', SECRET), { client_id: 'spa' }],
      ['Basic and a form secret are both sent', basic('server', SECRET), { client_secret: SECRET }],
      ['Basic lacks a colon', `Basic ${Buffer.from('server').toString('base64')}`, {}],
      ['the scheme is not Basic', 'Bearer abc', { client_id: 'spa' }],
      ['the id is a prototype member', undefined, { client_id: 'constructor' }],
    ];
    it.each(refused)('when %s, then 401 invalid_client', (_when, authorization, form) => {
      expect(() => clients.authenticate(authorization, form)).toThrow(
        expect.objectContaining({
          status: 401,
          extensions: expect.objectContaining({ error: 'invalid_client' }),
        }),
      );
    });

    it('when each client authenticates its own way, then it is that client', () => {
      expect(clients.authenticate(undefined, { client_id: 'spa' }).clientId).toBe('spa');
      expect(clients.authenticate(basic('server', SECRET), {}).clientId).toBe('server');
      expect(
        clients.authenticate(undefined, { client_id: 'server', client_secret: SECRET }).type,
      ).toBe('confidential');
    });
  });
});
