import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { limitConnectionsPerAddress } from '../src/limits/connection-limit.js';

/**
 * Issue 12: one address holding many connections kept every other user
 * waiting. At most `max` of an address's connections are served; the next wait
 * unread until one closes, and past `maxWaiting` they are closed at once.
 */
let server: Server;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end(`answered ${req.url}`);
  });
  limitConnectionsPerAddress(server, { max: 2, maxWaiting: 1, waitMs: 30_000 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

/** A raw keep-alive connection from `localAddress`; `ask` sends one GET and resolves with its answer. */
async function connection(localAddress: string) {
  const socket: Socket = connect({ port, host: '127.0.0.1', localAddress });
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  const answered = (path: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (received.includes(`answered ${path}`)) resolve();
        else socket.once('data', check);
      };
      check();
    });
  return {
    socket,
    received: () => received,
    send: (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`),
    ask: async (path: string) => {
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
      await answered(path);
    },
    answered,
  };
}

it('when one address holds its limit of connections, then its next one waits unread until one closes, another address is served meanwhile, and one past the waiting room is closed at once', async () => {
  const first = await connection('127.0.0.1');
  const second = await connection('127.0.0.1');
  await first.ask('/first');
  await second.ask('/second');

  const third = await connection('127.0.0.1');
  third.send('/third');
  const fourth = await connection('127.0.0.1');
  fourth.send('/fourth');
  await once(fourth.socket, 'close');
  expect(fourth.received()).toBe('');

  const other = await connection('127.0.0.2');
  await other.ask('/other');
  expect(third.received()).toBe('');
  expect(seen).toEqual(['/first', '/second', '/other']);

  first.socket.destroy();
  await third.answered('/third');
  expect(seen).toEqual(['/first', '/second', '/other', '/third']);
  for (const c of [second, third, other]) c.socket.destroy();
});

it('when the server drains with a connection still waiting, then that connection is closed and the drain does not wait for it', async () => {
  const served = await serve((_req, res) => res.end('ok'), {
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ service: 'gateway', level: 'silent' }),
    drainMs: 60_000,
    guard: (server) =>
      limitConnectionsPerAddress(server, { max: 1, maxWaiting: 4, waitMs: 60_000 }),
  });
  const { port: servedPort } = new URL(served.url);
  const open = async () => {
    const socket = connect({ port: Number(servedPort), host: '127.0.0.1' });
    await once(socket, 'connect');
    return socket;
  };
  const first = await open();
  const waiting = await open();
  const waitingClosed = once(waiting, 'close');
  first.destroy();
  // The first's slot went to the waiting one: open another that must wait.
  const last = await open();
  const lastClosed = once(last, 'close');

  await served.close();
  await lastClosed;
  waiting.destroy();
  await waitingClosed;
});
