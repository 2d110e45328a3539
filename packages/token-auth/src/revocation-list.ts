import type { Caller } from './caller.js';

/**
 * What the auth service publishes and lists (GET /internal/v1/revocations).
 * Times are NumericDate (epoch seconds); an entry is dropped at `expiresAt`,
 * when no token it names can still be valid.
 */
export type RevocationSnapshot = {
  tokens: { jti: string; accountId: string; expiresAt: number }[];
  sessions: { sessionId: string; accountId: string; expiresAt: number }[];
  signOuts: { accountId: string; before: number; expiresAt: number }[];
};

export type RevocationList = {
  /** Whether a verified token has been revoked: one Map lookup for an account with none. */
  isRevoked: (caller: Caller) => boolean;
  /** An `auth` event: `token.revoked`, `session.revoked`, `account.signed_out`; others are ignored. */
  apply: (event: { type: string; data: unknown }) => void;
  /** The account's "signed out everywhere" cut-off (NumericDate), if one is in force. */
  signedOutBefore: (accountId: string) => number | undefined;
  /** Adds every entry of a snapshot (at start, and when resynchronising). */
  load: (snapshot: RevocationSnapshot) => void;
  /** Entries held (ids and sign-outs). */
  readonly size: number;
  /** Stops the expiry sweep. */
  close: () => void;
};

/** One account's revocations: its "signed out everywhere" cut-off, and revoked jtis and sids. */
type Entry = { before: number; beforeUntil: number; ids: Map<string, number> };

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isTime = (value: unknown): value is number => typeof value === 'number' && value > 0;

/**
 * Revoked access tokens, sessions and sign-outs, as every verifier holds them.
 * Indexed by account (`sub`), so a request from an account with nothing
 * revoked (nearly all) costs one Map lookup and allocates nothing; one with
 * revocations costs at most two more (its jti, its sid). Entries are swept at
 * their expiry, and the list is bounded: when full, the oldest account's
 * entries go first (they expire soonest) and `onOverflow` is told.
 */
export function createRevocationList(
  options: {
    maxEntries?: number;
    sweepIntervalMs?: number;
    now?: () => number;
    onOverflow?: () => void;
  } = {},
): RevocationList {
  const maxEntries = Math.max(1, options.maxEntries ?? 100_000);
  const nowSeconds = () => Math.floor((options.now ?? Date.now)() / 1000);
  const accounts = new Map<string, Entry>();
  let size = 0;

  function entryOf(accountId: string): Entry {
    let entry = accounts.get(accountId);
    if (!entry) {
      entry = { before: 0, beforeUntil: 0, ids: new Map() };
      accounts.set(accountId, entry);
    }
    return entry;
  }

  function makeRoom(): void {
    if (size < maxEntries) return;
    sweep();
    while (size >= maxEntries) {
      const [oldest, entry] = accounts.entries().next().value as [string, Entry];
      size -= entry.ids.size + (entry.beforeUntil > 0 ? 1 : 0);
      accounts.delete(oldest);
      options.onOverflow?.();
    }
  }

  function revokeId(accountId: unknown, id: unknown, expiresAt: unknown): void {
    if (!isString(accountId) || !isString(id) || !isTime(expiresAt)) return;
    if (expiresAt <= nowSeconds()) return;
    const known = accounts.get(accountId)?.ids.get(id);
    if (known === undefined) makeRoom();
    const entry = entryOf(accountId);
    if (known === undefined) size += 1;
    entry.ids.set(id, Math.max(expiresAt, known ?? 0));
  }

  function signOut(accountId: unknown, before: unknown, expiresAt: unknown): void {
    if (!isString(accountId) || !isTime(before) || !isTime(expiresAt)) return;
    if (expiresAt <= nowSeconds()) return;
    const existing = accounts.get(accountId);
    if (!existing || existing.beforeUntil === 0) makeRoom();
    const entry = entryOf(accountId);
    if (entry.beforeUntil === 0) size += 1;
    entry.before = Math.max(entry.before, before);
    entry.beforeUntil = Math.max(entry.beforeUntil, expiresAt);
  }

  function sweep(): void {
    const now = nowSeconds();
    for (const [accountId, entry] of accounts) {
      for (const [id, expiresAt] of entry.ids) {
        if (expiresAt <= now) {
          entry.ids.delete(id);
          size -= 1;
        }
      }
      if (entry.beforeUntil > 0 && entry.beforeUntil <= now) {
        entry.before = 0;
        entry.beforeUntil = 0;
        size -= 1;
      }
      if (entry.ids.size === 0 && entry.beforeUntil === 0) accounts.delete(accountId);
    }
  }

  const timer = setInterval(sweep, options.sweepIntervalMs ?? 30_000);
  timer.unref();

  return {
    isRevoked(caller) {
      const entry = accounts.get(caller.sub);
      if (entry === undefined) return false;
      if (caller.iat <= entry.before) return true;
      if (entry.ids.has(caller.jti)) return true;
      return caller.kind === 'user' && caller.sid !== undefined && entry.ids.has(caller.sid);
    },

    signedOutBefore(accountId) {
      const before = accounts.get(accountId)?.before;
      return before ? before : undefined;
    },

    apply({ type, data }) {
      if (data === null || typeof data !== 'object') return;
      const d = data as Record<string, unknown>;
      if (type === 'token.revoked') revokeId(d.accountId, d.jti, d.expiresAt);
      else if (type === 'session.revoked') revokeId(d.accountId, d.sessionId, d.expiresAt);
      else if (type === 'account.signed_out') signOut(d.accountId, d.before, d.expiresAt);
    },

    load(snapshot) {
      for (const t of snapshot.tokens ?? []) revokeId(t.accountId, t.jti, t.expiresAt);
      for (const s of snapshot.sessions ?? []) revokeId(s.accountId, s.sessionId, s.expiresAt);
      for (const o of snapshot.signOuts ?? []) signOut(o.accountId, o.before, o.expiresAt);
    },

    get size() {
      return size;
    },

    close: () => clearInterval(timer),
  };
}
