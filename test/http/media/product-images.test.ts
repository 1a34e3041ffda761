import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { aProduct, testId } from '../../support/kit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { FakeCloudinary } from '../../support/media/fake-cloudinary.js';
import { gif, jpeg, multipartBody, png, webp } from '../../support/media/images.js';

type FormPart = Parameters<typeof multipartBody>[0][number];

function uploader(t: TestApp) {
  return (productId: string, parts: FormPart[], token?: string) => {
    const { payload, headers } = multipartBody(parts);
    return t.app.inject({
      method: 'POST',
      url: `/api/admin/products/${productId}/images/upload`,
      headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      payload,
    });
  };
}

const filePart = (data: Buffer, contentType = 'image/png', filename = 'bouquet.png'): FormPart => ({
  name: 'file',
  filename,
  contentType,
  data,
});

describe('admin product images on the local image store (/api/admin/products/:id/images...)', function () {
  this.timeout(20_000);
  let t: TestApp;
  let admin: string;
  let dir: string;
  let products: ProductRepository;
  let upload: ReturnType<typeof uploader>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'af-uploads-'));
    t = await buildTestApp({
      UPLOADS_DIR: dir,
      UPLOAD_MAX_BYTES: '4096',
      PUBLIC_URL: 'https://api.florals.test',
    });
    admin = await loginAdmin(t);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    upload = uploader(t);
  });
  after(async () => t.close());

  async function freshProduct() {
    return products.create(aProduct({ images: [] }));
  }

  it('uploads a PNG: stored under UPLOADS_DIR, added to the product, served under /uploads', async () => {
    const product = await freshProduct();
    const bytes = png(640, 480, 100);
    const res = await upload(
      product.id,
      [filePart(bytes), { name: 'alt', value: 'Red roses' }, { name: 'isPrimary', value: 'true' }],
      admin,
    );
    expect(res.statusCode, res.body).to.equal(201);
    const body = res.json();
    expect(body.status).to.equal('success');
    expect(body.message).to.equal('Image uploaded successfully');
    const [image] = body.data.product.images;
    const name = /^uploads\/([0-9a-f]{32}\.png)$/.exec(image.public_id)?.[1];
    expect(name, image.public_id).to.be.a('string');
    const url = `https://api.florals.test/uploads/${name}`;
    expect(image).to.deep.include({
      public_id: `uploads/${name}`,
      url,
      alt: 'Red roses',
      isPrimary: true,
      width: 640,
      height: 480,
      format: 'png',
      bytes: bytes.length,
    });
    expect(image.variants).to.deep.equal({
      thumbnail: url,
      small: url,
      medium: url,
      large: url,
      original: url,
    });
    expect(image._id).to.match(/^[0-9a-f]{24}$/);
    expect(Date.parse(image.uploadedAt)).to.be.a('number').and.not.NaN;

    expect(readFileSync(join(dir, name!)).equals(bytes)).to.equal(true);
    const served = await t.app.inject({ method: 'GET', url: `/uploads/${name}` });
    expect(served.statusCode).to.equal(200);
    expect(served.headers['content-type']).to.equal('image/png');
    expect(served.rawPayload.equals(bytes)).to.equal(true);

    const stored = await products.findById(product.id);
    expect(stored!.images.map((i) => i.publicId)).to.deep.equal([`uploads/${name}`]);
    expect(stored!.version).to.equal(product.version + 1);
  });

  it('accepts JPEG, WebP and GIF too, typed by their bytes', async () => {
    const product = await freshProduct();
    for (const [bytes, mime, format] of [
      [jpeg(800, 600), 'image/jpeg', 'jpg'],
      [webp(300, 200), 'image/webp', 'webp'],
      [gif(10, 20), 'image/gif', 'gif'],
    ] as const) {
      const res = await upload(product.id, [filePart(bytes, mime, 'x.bin')], admin);
      expect(res.statusCode, res.body).to.equal(201);
      const image = res.json().data.product.images.at(-1);
      expect(image.format).to.equal(format);
      expect(image.public_id).to.match(new RegExp(`\\.${format}$`));
    }
  });

  it('400 for a file that is not an image, even when declared as one; nothing stored', async () => {
    const product = await freshProduct();
    const before = readdirSync(dir).length;
    const fake = await upload(
      product.id,
      [filePart(Buffer.from('<svg onload="alert(1)"/>'), 'image/png')],
      admin,
    );
    expect(fake.statusCode).to.equal(400);
    expect(fake.json()).to.deep.include({
      status: 'error',
      code: 'INVALID_IMAGE',
      message: 'Only JPEG, PNG, WebP and GIF images are accepted',
    });
    const wrongDeclared = await upload(product.id, [filePart(png(1, 1), 'text/html', 'x.html')], admin);
    expect(wrongDeclared.statusCode).to.equal(400);
    expect(wrongDeclared.json().code).to.equal('INVALID_IMAGE');
    const empty = await upload(product.id, [filePart(Buffer.alloc(0))], admin);
    expect(empty.statusCode).to.equal(400);
    expect(readdirSync(dir).length).to.equal(before);
    expect((await products.findById(product.id))!.images).to.deep.equal([]);
  });

  it('413 for a file over UPLOAD_MAX_BYTES; nothing stored', async () => {
    const product = await freshProduct();
    const before = readdirSync(dir).length;
    const res = await upload(product.id, [filePart(png(100, 100, 5000))], admin);
    expect(res.statusCode).to.equal(413);
    expect(res.json()).to.deep.include({
      code: 'IMAGE_TOO_LARGE',
      message: 'Image is larger than 4096 bytes',
    });
    expect(readdirSync(dir).length).to.equal(before);
  });

  it('400 without a multipart body, without the file, with an unknown field or a second file field name', async () => {
    const product = await freshProduct();
    const json = await t.request({
      method: 'POST',
      url: `/api/admin/products/${product.id}/images/upload`,
      token: admin,
      body: { file: 'x' },
    });
    expect(json.statusCode).to.equal(400);
    expect(json.json().code).to.equal('INVALID_IMAGE');
    const noFile = await upload(product.id, [{ name: 'alt', value: 'x' }], admin);
    expect(noFile.statusCode).to.equal(400);
    expect(noFile.json().code).to.equal('VALIDATION_FAILED');
    const unknown = await upload(product.id, [filePart(png(1, 1)), { name: 'price', value: '1' }], admin);
    expect(unknown.statusCode).to.equal(400);
    const badPrimary = await upload(
      product.id,
      [filePart(png(1, 1)), { name: 'isPrimary', value: 'yes' }],
      admin,
    );
    expect(badPrimary.statusCode).to.equal(400);
    const wrongField = await upload(
      product.id,
      [{ ...filePart(png(1, 1)), name: 'image' } as FormPart],
      admin,
    );
    expect(wrongField.statusCode).to.equal(400);
  });

  it('404 for an unknown product, 400 for a malformed id, before anything is stored', async () => {
    const before = readdirSync(dir).length;
    const missing = await upload(testId(), [filePart(png(1, 1))], admin);
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().message).to.equal('Product not found');
    const malformed = await upload('not-an-id', [filePart(png(1, 1))], admin);
    expect(malformed.statusCode).to.equal(400);
    expect(readdirSync(dir).length).to.equal(before);
  });

  it('401 without a token, 403 for a shopper (on every image route)', async () => {
    const product = await freshProduct();
    const shopper = await registerUser(t);
    for (const token of [undefined, shopper.token]) {
      const expected = token ? 403 : 401;
      expect((await upload(product.id, [filePart(png(1, 1))], token)).statusCode).to.equal(expected);
      const calls = [
        {
          method: 'POST' as const,
          url: `/api/admin/products/${product.id}/images`,
          body: { url: 'https://x/y.png', public_id: 'y' },
        },
        {
          method: 'PUT' as const,
          url: `/api/admin/products/${product.id}/images/reorder`,
          body: { imageIds: [] },
        },
        { method: 'DELETE' as const, url: `/api/admin/products/${product.id}/images/${testId()}` },
      ];
      for (const call of calls) {
        expect((await t.request({ ...call, ...(token ? { token } : {}) })).statusCode).to.equal(expected);
      }
    }
  });

  it('the upload is in the admin activity log', async () => {
    const product = await freshProduct();
    expect((await upload(product.id, [filePart(png(2, 2))], admin)).statusCode).to.equal(201);
    const logs = await t.request({ method: 'GET', url: '/api/admin/activity-logs?limit=5', token: admin });
    const entry = logs
      .json()
      .data.activities.find(
        (a: { details: { endpoint: string } }) =>
          a.details.endpoint === `/api/admin/products/${product.id}/images/upload`,
      );
    expect(entry).to.deep.include({ action: 'create', resource: 'product', success: true });
  });

  describe('add by URL, remove, reorder', () => {
    const add = (productId: string, body: unknown) =>
      t.request({ method: 'POST', url: `/api/admin/products/${productId}/images`, token: admin, body });

    it('adds an image by url + public_id (compat 8), answered as the product', async () => {
      const product = await freshProduct();
      const res = await add(product.id, {
        url: 'https://res.cloudinary.com/demo/image/upload/v1/roses.jpg',
        public_id: 'roses',
        alt: 'Roses',
      });
      expect(res.statusCode, res.body).to.equal(201);
      expect(res.json().message).to.equal('Image added successfully');
      const product2 = res.json().data.product;
      expect(product2._id).to.equal(product.id);
      expect(product2.images).to.have.length(1);
      expect(product2.images[0]).to.deep.include({
        public_id: 'roses',
        url: 'https://res.cloudinary.com/demo/image/upload/v1/roses.jpg',
        alt: 'Roses',
        isPrimary: false,
      });
    });

    it('400 for a missing public_id or url, unknown fields, operators and non-http urls', async () => {
      const product = await freshProduct();
      for (const body of [
        { url: 'https://x.example/a.png' },
        { public_id: 'a' },
        { url: 'https://x.example/a.png', public_id: 'a', width: 3 },
        { url: { $gt: '' }, public_id: 'a' },
        { url: 'https://x.example/a.png', public_id: { $ne: null } },
        { url: 'javascript:alert(1)', public_id: 'a' },
        { url: 'https://x.example/a.png', public_id: 'a', isPrimary: 'true' },
      ]) {
        const res = await add(product.id, body);
        expect(res.statusCode, JSON.stringify(body)).to.equal(400);
      }
      expect((await products.findById(product.id))!.images).to.deep.equal([]);
      expect((await add(testId(), { url: 'https://x.example/a.png', public_id: 'a' })).statusCode).to.equal(
        404,
      );
    });

    it('removes an uploaded image from the product and deletes its file', async () => {
      const product = await freshProduct();
      const up = await upload(product.id, [filePart(png(3, 3))], admin);
      const image = up.json().data.product.images[0];
      const file = join(dir, image.public_id.replace(/^uploads\//, ''));
      expect(existsSync(file)).to.equal(true);
      const res = await t.request({
        method: 'DELETE',
        url: `/api/admin/products/${product.id}/images/${image._id}`,
        token: admin,
      });
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json().message).to.equal('Image removed successfully');
      expect(res.json().data.product.images).to.deep.equal([]);
      expect(existsSync(file)).to.equal(false);
      const served = await t.app.inject({ method: 'GET', url: `/uploads/${image.public_id.slice(8)}` });
      expect(served.statusCode).to.equal(404);
      const again = await t.request({
        method: 'DELETE',
        url: `/api/admin/products/${product.id}/images/${image._id}`,
        token: admin,
      });
      expect(again.statusCode).to.equal(404);
      expect(again.json()).to.deep.include({ code: 'IMAGE_NOT_FOUND', message: 'Image not found' });
      const malformed = await t.request({
        method: 'DELETE',
        url: `/api/admin/products/${product.id}/images/nope`,
        token: admin,
      });
      expect(malformed.statusCode).to.equal(400);
    });

    it('removing an image added by URL leaves the store alone', async () => {
      const product = await freshProduct();
      const added = await add(product.id, { url: 'https://x.example/a.png', public_id: '../../etc/passwd' });
      const image = added.json().data.product.images[0];
      const before = readdirSync(dir).length;
      const res = await t.request({
        method: 'DELETE',
        url: `/api/admin/products/${product.id}/images/${image._id}`,
        token: admin,
      });
      expect(res.statusCode).to.equal(200);
      expect(readdirSync(dir).length).to.equal(before);
    });

    it('reorders by a permutation of the current ids; anything else is 400 naming the ids', async () => {
      const product = await freshProduct();
      for (const n of [1, 2, 3])
        await add(product.id, { url: `https://x.example/${n}.png`, public_id: `p${n}` });
      const ids: string[] = (await products.findById(product.id))!.images.map((i) => i.id);
      const reorder = (imageIds: unknown) =>
        t.request({
          method: 'PUT',
          url: `/api/admin/products/${product.id}/images/reorder`,
          token: admin,
          body: { imageIds },
        });
      const res = await reorder([ids[2], ids[0], ids[1]]);
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json().data.product.images.map((i: { public_id: string }) => i.public_id)).to.deep.equal([
        'p3',
        'p1',
        'p2',
      ]);
      for (const bad of [
        [ids[0], ids[1]],
        [ids[0], ids[0], ids[1]],
        [...ids, testId()],
        [ids[0], ids[1], testId()],
      ]) {
        const r = await reorder(bad);
        expect(r.statusCode).to.equal(400);
        expect(r.json().imageIds).to.deep.equal([ids[2], ids[0], ids[1]]);
      }
      expect((await reorder(['x'])).statusCode).to.equal(400);
      expect((await reorder({ $gt: '' })).statusCode).to.equal(400);
      const extra = await t.request({
        method: 'PUT',
        url: `/api/admin/products/${product.id}/images/reorder`,
        token: admin,
        body: { imageIds: ids, sort: 1 },
      });
      expect(extra.statusCode).to.equal(400);
    });

    it('answers the same through the doubled /api/api prefix', async () => {
      const product = await freshProduct();
      const res = await t.request({
        method: 'POST',
        url: `/api/api/admin/products/${product.id}/images`,
        token: admin,
        body: { url: 'https://x.example/a.png', public_id: 'a' },
      });
      expect(res.statusCode).to.equal(201);
    });
  });
});

describe('admin product images on Cloudinary (CLOUDINARY_URL set, local fake API)', function () {
  this.timeout(20_000);
  let fake: FakeCloudinary;
  let t: TestApp;
  let admin: string;
  let products: ProductRepository;
  let dir: string;

  before(async () => {
    fake = await new FakeCloudinary('florals-cloud', '998877', 'top-secret').start();
    dir = mkdtempSync(join(tmpdir(), 'af-uploads-'));
    t = await buildTestApp({ CLOUDINARY_URL: fake.url, UPLOADS_DIR: dir });
    admin = await loginAdmin(t);
    products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });

  it('uploads to Cloudinary, stores the public_id, url and variants, and removes through destroy', async () => {
    const product = await products.create(aProduct({ images: [] }));
    const res = await uploader(t)(product.id, [filePart(png(50, 40))], admin);
    expect(res.statusCode, res.body).to.equal(201);
    const image = res.json().data.product.images[0];
    expect(image.public_id).to.match(/^amour-florals\/products\/[0-9a-f]{20}$/);
    expect(image.url).to.equal(
      `https://res.cloudinary.com/florals-cloud/image/upload/v1760000000/${image.public_id}.png`,
    );
    expect(image.variants.thumbnail).to.contain('/c_fill,f_auto,g_auto,h_150,q_auto,w_150/');
    expect(image.variants.large).to.contain('/c_limit,f_auto,q_auto,w_1200/');
    expect(image).to.deep.include({ width: 1600, height: 1200, format: 'png' });
    expect(fake.requests.at(-1)!.signatureValid).to.equal(true);
    expect(fake.stored.has(image.public_id)).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal([]); // nothing on local disk
    expect((await t.app.inject({ method: 'GET', url: '/uploads/x.png' })).statusCode).to.equal(404);

    const removed = await t.request({
      method: 'DELETE',
      url: `/api/admin/products/${product.id}/images/${image._id}`,
      token: admin,
    });
    expect(removed.statusCode).to.equal(200);
    expect(fake.stored.has(image.public_id)).to.equal(false);
    expect(fake.requests.at(-1)!.path).to.equal('/v1_1/florals-cloud/image/destroy');
  });

  it('502 when Cloudinary fails, and the product is unchanged', async () => {
    const product = await products.create(aProduct({ images: [] }));
    fake.failWith = 500;
    try {
      const res = await uploader(t)(product.id, [filePart(png(5, 5))], admin);
      expect(res.statusCode).to.equal(502);
      expect(res.json().code).to.equal('IMAGE_STORE_FAILED');
    } finally {
      fake.failWith = null;
    }
    expect((await products.findById(product.id))!.images).to.deep.equal([]);
  });
});
