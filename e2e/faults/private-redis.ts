import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@portico/test-kit';
import { refusesConnections } from '../test/support/processes.js';

export type PrivateRedis = {
  url: string;
  port: number;
  pid: () => number | undefined;
  isRunning: () => boolean;
  /** SIGKILL, as a crashed or OOM-killed Redis: every connection drops, nothing is kept. */
  kill: () => Promise<void>;
  /** Starts it again on the same port (empty: it never persisted anything). */
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * A Redis of the test's own (`redis-server` on a free port, no persistence),
 * so stopping it never touches the machine's shared Redis or anyone else's keys.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const spawned = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = spawned;
    exited = new Promise((done) => spawned.once('exit', () => done()));
    const deadline = Date.now() + 10_000;
    while (await refusesConnections(port)) {
      if (spawned.exitCode !== null) throw new Error(`redis-server exited (${spawned.exitCode})`);
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
      await sleep(50);
    }
  };
  const isRunning = () => !!child && child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals) => {
    if (!child || !isRunning()) return;
    child.kill(sig);
    await exited;
  };
  const onExit = () => child?.kill('SIGKILL');
  process.on('exit', onExit);

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    isRunning,
    kill: () => signal('SIGKILL'),
    start,
    stop: async () => {
      await signal('SIGTERM');
      process.off('exit', onExit);
    },
  };
}
