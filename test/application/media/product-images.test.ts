import { expect } from 'chai';
import sinon from 'sinon';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryProductRepository } from '../../../adapters/persistence/memory/catalog-product-repository.js';
import { MemoryCategoryRepository } from '../../../adapters/persistence/memory/catalog-category-repository.js';
import type { ProductRepository } from '../../../application/catalog/ports.js';
import type { ImageStore, ImageUpload, StoredImage } from '../../../application/media/ports.js';
import {
  AddProductImage,
  RemoveProductImage,
  ReorderProductImages,
  UploadProductImage,
} from '../../../application/media/product-images.js';
import type { AppLogger } from '../../../application/shared/ports.js';
import { domainError } from '../../../domain/shared/errors.js';
import { Err } from '../../../domain/shared/result.js';
import { FIXED_NOW, aProduct, RecordingBus, SequentialIds, TestClock, testId } from '../../support/kit.js';
import { png } from '../../support/media/images.js';

class MemoryStore implements ImageStore {
  readonly files = new Map<string, ImageUpload>();
  async upload(file: ImageUpload): Promise<StoredImage> {
    const publicId = `mem/${this.files.size + 1}`;
    this.files.set(publicId, file);
    const url = `https://cdn.example/${publicId}.${file.format}`;
    return {
      publicId,
      url,
      variants: { thumbnail: `${url}?w=150`, small: url, medium: url, large: url, original: url },
      format: file.format,
      bytes: file.bytes.length,
      ...(file.width !== undefined ? { width: file.width } : {}),
      ...(file.height !== undefined ? { height: file.height } : {}),
    };
  }
  async remove(publicId: string): Promise<void> {
    this.files.delete(publicId);
  }
  owns(url: string): boolean {
    return url.startsWith('https://cdn.example/mem/');
  }
}

function kit(products?: ProductRepository) {
  const db = new MemoryDatabase();
  const repo = products ?? new MemoryProductRepository(db);
  const categories = new MemoryCategoryRepository(db);
  const clock = new TestClock();
  const events = new RecordingBus();
  const store = new MemoryStore();
  const logger: AppLogger & { error: sinon.SinonSpy } = {
    info: sinon.spy(),
    warn: sinon.spy(),
    error: sinon.spy(),
  };
  const ids = new SequentialIds();
  return {
    repo,
    store,
    logger,
    published: events.published,
    upload: new UploadProductImage(repo, categories, clock, events, ids, store, logger, {
      maxUploadBytes: 2048,
    }),
    add: new AddProductImage(repo, categories, clock, events, ids),
    remove: new RemoveProductImage(repo, categories, clock, events, ids, store, logger),
    reorder: new ReorderProductImages(repo, categories, clock, events, ids),
  };
}

describe('application/media product image use cases', () => {
  it('UploadProductImage stores the checked bytes with their real type and adds the image', async () => {
    const k = kit();
    const product = await k.repo.create(aProduct({ images: [] }));
    const view = (
      await k.upload.execute({
        productId: product.id,
        bytes: png(20, 10),
        filename: 'r.jpg',
        declaredMimeType: 'image/jpeg; charset=binary',
        alt: 'R',
      })
    ).unwrap();
    const [stored] = [...k.store.files.values()];
    expect(stored).to.deep.include({
      filename: 'r.jpg',
      format: 'png',
      mimeType: 'image/png',
      width: 20,
      height: 10,
    });
    expect(view.product.images).to.have.length(1);
    expect(view.product.images[0]).to.deep.include({
      publicId: 'mem/1',
      alt: 'R',
      isPrimary: false,
      width: 20,
      height: 10,
      format: 'png',
      uploadedAt: FIXED_NOW,
    });
    expect(k.published.map((e) => e.type)).to.deep.equal(['catalog.product-updated']);
  });

  it('refuses oversize, empty, non-image and non-image-declared uploads before storing', async () => {
    const k = kit();
    const product = await k.repo.create(aProduct({ images: [] }));
    const base = { productId: product.id, filename: 'x', declaredMimeType: 'image/png' };
    expect((await k.upload.execute({ ...base, bytes: png(1, 1, 3000) })).unwrapErr().code).to.equal(
      'IMAGE_TOO_LARGE',
    );
    expect((await k.upload.execute({ ...base, bytes: Buffer.alloc(0) })).unwrapErr().code).to.equal(
      'INVALID_IMAGE',
    );
    expect((await k.upload.execute({ ...base, bytes: Buffer.from('hello') })).unwrapErr().code).to.equal(
      'INVALID_IMAGE',
    );
    expect(
      (await k.upload.execute({ ...base, bytes: png(1, 1), declaredMimeType: 'image/svg+xml' })).unwrapErr()
        .code,
    ).to.equal('INVALID_IMAGE');
    expect(
      (await k.upload.execute({ ...base, productId: testId(), bytes: png(1, 1) })).unwrapErr().code,
    ).to.equal('PRODUCT_NOT_FOUND');
    expect(k.store.files.size).to.equal(0);
  });

  it('removes the stored file again when the product cannot take the image (compensation)', async () => {
    const memory = new MemoryProductRepository(new MemoryDatabase());
    const product = await memory.create(aProduct({ images: [] }));
    const failing: ProductRepository = Object.assign(Object.create(memory) as ProductRepository, {
      update: async () => Err(domainError('CONFLICT', 'changed meanwhile')),
    });
    const k = kit(failing);
    const result = await k.upload.execute({
      productId: product.id,
      bytes: png(1, 1),
      filename: 'x.png',
      declaredMimeType: 'image/png',
    });
    expect(result.unwrapErr().code).to.equal('CONFLICT');
    expect(k.store.files.size).to.equal(0);
  });

  it('a store failure is IMAGE_STORE_FAILED and leaves the product alone', async () => {
    const k = kit();
    const product = await k.repo.create(aProduct({ images: [] }));
    k.store.upload = async () => {
      throw new Error('network down');
    };
    const result = await k.upload.execute({
      productId: product.id,
      bytes: png(1, 1),
      filename: 'x.png',
      declaredMimeType: 'image/png',
    });
    expect(result.unwrapErr().code).to.equal('IMAGE_STORE_FAILED');
    expect(k.logger.error.calledWithMatch('image upload failed', { error: 'Error: network down' })).to.equal(
      true,
    );
    expect((await k.repo.findById(product.id))!.version).to.equal(product.version);
  });

  it('retries on a version conflict (someone saved the product in between)', async () => {
    const memory = new MemoryProductRepository(new MemoryDatabase());
    const product = await memory.create(aProduct({ images: [] }));
    let conflicts = 2;
    const flaky: ProductRepository = Object.assign(Object.create(memory) as ProductRepository, {
      update: async (p: Parameters<ProductRepository['update']>[0]) =>
        conflicts-- > 0 ? Err(domainError('CONFLICT', 'changed')) : memory.update(p),
    });
    const k = kit(flaky);
    const view = (
      await k.add.execute({ productId: product.id, url: 'https://x.example/a.png', publicId: 'a' })
    ).unwrap();
    expect(view.product.images.map((i) => i.publicId)).to.deep.equal(['a']);
    expect(conflicts).to.equal(-1);
  });

  it('RemoveProductImage deletes from the store only images with a public id; a store failure is logged', async () => {
    const k = kit();
    const product = await k.repo.create(aProduct({ images: [] }));
    await k.upload.execute({
      productId: product.id,
      bytes: png(1, 1),
      filename: 'x',
      declaredMimeType: 'image/png',
    });
    const plain = (await k.add.execute({ productId: product.id, url: 'https://x.example/b.png' })).unwrap();
    const [uploaded, byUrl] = plain.product.images;
    expect(byUrl!.publicId).to.equal(undefined);
    const remove = sinon.spy(k.store, 'remove');
    await k.remove.execute({ productId: product.id, imageId: byUrl!.id });
    expect(remove.callCount).to.equal(0);
    remove.restore();
    sinon.stub(k.store, 'remove').rejects(new Error('gone wrong'));
    const view = (await k.remove.execute({ productId: product.id, imageId: uploaded!.id })).unwrap();
    expect(view.product.images).to.deep.equal([]);
    expect(
      k.logger.error.calledWithMatch('image removal from the store failed', { publicId: 'mem/1' }),
    ).to.equal(true);
  });

  it('every use case answers VALIDATION_FAILED for a malformed product id', async () => {
    const k = kit();
    expect((await k.add.execute({ productId: 'x', url: 'https://a.b/c' })).unwrapErr().message).to.equal(
      'Invalid product ID',
    );
    expect((await k.remove.execute({ productId: 'x', imageId: testId() })).unwrapErr().code).to.equal(
      'VALIDATION_FAILED',
    );
    expect((await k.reorder.execute({ productId: 'x', imageIds: [] })).unwrapErr().code).to.equal(
      'VALIDATION_FAILED',
    );
    expect(
      (
        await k.upload.execute({
          productId: 'x',
          bytes: png(1, 1),
          filename: 'x',
          declaredMimeType: 'image/png',
        })
      ).unwrapErr().code,
    ).to.equal('VALIDATION_FAILED');
  });
});
