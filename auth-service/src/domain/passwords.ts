import { availableParallelism } from 'node:os';
import { ServiceUnavailableError } from '@portico/errors';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import { AUTH_ERRORS } from '../errors.js';

/**
 * Argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane). argon2
 * runs on libuv's thread pool, so a login storm never blocks the event loop.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const cores = availableParallelism();

/**
 * At most one hash per core at a time. libuv's pool has four threads; on a
 * two-core machine four hashes starve the event loop's core, and measured
 * (bench/login-bench.mjs) two at a time gave more logins/s and a healthz p99
 * under a login storm a third lower than four.
 */
const hashing = pLimit(cores);

/**
 * New passwords (registration, admin set-up) take at most half the hashing
 * slots, so a flood of registrations cannot make the logins of everyone else
 * wait behind it (issue 12: a registration burst locked every user out).
 */
const settingPasswords = pLimit(Math.max(1, Math.floor(cores / 2)));

/**
 * How many hashes may wait for a slot. At ~35 ms a hash, a full queue is
 * drained in about a second, well inside the gateway's 5 s upstream timeout;
 * beyond it a caller is refused at once with 503 + Retry-After and nothing is
 * written, instead of timing out at the gateway after the account was created.
 */
export const MAX_WAITING_HASHES = { verify: 32 * cores, set: 8 * cores } as const;

const busy = () =>
  new ServiceUnavailableError(
    'Too many password checks are waiting; try again in a moment.',
    AUTH_ERRORS.AUTH_BUSY.code,
    1,
  );

export function hashPassword(password: string): Promise<string> {
  if (settingPasswords.pendingCount >= MAX_WAITING_HASHES.set) return Promise.reject(busy());
  return settingPasswords(() => hashing(() => argon2.hash(password, OPTIONS)));
}

/** False for a wrong password or an unreadable hash; rejects with AUTH_BUSY when the queue is full. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (hashing.pendingCount >= MAX_WAITING_HASHES.verify) throw busy();
  return hashing(() => argon2.verify(hash, password).catch(() => false));
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check when the email is unknown, so response
 * time does not tell an attacker which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashing(() => argon2.hash('portico-timing-equaliser', OPTIONS));
  await verifyPassword(await dummyHash, password);
  return false;
}
