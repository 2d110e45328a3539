import { z } from 'zod';
import { ConfigError, loadConfig, port, secret } from '../src/index.js';

const schemaFor = (env: Record<string, string>) =>
  z.object({ PORT: port(8001), SIGNING_SECRET: secret('dev-secret', env) });

describe('loadConfig', () => {
  it('when variables are unset, then defaults apply and the result is frozen', () => {
    const config = loadConfig(schemaFor({}), {});
    expect(config).toEqual({ PORT: 8001, SIGNING_SECRET: 'dev-secret' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when a variable is bad, then the error names it', () => {
    expect(() => loadConfig(schemaFor({}), { PORT: 'eighty' })).toThrow(/PORT is invalid/);
  });

  it('when NODE_ENV is production and a secret is unset, then it refuses the development default', () => {
    const env = { NODE_ENV: 'production' };
    expect(() => loadConfig(schemaFor(env), env)).toThrow(ConfigError);
    expect(() => loadConfig(schemaFor(env), env)).toThrow(/SIGNING_SECRET is missing/);
  });

  it('when NODE_ENV is production and the secret is set, then it is used', () => {
    const env = { NODE_ENV: 'production', SIGNING_SECRET: 'a-long-enough-secret-value' };
    expect(loadConfig(schemaFor(env), env).SIGNING_SECRET).toBe('a-long-enough-secret-value');
  });
});
