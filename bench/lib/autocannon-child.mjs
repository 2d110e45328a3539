// autocannon in a process of its own (the fallback when wrk is not installed),
// so its event loop is not the bench's; prints one JSON summary on stdout.
import autocannon from 'autocannon';

const { url, headers, connections, seconds } = JSON.parse(/** @type {string} */ (process.argv[2]));
const result = await autocannon({ url, headers, connections, duration: seconds, timeout: 10 });
const durationSeconds = result.duration;
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    seconds: durationSeconds,
    rps: result.requests.total / durationSeconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }),
);
