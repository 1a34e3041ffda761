import { expect } from 'chai';
import { createCategory, applyCategoryPatch } from '../../../domain/catalog/category.js';
import { applyProductPatch, createProduct } from '../../../domain/catalog/product-rules.js';
import { addImage } from '../../../domain/media/product-images.js';
import { validateReviewContent } from '../../../domain/reviews/review.js';
import { imageUrl, isImageUrl } from '../../../domain/shared/image-url.js';
import { isPlainText } from '../../../domain/shared/text.js';
import { FIXED_NOW, aProduct, testId } from '../../support/kit.js';

/** Issue 8: `javascript:` image URLs were stored through product create; one rule now guards every way in. */
const BAD_IMAGE_URLS = [
  'javascript:alert(1)',
  'JavaScript:alert(document.cookie)',
  ' javascript:alert(1)',
  'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://files.example/a.jpg',
  '//evil.example/a.jpg',
  '/uploads/a.jpg',
  'https://',
  'https:///a.jpg',
  'https://img.example/a b.jpg',
  'https://img.example/a\u0000.jpg',
  'https://img.example/\u202egpj.exe',
  `https://img.example/${'a'.repeat(2048)}`,
];
const GOOD_IMAGE_URLS = [
  'https://img.example/a.jpg',
  'HTTP://localhost:5000/uploads/a.png',
  'https://res.cloudinary.com/demo/image/upload/v1/a.jpg?w=200#x',
  '  https://img.example/padded.jpg  ',
];

describe('domain/shared image URL rule', () => {
  it('accepts absolute http(s) URLs with a host and refuses everything else', () => {
    for (const url of GOOD_IMAGE_URLS) expect(isImageUrl(url), url).to.equal(true);
    for (const url of BAD_IMAGE_URLS) expect(isImageUrl(url), url).to.equal(false);
    expect(imageUrl('  https://img.example/a.jpg ').unwrap()).to.equal('https://img.example/a.jpg');
    expect(imageUrl('javascript:alert(1)').unwrapErr()).to.deep.include({
      code: 'VALIDATION_FAILED',
      message: 'Image url must be an http(s) URL',
    });
  });

  it('guards product create and update (images and variants), categories, add-image and reviews', () => {
    const ctx = { id: testId(), now: FIXED_NOW, newId: testId };
    const base = { name: 'N', description: 'D', price: 100, categoryId: testId() };
    const bad = 'javascript:alert(1)';
    expect(createProduct({ ...base, images: [{ url: bad }] }, ctx).unwrapErr().message).to.equal(
      'images[0].url must be an http(s) URL',
    );
    expect(
      createProduct(
        { ...base, images: [{ url: 'https://a.example/a.jpg', variants: { small: bad } }] },
        ctx,
      ).unwrapErr().message,
    ).to.equal('images[0].variants.small must be an http(s) URL');
    expect(applyProductPatch(aProduct(), { images: [{ url: bad }] }, ctx).isErr()).to.equal(true);
    expect(
      createCategory({ name: 'C', image: { url: bad } }, { id: testId(), now: FIXED_NOW }).isErr(),
    ).to.equal(true);
    const category = createCategory({ name: 'C' }, { id: testId(), now: FIXED_NOW }).unwrap();
    expect(applyCategoryPatch(category, { image: { url: bad } }, FIXED_NOW).isErr()).to.equal(true);
    const image = { id: testId(), url: bad, isPrimary: false };
    expect(addImage(aProduct(), image, FIXED_NOW).unwrapErr().message).to.equal(
      'Image url must be an http(s) URL',
    );
    const review = { rating: 5, title: '', comment: 'c', images: [bad] };
    expect(validateReviewContent(review).isErr()).to.equal(true);
  });
});

describe('domain/shared stored-text rule', () => {
  it('refuses controls, bidi overrides and lone surrogates; multi-line text keeps tab, LF and CR', () => {
    for (const s of [
      'a\u0000',
      'a\u001f',
      'a\u007f',
      'a\u009f',
      'a\u202a',
      'a\u202e',
      'a\u2066',
      'a\u2069',
      '\ud800',
      'a\udfff',
    ]) {
      expect(isPlainText(s), JSON.stringify(s)).to.equal(false);
      expect(isPlainText(s, 'multi-line'), JSON.stringify(s)).to.equal(false);
    }
    for (const s of ['a\tb', 'a\nb', 'a\rb']) {
      expect(isPlainText(s)).to.equal(false);
      expect(isPlainText(s, 'multi-line')).to.equal(true);
    }
    for (const s of ['', 'Zoë', '🌹', 'ورد\u200f', 'שלום\u200e', 'a\u061cb', '日本語'])
      expect(isPlainText(s), s).to.equal(true);
  });
});
