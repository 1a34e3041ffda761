import { expect } from 'chai';
import fc from 'fast-check';
import { sniffImage } from '../../../domain/media/image-format.js';
import {
  addImage,
  MAX_PRODUCT_IMAGES,
  removeImage,
  reorderImages,
} from '../../../domain/media/product-images.js';
import type { ProductImage } from '../../../domain/catalog/product.js';
import { FIXED_NOW, aProduct, testId } from '../../support/kit.js';
import { gif, jpeg, png, webp } from '../../support/media/images.js';

const LATER = new Date(FIXED_NOW.getTime() + 60_000);

describe('media: sniffImage (type by magic bytes)', () => {
  it('recognises PNG, JPEG, GIF and WebP with their pixel size', () => {
    expect(sniffImage(png(640, 480))).to.deep.equal({
      format: 'png',
      mimeType: 'image/png',
      width: 640,
      height: 480,
    });
    expect(sniffImage(jpeg(1024, 768))).to.deep.equal({
      format: 'jpg',
      mimeType: 'image/jpeg',
      width: 1024,
      height: 768,
    });
    expect(sniffImage(gif(16, 9))).to.deep.equal({
      format: 'gif',
      mimeType: 'image/gif',
      width: 16,
      height: 9,
    });
    expect(sniffImage(webp(300, 200))).to.deep.equal({
      format: 'webp',
      mimeType: 'image/webp',
      width: 300,
      height: 200,
    });
  });

  it('refuses what is not one of the four formats, whatever its name would say', () => {
    for (const bytes of [
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      Buffer.from('%PDF-1.7'),
      Buffer.from('GIF90a....'),
      Buffer.from('RIFF\0\0\0\0WAVEfmt '),
      Buffer.from([0x89, 0x50, 0x4e]),
      Buffer.alloc(0),
    ]) {
      expect(sniffImage(bytes), bytes.toString('latin1')).to.equal(null);
    }
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        sniffImage(bytes);
        sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, ...bytes]));
        sniffImage(Uint8Array.from([...Buffer.from('RIFF\0\0\0\0WEBPVP8L'), ...bytes]));
      }),
    );
  });
});

describe('media: product image list changes', () => {
  const image = (overrides: Partial<ProductImage> = {}): ProductImage => ({
    id: testId(),
    url: 'https://img.example/x.jpg',
    isPrimary: false,
    ...overrides,
  });

  it('adds at the end; a new primary image is the only primary one', () => {
    const product = aProduct();
    const first = product.images[0]!;
    expect(first.isPrimary).to.equal(true);
    const plain = addImage(product, image({ url: '  https://img.example/a.jpg ' }), LATER).unwrap();
    expect(plain.images.map((i) => i.isPrimary)).to.deep.equal([true, false]);
    expect(plain.images[1]!.url).to.equal('https://img.example/a.jpg');
    expect(plain.updatedAt).to.equal(LATER);
    const primary = addImage(plain, image({ isPrimary: true }), LATER).unwrap();
    expect(primary.images.map((i) => i.isPrimary)).to.deep.equal([false, false, true]);
    expect(product.images[0]!.isPrimary).to.equal(true); // the input is not mutated
  });

  it(`refuses a blank url, a used id and more than ${MAX_PRODUCT_IMAGES} images`, () => {
    const product = aProduct();
    expect(addImage(product, image({ url: '  ' }), LATER).unwrapErr().code).to.equal('VALIDATION_FAILED');
    expect(addImage(product, image({ id: product.images[0]!.id }), LATER).unwrapErr().message).to.equal(
      'Image id already used on this product',
    );
    const full = aProduct({ images: Array.from({ length: MAX_PRODUCT_IMAGES }, () => image()) });
    expect(addImage(full, image(), LATER).unwrapErr().details).to.deep.equal({
      maxImages: MAX_PRODUCT_IMAGES,
    });
  });

  it('removes by id and answers the removed image; IMAGE_NOT_FOUND otherwise', () => {
    const kept = image();
    const gone = image({ publicId: 'uploads/x.png' });
    const product = aProduct({ images: [kept, gone] });
    const { product: after, removed } = removeImage(product, gone.id, LATER).unwrap();
    expect(after.images).to.deep.equal([kept]);
    expect(removed).to.equal(gone);
    expect(removeImage(product, testId(), LATER).unwrapErr()).to.deep.equal({
      code: 'IMAGE_NOT_FOUND',
      message: 'Image not found',
    });
  });

  it('reorders by any permutation of the ids and refuses everything else', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 6 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
            ),
          ),
        ([n, order]) => {
          const images = Array.from({ length: n }, () => image());
          const product = aProduct({ images });
          const ids = order.map((i) => images[i]!.id);
          expect(
            reorderImages(product, ids, LATER)
              .unwrap()
              .images.map((i) => i.id),
          ).to.deep.equal(ids);
          if (n > 0) {
            const missing = reorderImages(product, ids.slice(1), LATER);
            expect(missing.unwrapErr().details).to.deep.equal({ imageIds: images.map((i) => i.id) });
            if (n > 1)
              expect(reorderImages(product, [...ids.slice(1), ids[1]!], LATER).isErr()).to.equal(true);
            expect(reorderImages(product, [...ids.slice(1), testId()], LATER).isErr()).to.equal(true);
          }
          expect(reorderImages(product, [...ids, testId()], LATER).isErr()).to.equal(true);
        },
      ),
    );
  });
});
