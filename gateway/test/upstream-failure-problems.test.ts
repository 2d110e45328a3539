import { describe, expect, it } from '@jest/globals';
import { upstreamFailure } from '../src/problems.js';

const failure = (code: string) =>
  upstreamFailure('order-service', Object.assign(new Error(code), { code }), false);

describe('upstreamFailure', () => {
  it.each(['ECONNREFUSED', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])(
    'when the try failed with %s, then the upstream is unavailable: 502 with Retry-After',
    (code) => {
      expect(failure(code)).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE' });
    },
  );

  it('when the connection closed before an answer, then 502 UPSTREAM_CONNECTION_FAILED', () => {
    expect(failure('UND_ERR_SOCKET')).toMatchObject({
      status: 502,
      code: 'UPSTREAM_CONNECTION_FAILED',
    });
  });

  it('when the try timed out, then 504 UPSTREAM_TIMEOUT', () => {
    expect(
      upstreamFailure('order-service', new Error('UND_ERR_HEADERS_TIMEOUT'), true),
    ).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
  });
});
