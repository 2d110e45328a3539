import { errorCatalogue } from '@portico/errors';

/**
 * The problem codes the inventory service answers itself; the packages' codes
 * (TOKEN_AUTH_ERRORS, DB_ERRORS, COMMON_ERRORS) come on top. The saga's
 * rejection reasons are event payloads, not problems (saga-contracts.ts).
 */
export const INVENTORY_ERRORS = errorCatalogue({
  PRODUCT_NOT_FOUND: { status: 404, meaning: 'No product has this sku.' },
  RESERVATION_NOT_FOUND: { status: 404, meaning: 'Inventory has not heard of this order.' },
  SKU_TAKEN: { status: 409, meaning: 'A product with this sku exists.' },
});
