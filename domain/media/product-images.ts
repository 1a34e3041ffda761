import type { Product, ProductImage } from '../catalog/product.js';
import { domainError, type DomainError } from '../shared/errors.js';
import { isImageUrl } from '../shared/image-url.js';
import { Err, Ok, type Result } from '../shared/result.js';

/** The most images one product carries (the product body allows as many). */
export const MAX_PRODUCT_IMAGES = 20;

/**
 * Changes to a product's image list, as pure functions: each answers the next product state
 * (images and `updatedAt`), the repository saves it optimistically.
 */

function withImages(product: Product, images: readonly ProductImage[], now: Date): Product {
  return { ...product, images, updatedAt: now };
}

/**
 * Appends `image`. A primary image becomes the only primary one. VALIDATION_FAILED when the
 * product is full, the url is blank or not an http(s) URL, or the id is already used.
 */
export function addImage(product: Product, image: ProductImage, now: Date): Result<Product, DomainError> {
  if (product.images.length >= MAX_PRODUCT_IMAGES) {
    return Err(
      domainError('VALIDATION_FAILED', `A product can have at most ${MAX_PRODUCT_IMAGES} images`, {
        maxImages: MAX_PRODUCT_IMAGES,
      }),
    );
  }
  if (image.url.trim() === '') return Err(domainError('VALIDATION_FAILED', 'Every image needs a url'));
  if (!isImageUrl(image.url))
    return Err(domainError('VALIDATION_FAILED', 'Image url must be an http(s) URL'));
  if (product.images.some((i) => i.id === image.id)) {
    return Err(domainError('VALIDATION_FAILED', 'Image id already used on this product'));
  }
  const others = image.isPrimary
    ? product.images.map((i) => (i.isPrimary ? { ...i, isPrimary: false } : i))
    : product.images;
  return Ok(withImages(product, [...others, { ...image, url: image.url.trim() }], now));
}

/** Removes the image `imageId`; answers the product and the removed image. IMAGE_NOT_FOUND otherwise. */
export function removeImage(
  product: Product,
  imageId: string,
  now: Date,
): Result<{ product: Product; removed: ProductImage }, DomainError> {
  const removed = product.images.find((i) => i.id === imageId);
  if (!removed) return Err(imageNotFound());
  return Ok({
    product: withImages(
      product,
      product.images.filter((i) => i.id !== imageId),
      now,
    ),
    removed,
  });
}

/**
 * Puts the images in the order of `imageIds`, which must name each current image exactly once
 * (VALIDATION_FAILED otherwise, with the current ids in `details.imageIds`).
 */
export function reorderImages(
  product: Product,
  imageIds: readonly string[],
  now: Date,
): Result<Product, DomainError> {
  const byId = new Map(product.images.map((i) => [i.id, i]));
  const unique = new Set(imageIds);
  const isPermutation =
    imageIds.length === product.images.length &&
    unique.size === imageIds.length &&
    imageIds.every((id) => byId.has(id));
  if (!isPermutation) {
    return Err(
      domainError('VALIDATION_FAILED', "imageIds must list each of the product's image ids exactly once", {
        imageIds: product.images.map((i) => i.id),
      }),
    );
  }
  return Ok(
    withImages(
      product,
      imageIds.map((id) => byId.get(id)!),
      now,
    ),
  );
}

export function imageNotFound(): DomainError {
  return domainError('IMAGE_NOT_FOUND', 'Image not found');
}
