import { createServiceTokenProvider } from '@portico/http-client';
import type { ServiceSpec } from '@portico/openapi';
import { type Contract, loadContract } from './spec-contract.js';
import { ADMIN, call, type System, startSystem } from './system.js';

/** One request to an operation; `params` fill the path template. */
export type ContractRequest = {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  /** A JSON body. */
  body?: unknown;
  /** A body sent as is, with its content type (forms, wrong media types, oversized bodies). */
  raw?: { contentType: string; text: string };
  token?: string;
  headers?: Record<string, string>;
};

export type TestUser = { id: string; email: string; password: string; token: string };

/** A body over every service's 16 kB limit, valid JSON so only its size is wrong. */
export const OVERSIZED = { contentType: 'application/json', text: `{"x":"${'x'.repeat(20_000)}"}` };
/** A body of a media type no operation documents. */
export const PLAIN_TEXT = { contentType: 'text/plain', text: 'hello' };

/** jose's default `cacheMaxAge` for a remote key set; past it, the next verification refetches. */
const KEY_SET_MAX_AGE_MS = 10 * 60_000;

/**
 * The contract suite of one service: the whole system in process (every
 * service validating its own responses too), calls made straight to the
 * service (public and `/internal/` alike; the gateway is not under test),
 * each response checked against the spec and recorded by `contract`.
 */
export function contractSuite(service: ServiceSpec) {
  const contract: Contract = loadContract(service);
  let system: System;
  let admin: string | undefined;

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system.stop());

  async function send(key: string, request: ContractRequest = {}) {
    const [method, template] = key.split(' ') as [string, string];
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = request.params?.[name];
      if (value === undefined) throw new Error(`${key} needs the path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams(
      Object.entries(request.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const body = request.raw ?? (request.body === undefined ? undefined : json(request.body));
    const res = await fetch(`${system[service]}${path}${query ? `?${query}` : ''}`, {
      method,
      // A redirect is an answer of the operation (the OAuth endpoints'), not something to follow.
      redirect: 'manual',
      headers: {
        ...(body && { 'content-type': body.contentType }),
        ...(request.token && { authorization: `Bearer ${request.token}` }),
        ...request.headers,
      },
      ...(body && { body: body.text }),
    });
    const text = await res.text();
    contract.check(key, { status: res.status, contentType: res.headers.get('content-type'), text });
    const isJson = /json/.test(res.headers.get('content-type') ?? '');
    const parsed = text && isJson ? JSON.parse(text) : text || undefined;
    return { status: res.status, headers: res.headers, body: parsed };
  }

  return {
    contract,
    get system() {
      return system;
    },
    /** Calls one operation (`METHOD /template`) and fails unless the answer is in the contract. */
    call: send,
    /** The configured admin's access token, from the auth service. */
    async adminToken(): Promise<string> {
      admin ??= (await call(system.auth, '/api/v1/auth/login', { body: ADMIN })).body.access_token;
      return admin!;
    },
    /** A new access token for an account, by logging in at the auth service. */
    async login(credentials: { email: string; password: string }): Promise<string> {
      const { email, password } = credentials;
      return (await call(system.auth, '/api/v1/auth/login', { body: { email, password } })).body
        .access_token;
    },
    /** Registers and logs in a fresh account at the auth service. */
    async newUser(name = 'Ada'): Promise<TestUser> {
      const email = `contract-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
      const password = 'a long enough password';
      const account = await call(system.auth, '/api/v1/auth/register', {
        body: { email, password, name },
      });
      const login = await call(system.auth, '/api/v1/auth/login', { body: { email, password } });
      return { id: account.body.id, email, password, token: login.body.access_token };
    },
    /** A service token, as that service gets it (client credentials, development secret). */
    serviceToken(clientId: string, scope?: string): Promise<string> {
      return createServiceTokenProvider({
        authUrl: system.auth,
        clientId,
        clientSecret: `dev-secret-${clientId}-change-me`,
        ...(scope && { scope }),
      }).getToken();
    },
    /**
     * Runs `work` while no service can fetch the auth service's key set: the
     * auth service is down and `Date.now` (what jose's key-set cache reads) is
     * past the cache's age, so the next token to verify needs a fetch that
     * fails. Tokens stay valid: jose checks `exp` against `new Date()`, which
     * keeps real time. Use tokens no service has seen (`login`): verifiers
     * remember the tokens they verified. Leaves breakers to the auth service
     * open: run it last.
     */
    async whileKeySetUnavailable(work: () => Promise<void>): Promise<void> {
      const realNow = Date.now;
      Date.now = () => realNow() + KEY_SET_MAX_AGE_MS + 60_000;
      system.takeDown('auth');
      try {
        await work();
      } finally {
        Date.now = realNow;
        system.bringUp('auth');
      }
    },
    /** The closing case: fails naming every operation of the spec that no case called. */
    everyOperationExercised() {
      it(`when every case has run, then each operation in ${service}.yaml was exercised`, () => {
        if (process.env.CONTRACT_REPORT) {
          const missed = contract.statusCoverage().filter((c) => !c.exercised);
          console.log(missed.map((c) => `${c.key} ${c.status}`).join('\n') || 'none missed');
        }
        expect(contract.unexercised()).toEqual([]);
      });
    },
  };
}

function json(value: unknown) {
  return { contentType: 'application/json', text: JSON.stringify(value) };
}
