import { productEvent } from '../../domain/catalog/events.js';
import type { Product, ProductImage } from '../../domain/catalog/product.js';
import { addImage, removeImage, reorderImages } from '../../domain/media/product-images.js';
import { domainError, type DomainError } from '../../domain/shared/errors.js';
import { isEntityId } from '../shared/ids.js';
import { imageUrl } from '../../domain/shared/image-url.js';
import { Err, Ok, type Result } from '../../domain/shared/result.js';
import {
  type CategoryRepository,
  joinCategory,
  type ProductRepository,
  type ProductView,
} from '../catalog/index.js';
import type { AppLogger, Clock, EventBus, IdGenerator } from '../shared/ports.js';
import { retryOnConflict } from '../shared/retry-on-conflict.js';
import { writeWithNotices } from '../shared/staged-notices.js';
import type { ImageStore, MediaSettings } from './ports.js';
import { checkImageUpload } from './uploads.js';

/** How often a change re-reads and re-applies after a concurrent save (optimistic versions). */
const MAX_ATTEMPTS = 5;

const invalidProductId = () => Err(domainError('VALIDATION_FAILED', 'Invalid product ID'));

/**
 * The admin's product image operations (compat 8: `:id/images` add, remove, reorder; plus the
 * upload). Each reads the product, applies a pure change from domain/media and saves with the
 * product's version, retrying on CONFLICT (a checkout may have saved stock in between), with its
 * `catalog.product-updated` notice staged before and published after, so caches drop the product.
 */
abstract class ProductImageChange {
  constructor(
    protected readonly products: ProductRepository,
    protected readonly categories: CategoryRepository,
    protected readonly clock: Clock,
    protected readonly events: EventBus,
    protected readonly ids: IdGenerator,
  ) {}

  protected async change<T>(
    productId: string,
    apply: (current: Product, now: Date) => Result<{ product: Product; extra: T }, DomainError>,
  ): Promise<Result<{ view: ProductView; extra: T }, DomainError>> {
    const notice = productEvent('catalog.product-updated', productId, this.clock.now(), this.ids.next());
    const run = await writeWithNotices(
      this.events,
      [notice],
      () => this.save(productId, apply),
      (r) => r.isOk(),
    );
    if (run.isErr()) return run;
    const { saved, next } = run.value;
    return Ok({ view: await joinCategory(this.categories, saved), extra: next.extra });
  }

  private save<T>(
    productId: string,
    apply: (current: Product, now: Date) => Result<{ product: Product; extra: T }, DomainError>,
  ) {
    return retryOnConflict({
      load: () => this.products.findById(productId),
      notFound: () => domainError('PRODUCT_NOT_FOUND', 'Product not found'),
      change: (current) => {
        const now = this.clock.now();
        return apply(current, now).map((next) => ({ ...next, now }));
      },
      save: (next) => this.products.update(next.product),
      attempts: MAX_ATTEMPTS,
    });
  }
}

export interface ImageDetails {
  readonly alt?: string;
  readonly isPrimary?: boolean;
}

/** Adds an image by URL (one already hosted somewhere, e.g. uploaded to Cloudinary by a client). */
export class AddProductImage extends ProductImageChange {
  constructor(
    products: ProductRepository,
    categories: CategoryRepository,
    clock: Clock,
    events: EventBus,
    ids: IdGenerator,
  ) {
    super(products, categories, clock, events, ids);
  }

  async execute(
    input: { productId: string; url: string; publicId?: string } & ImageDetails,
  ): Promise<Result<ProductView, DomainError>> {
    if (!isEntityId(input.productId)) return invalidProductId();
    const checked = imageUrl(input.url);
    if (checked.isErr()) return checked;
    const url = checked.value;
    const publicId = input.publicId?.trim();
    const image: ProductImage = {
      id: this.ids.next(),
      url,
      isPrimary: input.isPrimary ?? false,
      ...(publicId ? { publicId } : {}),
      ...(input.alt !== undefined ? { alt: input.alt } : {}),
    };
    const result = await this.change(input.productId, (current, now) =>
      addImage(current, { ...image, uploadedAt: now }, now).map((product) => ({ product, extra: null })),
    );
    return result.map((r) => r.view);
  }
}

export interface UploadInput extends ImageDetails {
  readonly productId: string;
  readonly bytes: Uint8Array;
  readonly filename: string;
  /** The content type the client declared; the bytes are checked too. */
  readonly declaredMimeType: string;
}

/**
 * Stores an uploaded image and adds it to the product. Only JPEG, PNG, WebP and GIF, recognised
 * by their bytes (the declared type must be one of those too); IMAGE_TOO_LARGE over the limit.
 * If the product cannot take the image after all, the stored file is removed again.
 */
export class UploadProductImage extends ProductImageChange {
  constructor(
    products: ProductRepository,
    categories: CategoryRepository,
    clock: Clock,
    events: EventBus,
    ids: IdGenerator,
    private readonly store: ImageStore,
    private readonly logger: AppLogger,
    private readonly settings: MediaSettings,
  ) {
    super(products, categories, clock, events, ids);
  }

  async execute(input: UploadInput): Promise<Result<ProductView, DomainError>> {
    if (!isEntityId(input.productId)) return invalidProductId();
    const checked = checkImageUpload(input, this.settings);
    if (checked.isErr()) return checked;
    // Cheap early answer before storing anything; the save below checks again.
    if (!(await this.products.findById(input.productId))) {
      return Err(domainError('PRODUCT_NOT_FOUND', 'Product not found'));
    }

    let stored;
    try {
      stored = await this.store.upload(checked.value);
    } catch (error) {
      this.logger.error('image upload failed', { productId: input.productId, error: String(error) });
      return Err(domainError('IMAGE_STORE_FAILED', 'The image could not be stored, please try again'));
    }

    const imageId = this.ids.next();
    const result = await this.change(input.productId, (current, now) =>
      addImage(
        current,
        {
          id: imageId,
          publicId: stored.publicId,
          url: stored.url,
          variants: stored.variants,
          isPrimary: input.isPrimary ?? false,
          ...(input.alt !== undefined ? { alt: input.alt } : {}),
          ...(stored.width !== undefined ? { width: stored.width } : {}),
          ...(stored.height !== undefined ? { height: stored.height } : {}),
          format: stored.format,
          bytes: stored.bytes,
          uploadedAt: now,
        },
        now,
      ).map((product) => ({ product, extra: null })),
    );
    if (result.isErr()) {
      await this.store.remove(stored.publicId).catch((error: unknown) => {
        this.logger.error('orphan image left in the store', {
          publicId: stored.publicId,
          error: String(error),
        });
      });
      return result;
    }
    return Ok(result.value.view);
  }
}

/**
 * Takes the image off the product, then deletes it from the store when it has a public id. A
 * store failure is logged (the product no longer shows the image either way).
 */
export class RemoveProductImage extends ProductImageChange {
  constructor(
    products: ProductRepository,
    categories: CategoryRepository,
    clock: Clock,
    events: EventBus,
    ids: IdGenerator,
    private readonly store: ImageStore,
    private readonly logger: AppLogger,
  ) {
    super(products, categories, clock, events, ids);
  }

  async execute(input: { productId: string; imageId: string }): Promise<Result<ProductView, DomainError>> {
    if (!isEntityId(input.productId)) return invalidProductId();
    const result = await this.change(input.productId, (current, now) =>
      removeImage(current, input.imageId, now).map(({ product, removed }) => ({ product, extra: removed })),
    );
    if (result.isErr()) return result;
    const { publicId } = result.value.extra;
    if (publicId !== undefined) {
      try {
        await this.store.remove(publicId);
      } catch (error) {
        this.logger.error('image removal from the store failed', { publicId, error: String(error) });
      }
    }
    return Ok(result.value.view);
  }
}

/** Puts the product's images in the given order (a permutation of the current ids). */
export class ReorderProductImages extends ProductImageChange {
  async execute(input: {
    productId: string;
    imageIds: readonly string[];
  }): Promise<Result<ProductView, DomainError>> {
    if (!isEntityId(input.productId)) return invalidProductId();
    const result = await this.change(input.productId, (current, now) =>
      reorderImages(current, input.imageIds, now).map((product) => ({ product, extra: null })),
    );
    return result.map((r) => r.view);
  }
}
