import type { Exchange } from '../src/exchange.js';
import { runPipeline, type Stage } from '../src/pipeline.js';

const exchange = {} as Exchange;

function run(stages: Stage[]) {
  return new Promise<{ outcome: 'forwarded' | 'failed' | 'answered'; error?: unknown }>(
    (resolve) => {
      runPipeline(
        stages,
        exchange,
        () => resolve({ outcome: 'forwarded' }),
        (_exchange, error) => resolve({ outcome: 'failed', error }),
      );
      setTimeout(() => resolve({ outcome: 'answered' }), 20);
    },
  );
}

describe('pipeline', () => {
  it('when every stage passes, synchronous or not, then the exchange is forwarded after all of them in order', async () => {
    const order: string[] = [];
    const result = await run([
      () => order.push('a') > 0,
      async () => {
        order.push('b');
        return true;
      },
      () => order.push('c') > 0,
    ]);
    expect(result.outcome).toBe('forwarded');
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('when a stage answers the request itself, then later stages and the proxy never run', async () => {
    let laterRan = false;
    const later: Stage = () => {
      laterRan = true;
      return true;
    };
    expect((await run([async () => false, later])).outcome).toBe('answered');
    expect((await run([() => false, later])).outcome).toBe('answered');
    expect(laterRan).toBe(false);
  });

  it('when a stage throws or rejects, then the failure handler gets the error', async () => {
    const boom = new Error('boom');
    const thrown = await run([
      () => {
        throw boom;
      },
    ]);
    const rejected = await run([() => Promise.reject(boom)]);
    expect(thrown).toEqual({ outcome: 'failed', error: boom });
    expect(rejected).toEqual({ outcome: 'failed', error: boom });
  });
});
