import { Agent, request } from 'node:http';

/**
 * A lean keep-alive JSON client on node:http for load drivers: cheaper per
 * request than fetch, so the client takes less of the CPU the system under
 * test shares with it. Resolves `{status, body, ms}`; status 0 for a network
 * error or a timeout (never rejects).
 */
/**
 * @param {string} base
 * @param {{ maxSockets?: number; timeoutMs?: number }} [options]
 */
export function createJsonClient(base, { maxSockets = 256, timeoutMs = 10_000 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' });
  const target = new URL(base);

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ token?: string; body?: unknown; headers?: Record<string, string> }} [options]
   * @returns {Promise<{ status: number; body: any; ms: number }>} `body` is the parsed JSON, whatever it holds
   */
  function call(method, path, { token, body, headers = {} } = {}) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method,
          path,
          timeout: timeoutMs,
          headers: {
            ...headers,
            ...(token && { authorization: `Bearer ${token}` }),
            ...(payload && {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            }),
          },
        },
        (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            // A client response always has its status code.
            const status = /** @type {number} */ (res.statusCode);
            resolve({ status, body: parsed, ms: performance.now() - started });
          });
          res.on('error', () =>
            resolve({ status: 0, body: undefined, ms: performance.now() - started }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) =>
        resolve({ status: 0, body: error.message, ms: performance.now() - started }),
      );
      req.end(payload);
    });
  }

  return { call, close: () => agent.destroy() };
}
