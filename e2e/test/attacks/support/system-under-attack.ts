import { type ProcessName, type System, startSystem } from '../../support/system.js';

export type { ClientId, ProcessName } from '../../support/system.js';

/** What one process received: every request, as it arrived, before any handling. */
export type Arrival = { process: ProcessName; method: string; url: string; forwarded: boolean };

export type SystemUnderAttack = System & {
  arrivals: Arrival[];
  /** Every JSON line any process logged, at debug and above. */
  logLines: string[];
  /** Remembers a value no log line may hold (a password, a token, a secret). */
  secret: (value: string) => string;
  secrets: () => readonly string[];
};

/** Slow-client bounds of every listener: low enough to test, high enough for a loaded machine. */
export const HEADERS_TIMEOUT_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 4_000;

/**
 * The whole of Portico as startSystem builds it, with what an attack suite
 * needs besides: every process's log lines kept, every request each process
 * receives recorded, random secrets (so a log line that holds one is
 * unmistakable), and slow-client bounds low enough to test.
 */
async function startSystemUnderAttack(env: Record<string, string>): Promise<SystemUnderAttack> {
  const arrivals: Arrival[] = [];
  const logLines: string[] = [];
  const system = await startSystem({
    env: {
      // An attack sends far more than one caller's share; the rate limit is not what it tests.
      RATE_LIMIT_PER_MINUTE: '100000',
      // Argon2 on a loaded machine can outlast the 5 s default; no attack here is about timeouts.
      UPSTREAM_TIMEOUT_MS: '20000',
      ...env,
    },
    randomSecrets: true,
    onLog: (line) => logLines.push(line),
    onRequest: (process, req) =>
      arrivals.push({
        process,
        method: req.method ?? '',
        url: req.url ?? '',
        forwarded: req.headers['x-forwarded-for'] !== undefined,
      }),
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  const secrets = new Set([system.admin.password, ...Object.values(system.clientSecrets)]);
  return {
    ...system,
    arrivals,
    logLines,
    secret: (value) => {
      secrets.add(value);
      return value;
    },
    secrets: () => [...secrets],
  };
}

/**
 * Starts the system under attack before the file's tests (with `env` on top
 * of the defaults above) and stops it after them. The object returned is
 * filled in by that beforeAll: read it in tests and hooks, not at collection.
 */
export function useSystemUnderAttack(env: Record<string, string> = {}): SystemUnderAttack {
  const system = {} as SystemUnderAttack;
  beforeAll(async () => {
    Object.assign(system, await startSystemUnderAttack(env));
  });
  afterAll(() => system.stop?.());
  return system;
}
