import { ConfigError } from '@portico/config';
import { readConfig } from '../src/config.js';

describe('token lifetimes in the configuration', () => {
  it.each(['ACCESS_TOKEN_TTL_SECONDS', 'SERVICE_TOKEN_TTL_SECONDS'])(
    'when %s is over 24 h, then the config is refused: every verifier would refuse those tokens',
    (name) => {
      expect(() => readConfig({ [name]: '86401' })).toThrow(ConfigError);
      expect(() => readConfig({ [name]: '86401' })).toThrow(
        new RegExp(`${name} must be at most 86400`),
      );
      expect(readConfig({ [name]: '86400' })[name as 'ACCESS_TOKEN_TTL_SECONDS']).toBe(86_400);
    },
  );
});
