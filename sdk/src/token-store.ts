import type { components } from '@portico/openapi/auth';

/** What the auth service answers on login and refresh. */
export type Tokens = components['schemas']['TokenPair'];

/**
 * Where the SDK keeps the caller's tokens. Pass your own to persist them
 * (a file, the keychain, `localStorage`); every method may be async.
 */
export type TokenStore = {
  load(): Tokens | undefined | Promise<Tokens | undefined>;
  save(tokens: Tokens): void | Promise<void>;
  clear(): void | Promise<void>;
};

/** Keeps tokens in memory for the life of the process: the default. */
export function memoryTokenStore(): TokenStore {
  let current: Tokens | undefined;
  return {
    load: () => current,
    save: (tokens) => {
      current = tokens;
    },
    clear: () => {
      current = undefined;
    },
  };
}
