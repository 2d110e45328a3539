import { describe, expect, it } from '@jest/globals';
import {
  BadGatewayError,
  BadRequestError,
  COMMON_ERRORS,
  ConflictError,
  errorCatalogue,
  ForbiddenError,
  GatewayTimeoutError,
  type HttpError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  undocumentedCodes,
} from '../src/index.js';

describe('errorCatalogue', () => {
  it('when codes are listed, then each entry carries its own key as its code, frozen', () => {
    const catalogue = errorCatalogue({ SKU_TAKEN: { status: 409, meaning: 'Taken.' } });

    expect(catalogue.SKU_TAKEN).toEqual({ code: 'SKU_TAKEN', status: 409, meaning: 'Taken.' });
    expect(Object.isFrozen(catalogue)).toBe(true);
    expect(Object.isFrozen(catalogue.SKU_TAKEN)).toBe(true);
  });
});

describe('the error classes', () => {
  const byDefault: [string, HttpError][] = [
    ['BadRequestError', new BadRequestError('Bad.')],
    ['UnauthorizedError', new UnauthorizedError()],
    ['ForbiddenError', new ForbiddenError()],
    ['NotFoundError', new NotFoundError()],
    ['ConflictError', new ConflictError('Taken.')],
    ['PayloadTooLargeError', new PayloadTooLargeError()],
    ['UnsupportedMediaTypeError', new UnsupportedMediaTypeError()],
    ['UnprocessableError', new UnprocessableError('No.')],
    ['TooManyRequestsError', new TooManyRequestsError(1)],
    ['ServiceUnavailableError', new ServiceUnavailableError('Down.')],
    ['GatewayTimeoutError', new GatewayTimeoutError('Slow.')],
    ['BadGatewayError', new BadGatewayError('Broken.')],
  ];

  it.each(byDefault)(
    'when a %s is thrown without a code, then its code is a common one of its status',
    (_name, error) => {
      const entry = Object.values(COMMON_ERRORS).find(({ code }) => code === error.code);

      expect(entry?.status).toBe(error.status);
    },
  );
});

describe('undocumentedCodes', () => {
  const catalogue = errorCatalogue({
    SKU_TAKEN: { status: 409, meaning: 'Taken.' },
    PRODUCT_NOT_FOUND: { status: 404, meaning: 'No such product.' },
    OUT_OF_STOCK: { status: 422, meaning: 'Not enough stock.' },
  });
  const spec = {
    paths: {
      '/products': {
        post: {
          responses: {
            '409': { description: 'A product with this sku exists (code `SKU_TAKEN`).' },
            '422': { description: 'Named on another status: (code `PRODUCT_NOT_FOUND`).' },
          },
        },
        get: { responses: { '404': { $ref: '#/components/responses/NotFound' } } },
      },
    },
    components: { responses: { NotFound: { description: 'Gone (code `PRODUCT_NOT_FOUND`).' } } },
  };

  it('when the spec names a code on a response of its status, directly or by $ref, then it is documented', () => {
    expect(undocumentedCodes(catalogue, spec).map(({ code }) => code)).toEqual(['OUT_OF_STOCK']);
  });

  it('when the spec names a code only on another status, then it is undocumented', () => {
    const elsewhere = errorCatalogue({ PRODUCT_NOT_FOUND: { status: 410, meaning: 'Gone.' } });

    expect(undocumentedCodes(elsewhere, spec)).toEqual([elsewhere.PRODUCT_NOT_FOUND]);
  });
});
