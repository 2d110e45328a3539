import { decodeCursor, page } from '@portico/db';
import { ConflictError, NotFoundError } from '@portico/errors';
import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/inventory';
import { requireAuth, requireRole, type TokenVerifier } from '@portico/token-auth';
import { Router } from 'express';
import { type ProductRepository, SkuTakenError } from '../data/product-repository.js';
import { INVENTORY_ERRORS } from '../errors.js';

type ListProducts = operations['listProducts'];
type GetProduct = operations['getProduct'];
type CreateProduct = operations['createProduct'];
type UpdateProduct = operations['updateProduct'];

const notFound = () =>
  new NotFoundError('No such product.', INVENTORY_ERRORS.PRODUCT_NOT_FOUND.code);

/** `/api/v1/inventory/products`: reads are public, writes need an admin. */
export function productRoutes(deps: {
  products: ProductRepository;
  verifier: TokenVerifier;
}): Router {
  const router = Router();
  const admin = [requireAuth(deps.verifier), requireRole('admin')];

  router.get('/', async (req: SpecRequest<ListProducts>, res: SpecResponse<ListProducts>) => {
    const limit = Number(req.query.limit ?? 20);
    const rows = await deps.products.list(
      limit + 1,
      decodeCursor(req.query.cursor as string | undefined),
    );
    res.json(page(rows, limit, (p) => p.sku));
  });

  router.get('/:sku', async (req: SpecRequest<GetProduct>, res: SpecResponse<GetProduct>) => {
    const product = await deps.products.find(req.params.sku);
    if (!product) throw notFound();
    res.json(product);
  });

  router.post(
    '/',
    ...admin,
    async (req: SpecRequest<CreateProduct>, res: SpecResponse<CreateProduct>) => {
      try {
        const product = await deps.products.insert(req.body);
        res
          .status(201)
          .location(`/api/v1/inventory/products/${encodeURIComponent(product.sku)}`)
          .json(product);
      } catch (error) {
        if (error instanceof SkuTakenError)
          throw new ConflictError(
            'A product with this sku exists.',
            INVENTORY_ERRORS.SKU_TAKEN.code,
          );
        throw error;
      }
    },
  );

  // The spec admits only name, priceCents and restock (>= 1), at least one of them.
  router.patch(
    '/:sku',
    ...admin,
    async (req: SpecRequest<UpdateProduct>, res: SpecResponse<UpdateProduct>) => {
      const product = await deps.products.update(req.params.sku, req.body);
      if (!product) throw notFound();
      res.json(product);
    },
  );

  return router;
}
