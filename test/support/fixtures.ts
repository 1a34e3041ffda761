import type { Product } from '../../domain/catalog/product.js';

let seq = 0;

/** A fresh 24-hex id, distinct within the test run. */
export function testId(): string {
  seq += 1;
  return `feed${seq.toString(16).padStart(20, '0')}`;
}

export const FIXED_NOW = new Date('2026-06-01T10:00:00.000Z');

/** A valid product with sensible defaults; prices in minor units. */
export function makeProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: testId(),
    name: 'Test Roses',
    description: 'A test bouquet',
    price: 129900,
    images: [{ id: testId(), url: 'https://img.example/roses.jpg', alt: 'Roses', isPrimary: true }],
    categoryId: null,
    occasions: ['birthday'],
    flowerTypes: ['roses'],
    colors: ['red'],
    sizes: [
      { id: testId(), name: 'standard', price: 0 },
      { id: testId(), name: 'deluxe', price: 50000 },
    ],
    vases: [
      { id: testId(), name: 'default', price: 0 },
      { id: testId(), name: 'premium', price: 30000 },
    ],
    inventory: { stock: 20, lowStockThreshold: 10, isAvailable: true },
    ratings: { average: 4.5, count: 10 },
    tags: ['test'],
    isFeatured: false,
    isPopular: false,
    seo: { keywords: [] },
    salesCount: 0,
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    version: 1,
    ...overrides,
  };
}
