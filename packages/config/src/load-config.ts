import type { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

/** Raised when the environment does not satisfy a service's schema; names each bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses the environment once against a zod object schema whose keys are the
 * variable names, and returns a frozen, typed result. Empty strings count as unset.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Env = process.env,
): Readonly<z.infer<S>> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const value = present[name];
        const shown = value === undefined ? 'missing' : 'invalid';
        return `${name} is ${shown}: ${issue.message}`;
      }),
    );
  }
  return deepFreeze(result.data);
}

/** Runs a `readConfig`/`loadConfig` call; on a ConfigError prints it and stops the process, as server.ts wants. */
export function readConfigOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
