import { call } from '../support/system.js';
import type { FuzzCase } from './fuzz-case.js';
import { printable, type RawResponse, send } from './send.js';
import { difference, type World } from './world.js';

/** Status counts per operation and class (`2xx`, `4xx`…), for the coverage check and the summary. */
export type Tally = Map<string, Map<string, number>>;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

const report = (what: string, c: FuzzCase, res?: RawResponse) =>
  new PropertyViolation(
    `${what}\n--- request (${c.operation}, ${c.actor}, ${c.mutation}) ---\n${printable(c.request)}` +
      (res ? `\n--- response ${res.status} ---\n${res.text.slice(0, 1000)}` : ''),
  );

function count(tally: Tally, c: FuzzCase, status: number): void {
  const byClass = tally.get(c.operation) ?? new Map<string, number>();
  const key = `${Math.floor(status / 100)}xx`;
  byClass.set(key, (byClass.get(key) ?? 0) + 1);
  tally.set(c.operation, byClass);
}

/**
 * Sends one case through the gateway and checks the properties: an answer
 * (no hang, no dropped connection), never a 5xx, and a refused write leaves
 * every record as it was; a refused registration leaves no account to log in
 * to. Accepted writes are settled so the next case starts from a stable state.
 */
export async function checkCase(world: World, c: FuzzCase, tally: Tally): Promise<RawResponse> {
  const started = Date.now();
  const res = await checkOne(world, c, tally);
  // FUZZ_TRACE=1: one line per case; =2: also every valid request that was refused, in full.
  const trace = process.env.FUZZ_TRACE;
  if (trace === '1' || trace === '2')
    process.stderr.write(
      `${c.operation} ${c.actor} ${c.mutation} ${res.status} ${Date.now() - started}ms\n`,
    );
  if (trace === '2' && c.mutation === 'valid' && res.status >= 400)
    process.stderr.write(`${report('valid but refused', c, res).message}\n\n`);
  return res;
}

async function checkOne(world: World, c: FuzzCase, tally: Tally): Promise<RawResponse> {
  const writes = !READS.has(c.request.method);
  const before = writes ? await world.snapshot() : undefined;
  let res: RawResponse;
  try {
    res = await send(world.gateway, c.request, world.requestTimeoutMs);
  } catch (error) {
    throw report(`no answer: ${(error as Error).message}`, c);
  }
  count(tally, c, res.status);
  if (res.status >= 500) throw report(`a ${res.status}`, c, res);
  if (res.status < 300 && writes && c.mutation !== 'method') await world.settle(c, res);
  if (!before || res.status < 400) return res;
  const changed = difference(before, await world.snapshot());
  if (changed) throw report(`a refused write changed a record: ${changed}`, c, res);
  if (c.operation === 'register' && res.status !== 409) await expectNoAccount(world, c, res);
  return res;
}

/** A refused registration must not have written the account: its credentials do not log in. */
async function expectNoAccount(world: World, c: FuzzCase, res: RawResponse): Promise<void> {
  const body = c.body as { email?: unknown; password?: unknown } | undefined;
  if (typeof body?.email !== 'string' || typeof body.password !== 'string') return;
  if (world.registered.has(body.email.toLowerCase())) return;
  const login = await call(world.gateway, '/api/v1/auth/login', {
    body: { email: body.email, password: body.password },
  });
  if (login.status === 200)
    throw report('a refused registration wrote an account that logs in', c, res);
}
