import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The load generator: wrk (Debian's package; C, one thread, so it leaves the
 * CPU to the processes under test) when it is installed, else autocannon in a
 * process of its own. BENCH_LOAD_GENERATOR=wrk|autocannon forces one.
 * @returns {'wrk' | 'autocannon'}
 */
export function chooseLoadGenerator(wanted = process.env.BENCH_LOAD_GENERATOR ?? 'auto') {
  if (!['auto', 'wrk', 'autocannon'].includes(wanted)) {
    throw new Error(`BENCH_LOAD_GENERATOR must be auto, wrk or autocannon, got "${wanted}"`);
  }
  if (wanted === 'autocannon') return 'autocannon';
  const hasWrk = !spawnSync('wrk', ['-v']).error;
  if (wanted === 'wrk' && !hasWrk)
    throw new Error('BENCH_LOAD_GENERATOR=wrk but wrk is not on PATH');
  return hasWrk ? 'wrk' : 'autocannon';
}

/** Runs a child to completion, killing it if it outlives `limitMs`; resolves with its stdout. */
/**
 * @param {string} command
 * @param {string[]} args
 * @param {number} limitMs
 * @returns {Promise<string>}
 */
export function runChild(command, args, limitMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      if (code === 0) resolve(out);
      else
        reject(new Error(`${command} exited with ${code ?? signal}: ${err.trim() || out.trim()}`));
    });
  });
}

/**
 * @typedef {{ url: string; headers: Record<string, string>; connections: number; seconds: number }} LoadOptions
 * @typedef {{ requests: number; seconds: number; rps: number; p50: number; p90: number; p99: number; max: number; non2xx: number; errors: number }} LoadResult
 */

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
async function runWrk({ url, headers, connections, seconds }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push('-s', join(here, 'wrk-report.lua'), url);
  const out = await runChild('wrk', args, (seconds + 30) * 1000);
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const r = JSON.parse(line.slice('WRK_JSON '.length));
  const durationSeconds = r.durationUs / 1e6;
  return {
    requests: r.requests,
    seconds: durationSeconds,
    rps: r.requests / durationSeconds,
    p50: r.p50Us / 1000,
    p90: r.p90Us / 1000,
    p99: r.p99Us / 1000,
    max: r.maxUs / 1000,
    non2xx: r.non2xx,
    errors: r.connectErrors + r.readErrors + r.writeErrors + r.timeouts,
  };
}

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
async function runAutocannon(options) {
  const out = await runChild(
    process.execPath,
    [join(here, 'autocannon-child.mjs'), JSON.stringify(options)],
    (options.seconds + 30) * 1000,
  );
  return JSON.parse(out);
}

/**
 * Drives `GET url` with `headers` on `connections` keep-alive connections for
 * `seconds`; latencies in ms. `non2xx` and `errors` must be 0 for the figures
 * to mean anything.
 * @param {'wrk' | 'autocannon'} tool
 * @param {LoadOptions} options
 */
export function runLoad(tool, options) {
  return tool === 'wrk' ? runWrk(options) : runAutocannon(options);
}
