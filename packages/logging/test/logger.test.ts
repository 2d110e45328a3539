import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../src/index.js';

/** The logger's lines, parsed, as it writes them (synchronously: pino writes to a given stream at once). */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', destination, format: 'json' }) };
}

describe('createLogger', () => {
  it('when lines are written, then each carries the time it was written, as ISO 8601 in UTC to the millisecond', async () => {
    const { lines, logger } = capture();
    const before = Date.now();
    logger.info('first');
    logger.info('second');
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('later');
    const after = Date.now();

    for (const line of lines) {
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const at = Date.parse(line.time as string);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
    // A line written after a pause is not stamped with an earlier line's time.
    expect(Date.parse(lines[2]!.time as string)).toBeGreaterThan(
      Date.parse(lines[1]!.time as string),
    );
    expect(lines.map((line) => line.msg)).toEqual(['first', 'second', 'later']);
  });
});
