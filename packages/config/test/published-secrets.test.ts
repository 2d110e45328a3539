import { z } from 'zod';
import { ConfigError, loadConfig, PUBLISHED_SECRETS, secret } from '../src/index.js';

type Env = Record<string, string>;
const schemaFor = (env: Env) =>
  z.object({ SERVICE_CLIENT_SECRET: secret('dev-secret-gateway-change-me', env) });

function problemsOf(env: Env): readonly string[] {
  try {
    loadConfig(schemaFor(env), env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const REFUSED =
  'SERVICE_CLIENT_SECRET must not be a development default or an example value published in this repository (anything with "change-me" or "example"); set a random one as .env.example says';

describe('secrets published in the repository', () => {
  it.each(PUBLISHED_SECRETS.map((value) => [value]))(
    'when NODE_ENV=production and a secret is the published %p, then the config is refused naming the variable',
    (value) => {
      expect(problemsOf({ NODE_ENV: 'production', SERVICE_CLIENT_SECRET: value })).toEqual([
        REFUSED,
      ]);
    },
  );

  it.each([
    ['a "change-me" placeholder', 'my-own-secret-CHANGE_ME-later'],
    ['an "example" value', 'an-example-secret-for-the-docs'],
    ['a map that holds a published default', 'user-service=dev-secret-user-service-change-me'],
  ])('when NODE_ENV=production and a secret is %s, then the config is refused', (_case, value) => {
    expect(problemsOf({ NODE_ENV: 'production', SERVICE_CLIENT_SECRET: value })).toEqual([REFUSED]);
  });

  it('when the config is refused for a published secret, then the error never echoes the value and points at .env.example', () => {
    const env = { NODE_ENV: 'production', SERVICE_CLIENT_SECRET: 'dev-secret-gateway-change-me' };
    expect(() => loadConfig(schemaFor(env), env)).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('dev-secret-gateway-change-me'),
      }),
    );
    expect(() => loadConfig(schemaFor(env), env)).toThrow(/\.env\.example/);
  });

  it('when NODE_ENV=production and a secret is random, then it is accepted', () => {
    const env = { NODE_ENV: 'production', SERVICE_CLIENT_SECRET: 'q7Vd2-LxR9pz_a4MfT0wKc' };
    expect(loadConfig(schemaFor(env), env).SERVICE_CLIENT_SECRET).toBe('q7Vd2-LxR9pz_a4MfT0wKc');
  });

  it('when not in production, then the development default still works', () => {
    expect(loadConfig(schemaFor({}), {}).SERVICE_CLIENT_SECRET).toBe(
      'dev-secret-gateway-change-me',
    );
  });
});

describe('development secrets on a listener other machines can reach', () => {
  it.each(['0.0.0.0', '::', '192.0.2.10'])(
    'when HOST=%s outside production and the secret is unset or the published default, then the config is refused naming HOST',
    (host) => {
      for (const value of [undefined, 'dev-secret-gateway-change-me']) {
        const env: Env = { HOST: host, ...(value && { SERVICE_CLIENT_SECRET: value }) };
        const [problem, ...rest] = problemsOf(env);
        expect(rest).toEqual([]);
        expect(problem).toMatch(
          /^SERVICE_CLIENT_SECRET (is missing|must not be a development default)/,
        );
        expect(problem).toContain(`HOST=${host} is reachable from other machines`);
        expect(problem).not.toContain('dev-secret');
      }
    },
  );

  it.each(['127.0.0.1', '127.0.1.1', 'localhost', '::1'])(
    'when HOST=%s (loopback) outside production, then the development default still works',
    (host) => {
      expect(problemsOf({ HOST: host })).toEqual([]);
    },
  );

  it('when HOST is reachable and the secret is random, then it is accepted', () => {
    expect(problemsOf({ HOST: '0.0.0.0', SERVICE_CLIENT_SECRET: 'f3a9c1d07be24e5a8c6d' })).toEqual(
      [],
    );
  });
});
