import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  errors as joseErrors,
} from 'jose';
import type { SigningKeyRow } from '../data/schema.js';
import type { SigningKeyRepository } from '../data/signing-key-repository.js';

export const SIGNING_ALG = 'ES256';
/** How long a replica trusts its copy of the key table before reading it again. */
const RELOAD_MS = 30_000;
/**
 * A token naming a key this replica does not hold makes it read the table
 * again (another replica may just have rotated), but at most this often: a
 * flood of made-up `kid`s must not become a flood of database reads.
 */
const UNKNOWN_KID_RELOAD_MS = 1_000;

type SigningKey = { kid: string; key: CryptoKey };

async function newKeyRow(now: number): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  return {
    kid,
    alg: SIGNING_ALG,
    public_jwk: JSON.stringify(publicJwk),
    private_jwk: JSON.stringify(await exportJWK(privateKey)),
    state: 'next',
    created_at: now,
    activated_at: null,
    publish_until: null,
  };
}

/**
 * The signing keys. There is always an active key (signs) and a next key
 * (published, not yet signing), so verifiers know a key before any token
 * carries it. Rotation promotes next to active and keeps the old key published
 * until every token it signed has expired (access TTL plus clock skew).
 */
export function createKeyRing(deps: {
  repository: SigningKeyRepository;
  now: () => number;
  /** How long a retired key stays published, in ms. */
  retiredKeyLifetimeMs: number;
}) {
  let rows: SigningKeyRow[] = [];
  let loadedAt = -Infinity;
  let unknownKidReloadAt = -Infinity;
  let signing: SigningKey | undefined;

  async function load(): Promise<void> {
    rows = await deps.repository.listPublished(deps.now());
    loadedAt = deps.now();
    const active = rows.find((r) => r.state === 'active');
    if (active && active.kid !== signing?.kid) {
      signing = {
        kid: active.kid,
        key: (await importJWK(JSON.parse(active.private_jwk), SIGNING_ALG)) as CryptoKey,
      };
    }
  }

  async function fresh(): Promise<SigningKeyRow[]> {
    if (deps.now() - loadedAt > RELOAD_MS) await load();
    return rows;
  }

  return {
    /** Creates the first active and next keys on an empty table. */
    async initialise(): Promise<void> {
      await load();
      if (rows.some((r) => r.state === 'active')) return;
      const first = await newKeyRow(deps.now());
      await deps.repository.insert({ ...first, state: 'active', activated_at: deps.now() });
      await deps.repository.insert(await newKeyRow(deps.now()));
      await load();
    },

    async signingKey(): Promise<SigningKey> {
      await fresh();
      if (!signing) throw new Error('no active signing key; initialise() first');
      return signing;
    },

    /** The JWK Set: public members only. */
    async jwks(): Promise<{ keys: JWK[] }> {
      return { keys: (await fresh()).map((r) => JSON.parse(r.public_jwk) as JWK) };
    },

    /** A jose key resolver over the published keys, for verifying tokens in this process. */
    getKey: (async (header) => {
      const find = (keys: SigningKeyRow[]) => keys.find((r) => r.kid === header.kid);
      // A kid we do not hold may be another replica's fresh rotation: read the table once more.
      let row = find(await fresh());
      if (!row && deps.now() - unknownKidReloadAt >= UNKNOWN_KID_RELOAD_MS) {
        unknownKidReloadAt = deps.now();
        await load();
        row = find(rows);
      }
      if (!row || header.alg !== SIGNING_ALG) throw new joseErrors.JWKSNoMatchingKey();
      return importJWK(JSON.parse(row.public_jwk), SIGNING_ALG);
    }) as JWTVerifyGetKey,

    async rotate(): Promise<{ activeKid: string; nextKid: string }> {
      await load();
      const active = rows.find((r) => r.state === 'active');
      const next = rows.find((r) => r.state === 'next');
      if (!active || !next) throw new Error('key table lacks an active or next key');
      const now = deps.now();
      await deps.repository.rotate({
        activeKid: active.kid,
        nextKid: next.kid,
        now,
        publishUntil: now + deps.retiredKeyLifetimeMs,
        newNext: await newKeyRow(now),
      });
      await deps.repository.deleteExpired(now);
      await load();
      const nowNext = rows.find((r) => r.state === 'next');
      return { activeKid: signing!.kid, nextKid: nowNext!.kid };
    },

    /** Age of the active key in ms, for the scheduled rotation. */
    async activeKeyAge(): Promise<number> {
      const active = (await fresh()).find((r) => r.state === 'active');
      return active?.activated_at ? deps.now() - active.activated_at : 0;
    },
  };
}

export type KeyRing = ReturnType<typeof createKeyRing>;
