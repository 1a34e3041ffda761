import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Product } from '../../../domain/catalog/product.js';
import { domainError, type AbortMark } from '../../../domain/shared/errors.js';
import { presentProduct, ProductSchema } from '../catalog/presenter.js';
import { DomainFailure } from '../errors.js';

/**
 * Wishlist products: the one product shape with `category` as the plain id string (the
 * storefront's wishlist page crashes on a populated category, compat 6).
 */
export const WishlistSchema = Type.Array(ProductSchema);

export function presentWishlist(products: readonly Product[]) {
  return products.map((p) => presentProduct(p));
}

/**
 * A product id as the storefront sends it: whatever it holds as `_id || id`, mock ids such as
 * `mock-1` included. Such ids are answered 404 `Product not found` by the use cases, not 400.
 */
export const ProductIdParams = Type.Object(
  { productId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

/** A route whose body failed validation (attachValidation) fails with these details added. */
export function rejectInvalid(request: FastifyRequest, details: AbortMark): void {
  const failure = request.validationError as
    | (Error & {
        validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[];
        validationContext?: string;
      })
    | undefined;
  if (!failure) return;
  const errors = (failure.validation ?? []).map((v) => {
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const extra = v.params?.additionalProperty ?? v.params?.missingProperty;
    const field = [failure.validationContext ?? 'body', path, typeof extra === 'string' ? extra : '']
      .filter(Boolean)
      .join('.');
    return { field, message: v.message ?? 'is invalid' };
  });
  const message =
    errors.length > 0
      ? `Invalid input: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`
      : `Invalid input: ${failure.message}`;
  throw new DomainFailure(domainError('VALIDATION_FAILED', message, { errors, ...details }));
}
