import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1: the config accepts PORT=0 but the bench could not learn the port. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts a built service (`node [nodeArgs] <entry>`) and forwards its output with
 * a prefix; `discardStdout` sends its stdout (a JSON log) to /dev/null instead,
 * so the bench does not spend CPU reading it. The returned `stop()` is
 * idempotent; an `exit` hook kills the child even if the bench throws or is
 * interrupted, so no process outlives the run.
 * @param {object} options
 * @param {string} options.name the prefix of its output lines
 * @param {string} options.entry
 * @param {Record<string, string | undefined>} [options.env] added to this process's environment
 * @param {string} [options.cwd]
 * @param {string[]} [options.nodeArgs]
 * @param {boolean} [options.discardStdout]
 */
export function startService({ name, entry, env, cwd, nodeArgs = [], discardStdout = false }) {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', discardStdout ? 'ignore' : 'pipe', 'pipe'],
  });
  /**
   * @param {import('node:stream').Readable | null} stream
   * @param {NodeJS.WritableStream} target
   */
  const prefix = (stream, target) =>
    stream?.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) if (line) target.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stderr);
  prefix(child.stderr, process.stderr);

  let exited = false;
  const exit = once(child, 'exit').then(([code, signal]) => {
    exited = true;
    return { code, signal };
  });
  const killNow = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killNow);

  async function stop() {
    process.off('exit', killNow);
    if (exited) return exit;
    child.kill('SIGTERM');
    const result = await Promise.race([exit, sleep(5000).then(() => undefined)]);
    if (result) return result;
    child.kill('SIGKILL');
    return exit;
  }

  return { child, exit, stop, hasExited: () => exited };
}

/** @typedef {ReturnType<typeof startService>} Service */

/** Polls `url` until it answers 200; fails fast if the child dies, and gives up after `timeoutMs`. */
/**
 * @param {string} url
 * @param {Service} service
 * @param {number} [timeoutMs]
 */
export async function waitForReady(url, service, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (service.hasExited()) {
      const { code, signal } = await service.exit;
      throw new Error(`service exited before it was ready (code ${code}, signal ${signal})`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
      lastProblem = `status ${res.status}`;
    } catch (error) {
      lastProblem = error.cause?.code ?? error.message;
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${lastProblem})`);
}
