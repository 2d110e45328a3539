import type { z } from 'zod';
import { GOT_VALUE, isProduction } from './fields.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Raised when the environment does not satisfy a service's schema; names each bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly hint?: string,
  ) {
    const lines = problems.map((p) => `  - ${p}`);
    super(`Invalid configuration:\n${lines.join('\n')}${hint ? `\n${hint}` : ''}`);
    this.name = 'ConfigError';
  }
}

/** Production has no development defaults, so the usual cause is a variable never set. */
const PRODUCTION_HINT =
  'Every variable is listed in .env.example: copy it to .env and fill it in (docker-compose reads .env), or set them in the environment.';

/**
 * One line per issue. A field's own wording ("must be …") follows the name, with
 * the value quoted where the field asks for it; zod's generic wording follows
 * "is invalid:". A missing variable never shows a value.
 */
function describeIssue(name: string, value: string | undefined, message: string): string {
  if (value === undefined) return `${name} is missing: ${message.replace(GOT_VALUE, '')}`;
  const text = message.replace('{value}', JSON.stringify(value));
  return text.startsWith('must ') ? `${name} ${text}` : `${name} is invalid: ${text}`;
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
        return describeIssue(name, present[name], issue.message);
      }),
      isProduction(env) ? PRODUCTION_HINT : undefined,
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
