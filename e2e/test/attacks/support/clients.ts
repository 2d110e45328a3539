import { connect } from 'node:net';
import { settled } from '../../support/shop.js';
import { call } from '../../support/system.js';
import type { ClientId, SystemUnderAttack } from './system-under-attack.js';

export { call, type Reply } from '../../support/system.js';

export type RawReply = {
  /** Every byte the server sent back, as latin1 text. */
  text: string;
  /** The status codes of every response in `text`, in order. */
  statuses: number[];
  /** Whether the server closed the connection before `waitMs` ran out. */
  closedByServer: boolean;
  ms: number;
};

/**
 * Writes `bytes` on a fresh TCP connection (all at once, or one chunk every
 * `dribbleMs`) and collects the answer until the server closes or `waitMs`
 * passes. Nothing here parses or normalises: the server sees exactly `bytes`.
 */
export function rawExchange(
  base: string,
  bytes: string | Buffer,
  options: { waitMs?: number; dribbleMs?: number; chunk?: number } = {},
): Promise<RawReply> {
  const { port, hostname } = new URL(base);
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let dribble: NodeJS.Timeout | undefined;
    let closedByServer = false;
    const finish = () => {
      clearTimeout(deadline);
      clearInterval(dribble);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ text, statuses, closedByServer, ms: Date.now() - started });
    };
    const deadline = setTimeout(finish, options.waitMs ?? 3_000);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      closedByServer = Date.now() - started < (options.waitMs ?? 3_000);
      finish();
    });
    socket.on('connect', () => {
      if (!options.dribbleMs) {
        socket.write(data);
        return;
      }
      let at = 0;
      const size = options.chunk ?? 1;
      dribble = setInterval(() => {
        if (at >= data.length || socket.destroyed) return clearInterval(dribble);
        socket.write(data.subarray(at, at + size));
        at += size;
      }, options.dribbleMs);
    });
  });
}

export type Account = {
  id: string;
  email: string;
  password: string;
  token: string;
  refresh: string;
};

let serial = 0;

/** Registers and logs in through the gateway; every credential becomes a secret of the system. */
export async function newAccount(
  system: SystemUnderAttack,
  options: { name?: string; password?: string } = {},
): Promise<Account> {
  serial += 1;
  const email = `attack-${Date.now()}-${serial}@example.com`;
  const password = system.secret(options.password ?? `pw-${Math.random().toString(36).slice(2)}`);
  const name = options.name ?? 'Mallory';
  const reg = await call(system.gateway, '/api/v1/auth/register', {
    body: { email, password, name },
  });
  const login = await call(system.gateway, '/api/v1/auth/login', {
    body: { email, password },
  });
  if (reg.status !== 201 || login.status !== 200)
    throw new Error(`could not make an account: ${reg.status}/${login.status}`);
  return {
    id: reg.body.id,
    email,
    password,
    token: system.secret(login.body.access_token),
    refresh: system.secret(login.body.refresh_token),
  };
}

/** Logs the configured admin in through the gateway. */
export async function adminAccount(system: SystemUnderAttack): Promise<Account> {
  const login = await call(system.gateway, '/api/v1/auth/login', { body: system.admin });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  const token = system.secret(login.body.access_token as string);
  const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
  return {
    id: sub,
    ...system.admin,
    token,
    refresh: system.secret(login.body.refresh_token),
  };
}

/** A client-credentials token from the auth service, for one service client (all its scopes, or `scope`). */
export async function serviceToken(
  system: SystemUnderAttack,
  clientId: ClientId,
  scope?: string,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: system.clientSecrets[clientId],
    ...(scope && { scope }),
  });
  const res = await fetch(`${system.auth}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token)
    throw new Error(`no token for ${clientId}: ${res.status}`);
  return system.secret(body.access_token);
}

/** Places an order through the gateway and waits, at the order service, until the saga settled it. */
export async function placeSettledOrder(
  system: SystemUnderAttack,
  owner: Account,
  items: { sku: string; quantity: number }[],
) {
  const placed = await call(system.gateway, '/api/v1/orders', {
    body: { items },
    token: owner.token,
  });
  if (placed.status !== 202) throw new Error(`order refused: ${placed.status}`);
  return settled(system.order, owner, placed.body.id);
}
