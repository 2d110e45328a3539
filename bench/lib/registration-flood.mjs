import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseLoadGenerator, runChild } from './load-generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** @typedef {{ url: string, connections: number, seconds: number }} FloodOptions */
/**
 * @typedef {object} FloodResult
 * @property {number} requests
 * @property {Record<string, number>} statusCodes answers counted by HTTP status
 * @property {number} errors
 * @property {number} timeouts
 * @property {number} p50 ms
 * @property {number} p99 ms
 */

/** @param {FloodOptions} options @returns {Promise<FloodResult>} */
async function floodWithWrk({ url, connections, seconds }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '30s'];
  args.push('-s', join(here, 'register-flood.lua'), url);
  const out = await runChild('wrk', args, (seconds + 30) * 1000);
  const line = out.split('\n').find((l) => l.startsWith('FLOOD_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const { p50Us, p99Us, ...counts } = JSON.parse(line.slice('FLOOD_JSON '.length));
  return { ...counts, p50: p50Us / 1000, p99: p99Us / 1000 };
}

/** @param {FloodOptions} options @returns {Promise<FloodResult>} */
async function floodWithAutocannon(options) {
  const out = await runChild(
    process.execPath,
    [join(here, 'register-flood-child.mjs'), JSON.stringify(options)],
    (options.seconds + 30) * 1000,
  );
  return JSON.parse(out);
}

/**
 * `connections` clients registering a new email each, as fast as they are
 * answered, for `seconds`, from 127.0.0.1 and in a process of their own (they
 * shared the sampler's event loop once, and its delay was counted as the
 * server's). wrk when it is installed: in C, it leaves more of a two-core
 * machine to the servers under test than autocannon does
 * (BENCH_LOAD_GENERATOR=wrk|autocannon forces one). Resolves with
 * `{ requests, statusCodes, errors, timeouts, p50, p99 }`, latencies in ms.
 * @param {FloodOptions} options
 * @returns {Promise<FloodResult & { tool: 'wrk' | 'autocannon' }>}
 */
export function registrationFlood(options) {
  const tool = chooseLoadGenerator();
  const flood = tool === 'wrk' ? floodWithWrk(options) : floodWithAutocannon(options);
  return flood.then((result) => ({ tool, ...result }));
}
