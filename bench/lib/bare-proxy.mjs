// The Node limit: the least a node:http reverse proxy can do. Keep-alive to the
// upstream (lifo, as the gateway's agent), the request piped through, the
// answer's head copied and its body piped back. No header hygiene, no auth, no
// log, no metric: every figure the gateway reaches is measured against this.
//
// Env: PORT (required), TARGET_URL (required).
import { Agent, createServer, request } from 'node:http';

const target = new URL(/** @type {string} */ (process.env.TARGET_URL));
const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });

const server = createServer((req, res) => {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
// The same server settings as the gateway's serve(): idle keep-alive 5 s.
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
