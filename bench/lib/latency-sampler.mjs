import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Nearest-rank percentile of an ascending array; NaN when empty.
 * @param {number[]} sorted
 * @param {number} p
 * @returns {number}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]);
}

/** @param {readonly number[]} latenciesMs */
export function summarize(latenciesMs) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/**
 * @param {Agent} agent
 * @param {string} url
 * @param {number} timeoutMs
 * @param {string | undefined} post
 * @returns {Promise<{ status?: number; error?: string; ms: number }>}
 */
function requestOnce(agent, url, timeoutMs, post) {
  return new Promise((resolve) => {
    const started = performance.now();
    const options = post
      ? {
          agent,
          timeout: timeoutMs,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        }
      : { agent, timeout: timeoutMs };
    const req = request(url, options, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ error: error.message, ms: performance.now() - started }));
    req.end(post);
  });
}

/**
 * One sequential client: a GET (or a POST of the JSON `post`), wait for the
 * answer, then the next at the following `intervalMs` tick (or at once if the
 * answer was later than that).
 * One keep-alive socket, so the figure is the server's responsiveness, not
 * connection setup. Runs for `durationMs`, or until `signal` aborts.
 * `localAddress` (e.g. 127.0.0.2, another loopback address) makes it a client
 * of its own to a server that counts per address, as the gateway does.
 * @param {object} options
 * @param {string} options.url
 * @param {number} options.durationMs
 * @param {number} [options.intervalMs]
 * @param {number} [options.timeoutMs]
 * @param {AbortSignal} [options.signal]
 * @param {string} [options.post] a JSON body: each request is a POST of it
 * @param {string} [options.localAddress]
 */
export async function sampleLatency({
  url,
  durationMs,
  intervalMs = 10,
  timeoutMs = 5000,
  signal,
  post,
  localAddress,
}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress });
  const latencies = [];
  const failures = [];
  const end = performance.now() + durationMs;
  try {
    while (performance.now() < end && !signal?.aborted) {
      const tickStart = performance.now();
      const result = await requestOnce(agent, url, timeoutMs, post);
      if (result.status === 200) latencies.push(result.ms);
      else failures.push(result.error ?? `status ${result.status}`);
      const wait = intervalMs - (performance.now() - tickStart);
      if (wait > 0) await sleep(wait);
    }
  } finally {
    agent.destroy();
  }
  return { ...summarize(latencies), failures: failures.length, firstFailure: failures[0] };
}
