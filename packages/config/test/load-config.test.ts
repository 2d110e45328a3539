import { z } from 'zod';
import { ConfigError, loadConfig, logFormat, port, secret } from '../src/index.js';

const schemaFor = (env: Record<string, string>) =>
  z.object({ PORT: port(8001), SIGNING_SECRET: secret('dev-secret', env) });

function catchConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when variables are unset, then defaults apply and the result is frozen', () => {
    const config = loadConfig(schemaFor({}), {});
    expect(config).toEqual({ PORT: 8001, SIGNING_SECRET: 'dev-secret' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when a variable is bad, then the error names it', () => {
    expect(() => loadConfig(schemaFor({}), { PORT: 'eighty' })).toThrow(
      'PORT must be a port number 0–65535, got "eighty"',
    );
  });

  it('when LOG_FORMAT is neither pretty nor json, then it is a config error naming both, not a logger crash later', () => {
    const schema = z.object({ LOG_FORMAT: logFormat() });
    expect(loadConfig(schema, { LOG_FORMAT: 'json' })).toEqual({ LOG_FORMAT: 'json' });
    expect(loadConfig(schema, {})).toEqual({});
    const error = catchConfigError(() => loadConfig(schema, { LOG_FORMAT: 'fancy' }));
    expect(error.problems).toEqual(['LOG_FORMAT must be pretty or json, got "fancy"']);
  });

  it('when PORT is not a port number, then the message says what a port is and quotes the value', () => {
    for (const bad of ['abc', '70000', '-1', '80.5']) {
      const error = catchConfigError(() => loadConfig(schemaFor({}), { PORT: bad }));
      expect(error.problems).toEqual([`PORT must be a port number 0–65535, got "${bad}"`]);
      expect(error.message).not.toContain('.env.example');
    }
  });

  it('when NODE_ENV is production and the config is bad, then the message points at .env.example', () => {
    const env = {
      NODE_ENV: 'production',
      PORT: 'abc',
      SIGNING_SECRET: 'a-long-enough-secret-value',
    };
    const error = catchConfigError(() => loadConfig(schemaFor(env), env));
    expect(error.message).toContain('PORT must be a port number 0–65535, got "abc"');
    expect(error.message).toContain('.env.example');
  });

  it('when a secret is too short, then the message says so without printing it', () => {
    const env = { NODE_ENV: 'production', SIGNING_SECRET: 'short-secret' };
    const error = catchConfigError(() => loadConfig(schemaFor(env), env));
    expect(error.problems).toEqual(['SIGNING_SECRET must be at least 16 characters']);
    expect(error.message).not.toContain('short-secret');
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
