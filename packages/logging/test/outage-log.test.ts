import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger, outageLog } from '../src/index.js';

/** An outage log for an event feed, writing JSON at debug to an array of parsed lines. */
function feedOutage(graceMs: number) {
  const lines: { level: string; msg: string; failures?: number; source?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({
    service: 'order',
    level: 'debug',
    destination: sink,
    format: 'json',
  });
  const log = outageLog({
    logger,
    down: 'event feed unavailable',
    up: 'event feed reachable again',
    fields: { source: 'auth' },
    graceMs,
  });
  const levels = () => lines.map((l) => `${l.level} ${l.msg}`);
  return { log, lines, levels };
}

const unreachable = new Error('The auth service is unreachable.');

describe('outageLog', () => {
  it('when the feed fails while the services start, then the failures are debug and no warning is written', () => {
    const { log, levels } = feedOutage(60_000);
    for (let i = 0; i < 8; i += 1) log.failed(unreachable);
    log.answered();

    expect(levels()).toEqual(Array(8).fill('debug event feed unavailable (starting up)'));
  });

  it('when a feed that answered fails again, then the outage is one warning, again at the 20th failure, and one line when it is back', () => {
    const { log, lines, levels } = feedOutage(60_000);
    log.answered();
    const counts = Array.from({ length: 25 }, () => log.failed(unreachable));
    log.answered();

    expect(counts.at(-1)).toBe(25);
    expect(levels()).toEqual([
      'warn event feed unavailable',
      'warn event feed unavailable',
      'info event feed reachable again',
    ]);
    expect(lines.map((l) => l.failures)).toEqual([1, 20, 25]);
    expect(lines.every((l) => l.source === 'auth')).toBe(true);
    // A new outage starts counting, and warning, afresh.
    expect(log.failed(unreachable)).toBe(1);
    expect(levels().at(-1)).toBe('warn event feed unavailable');
  });

  it('when the grace period has passed and the feed never answered, then the first failure is a warning', () => {
    const { log, levels } = feedOutage(0);
    log.failed(unreachable);
    log.failed(unreachable);

    expect(levels()).toEqual(['warn event feed unavailable']);
  });
});
