import { decodeCursor, page } from '@portico/db';
import { ConflictError, NotFoundError } from '@portico/errors';
import { requireAuth, requireRole, type TokenVerifier } from '@portico/token-auth';
import { Router } from 'express';
import {
  type ProductChange,
  type ProductRepository,
  SkuTakenError,
} from '../data/product-repository.js';

const notFound = () => new NotFoundError('No such product.', 'PRODUCT_NOT_FOUND');

type NewProduct = { sku: string; name: string; priceCents: number; stock: number };

/** `/api/v1/inventory/products`: reads are public, writes need an admin. */
export function productRoutes(deps: {
  products: ProductRepository;
  verifier: TokenVerifier;
}): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const limit = Number(req.query.limit ?? 20);
    const rows = await deps.products.list(
      limit + 1,
      decodeCursor(req.query.cursor as string | undefined),
    );
    res.json(page(rows, limit, (p) => p.sku));
  });

  router.get('/:sku', async (req, res) => {
    const product = await deps.products.find(req.params.sku as string);
    if (!product) throw notFound();
    res.json(product);
  });

  router.post('/', requireAuth(deps.verifier), requireRole('admin'), async (req, res) => {
    try {
      const product = await deps.products.insert(req.body as NewProduct);
      res
        .status(201)
        .location(`/api/v1/inventory/products/${encodeURIComponent(product.sku)}`)
        .json(product);
    } catch (error) {
      if (error instanceof SkuTakenError)
        throw new ConflictError('A product with this sku exists.', 'SKU_TAKEN');
      throw error;
    }
  });

  // The spec admits only name, priceCents and restock (>= 1), at least one of them.
  router.patch('/:sku', requireAuth(deps.verifier), requireRole('admin'), async (req, res) => {
    const product = await deps.products.update(req.params.sku as string, req.body as ProductChange);
    if (!product) throw notFound();
    res.json(product);
  });

  return router;
}
