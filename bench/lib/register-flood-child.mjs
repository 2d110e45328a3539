// The registration flood with autocannon, in a process of its own (see
// registration-flood.mjs). Every request registers a new email. Prints one
// JSON summary on stdout.
import autocannon from 'autocannon';

const { url, connections, seconds } = JSON.parse(process.argv[2] ?? '{}');
const run = `${process.pid}-${Date.now()}`;
let next = 0;

const result = await autocannon({
  url,
  connections,
  duration: seconds,
  timeout: 30,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (/** @type {{ body?: string }} */ request) => {
        next += 1;
        request.body = JSON.stringify({
          email: `flood-${run}-${next}@example.com`,
          password: 'flood passphrase 0123',
          name: 'Flood',
        });
        return request;
      },
    },
  ],
});
const statusCodes = Object.fromEntries(
  Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
);
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }),
);
