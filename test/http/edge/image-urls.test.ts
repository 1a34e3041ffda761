import { expect } from 'chai';
import { useCallers, type Caller } from './callers.js';

/**
 * Issue 8: `POST /api/admin/products` accepted `javascript:` image URLs while add-image refused
 * them. Every field that takes an image URL refuses anything but an absolute http(s) URL, with a
 * 400 naming the field, before anything is looked up or stored.
 */

const ID = '65a1b2c3d4e5f60718293a4b';

const BAD = [
  'javascript:alert(1)',
  'JAVASCRIPT:alert(1)',
  'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
  'file:///etc/passwd',
  '//evil.example/a.jpg',
  '/uploads/a.jpg',
  'https://img.example/a\u0000.jpg',
];

interface Field {
  readonly route: string;
  readonly path: string;
  readonly as: Caller;
  readonly base: (url: string) => unknown;
}

const product = (images: unknown) => ({ name: 'N', description: 'D', price: 10, category: ID, images });
const FIELDS: Field[] = [
  {
    route: 'POST /api/admin/products',
    path: 'images.0.url',
    as: 'admin',
    base: (u) => product([{ url: u }]),
  },
  {
    route: 'POST /api/admin/products',
    path: 'images.0.variants.thumbnail',
    as: 'admin',
    base: (u) => product([{ url: 'https://img.example/a.jpg', variants: { thumbnail: u } }]),
  },
  { route: 'POST /api/products', path: 'images.0.url', as: 'admin', base: (u) => product([{ url: u }]) },
  {
    route: `PUT /api/admin/products/${ID}`,
    path: 'images.0.url',
    as: 'admin',
    base: (u) => ({ images: [{ url: u }] }),
  },
  {
    route: `PUT /api/products/${ID}`,
    path: 'images.0.url',
    as: 'admin',
    base: (u) => ({ images: [{ url: u }] }),
  },
  {
    route: 'PUT /api/admin/products/bulk-update',
    path: 'updates.images.0.url',
    as: 'admin',
    base: (u) => ({ productIds: [ID], updates: { images: [{ url: u }] } }),
  },
  {
    route: `POST /api/admin/products/${ID}/images`,
    path: 'url',
    as: 'admin',
    base: (u) => ({ url: u, public_id: 'p' }),
  },
  {
    route: 'POST /api/categories',
    path: 'image.url',
    as: 'admin',
    base: (u) => ({ name: 'C', image: { url: u } }),
  },
  {
    route: `PUT /api/categories/${ID}`,
    path: 'image.url',
    as: 'admin',
    base: (u) => ({ image: { url: u } }),
  },
  {
    route: `POST /api/products/${ID}/reviews`,
    path: 'images.0',
    as: 'shopper',
    base: (u) => ({ rating: 5, comment: 'c', images: [u] }),
  },
  { route: `PUT /api/reviews/${ID}`, path: 'images.0', as: 'shopper', base: (u) => ({ images: [u] }) },
];

describe('HTTP edge: one image URL rule for every image field (issue 8)', () => {
  const c = useCallers();

  const send = (f: Field, url: string) => c.send(f.route, f.as, f.base(url));

  it('refuses non-http(s) URLs in each image field with a 400 naming it', async () => {
    const failures: string[] = [];
    for (const f of FIELDS) {
      for (const url of BAD) {
        const res = await send(f, url);
        const errors: { field: string; message: string }[] = res.json().errors ?? [];
        const named = errors.some(
          (e) => e.field === `body.${f.path}` && e.message === 'must match format "image-url"',
        );
        if (res.statusCode !== 400 || !named)
          failures.push(`${f.route} ${f.path}=${url} -> ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
      const ok = await send(f, 'https://img.example/fine.jpg');
      const named = ((ok.json().errors ?? []) as { field: string }[]).some(
        (e) => e.field === `body.${f.path}`,
      );
      if (named) failures.push(`${f.route} ${f.path} refused an https URL`);
    }
    expect(failures).to.deep.equal([]);
  });

  it('POST /api/admin/products stores no javascript: image, and stores an https one as sent', async () => {
    const category = await c.t.request({
      method: 'POST',
      url: '/api/categories',
      token: c.tokens.admin,
      body: { name: 'Image Edge' },
    });
    const categoryId = category.json().data.category._id;
    const before = (
      await c.t.request({ method: 'GET', url: '/api/admin/products?limit=100', token: c.tokens.admin })
    ).json().pagination.total;
    const bad = await c.t.request({
      method: 'POST',
      url: '/api/admin/products',
      token: c.tokens.admin,
      body: { ...product([{ url: 'javascript:alert(1)' }]), category: categoryId },
    });
    expect(bad.statusCode).to.equal(400);
    const after = (
      await c.t.request({ method: 'GET', url: '/api/admin/products?limit=100', token: c.tokens.admin })
    ).json().pagination.total;
    expect(after).to.equal(before);
    const good = await c.t.request({
      method: 'POST',
      url: '/api/admin/products',
      token: c.tokens.admin,
      body: { ...product([{ url: 'https://img.example/rose.jpg', alt: 'Rose' }]), category: categoryId },
    });
    expect(good.statusCode, good.body).to.equal(201);
    expect(good.json().data.product.images[0]).to.include({
      url: 'https://img.example/rose.jpg',
      alt: 'Rose',
    });
  });
});
