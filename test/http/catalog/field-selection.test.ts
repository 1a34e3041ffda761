import { expect } from 'chai';
import fc from 'fast-check';
import {
  fieldSerializers,
  parseFields,
  selectedProductSchema,
} from '../../../adapters/http/catalog/field-selection.js';
import { ProductSchema } from '../../../adapters/http/catalog/presenter.js';
import { buildTestApp, type TestApp } from '../../support/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

/**
 * The reference projection, written independently of the adapter: keep each included path (arrays
 * of objects keep the path in every element; a nested path on a scalar keeps nothing), then drop
 * each excluded path; `_id` always stays.
 */
function refKeep(value: any, paths: string[][]): any {
  if (Array.isArray(value)) return value.map((v) => refKeep(v, paths)).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object') return undefined;
  const out: any = {};
  for (const key of Object.keys(value)) {
    const here = paths.filter((p) => p[0] === key);
    if (here.length === 0) continue;
    if (here.some((p) => p.length === 1)) out[key] = value[key];
    else {
      const kept = refKeep(
        value[key],
        here.map((p) => p.slice(1)),
      );
      if (kept !== undefined) out[key] = kept;
    }
  }
  return out;
}
function refDrop(value: any, path: string[]): any {
  if (Array.isArray(value)) return value.map((v) => refDrop(v, path));
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path;
  const out = { ...value };
  if (!(head! in out)) return out;
  if (rest.length === 0) delete out[head!];
  else out[head!] = refDrop(out[head!], rest);
  return out;
}
function reference(product: any, fields: string): any {
  const names = fields.split(',');
  const keep = names.filter((n) => !n.startsWith('-')).map((n) => n.split('.'));
  const drop = names.filter((n) => n.startsWith('-')).map((n) => n.slice(1).split('.'));
  let out = keep.length > 0 ? refKeep(product, keep) : product;
  for (const d of drop) out = refDrop(out, d);
  return { ...out, _id: product._id };
}

/** Every field path of the product schema (objects, arrays of objects, the populated category). */
function schemaPaths(schema: any, prefix = ''): string[] {
  const objects = (s: any): any[] =>
    s.type === 'array'
      ? objects(s.items)
      : s.anyOf
        ? s.anyOf.flatMap(objects)
        : s.type === 'object'
          ? [s]
          : [];
  const out: string[] = [];
  for (const o of objects(schema))
    for (const [k, sub] of Object.entries<any>(o.properties ?? {})) {
      const path = prefix + k;
      if (!out.includes(path)) out.push(path, ...schemaPaths(sub, `${path}.`));
    }
  return [...new Set(out)];
}
const ALL_PATHS = schemaPaths(ProductSchema);

describe('http/catalog field selection (?fields=) on every product read', () => {
  let t: TestApp;
  let anyId: string;
  const get = async (url: string) => {
    const res = await t.request({ method: 'GET', url });
    return { status: res.statusCode, body: res.json(), type: String(res.headers['content-type']) };
  };
  const withFields = (url: string, fields: string) =>
    `${url}${url.includes('?') ? '&' : '?'}fields=${encodeURIComponent(fields)}`;

  before(async () => {
    t = await buildTestApp();
    anyId = (await get('/api/products?limit=1')).body.data.products[0]._id;
  });
  after(async () => {
    await t.close();
  });

  /** The read routes: where their products are in the answer, and whether they are never empty. */
  const routes = (): { url: string; products: (body: any) => any[]; nonEmpty: boolean }[] => {
    const list = (b: any) => b.data.products;
    return [
      { url: '/api/products?limit=24', products: list, nonEmpty: true },
      { url: '/api/api/products?limit=24', products: list, nonEmpty: true },
      { url: `/api/products/${anyId}`, products: (b) => [b.data.product], nonEmpty: true },
      { url: `/api/api/products/${anyId}`, products: (b) => [b.data.product], nonEmpty: true },
      { url: '/api/products/search?q=rose', products: list, nonEmpty: true },
      { url: '/api/products/featured', products: list, nonEmpty: true },
      { url: '/api/products/popular', products: list, nonEmpty: true },
      { url: '/api/products/suggested', products: list, nonEmpty: true },
      { url: '/api/products/trending', products: list, nonEmpty: false },
      { url: '/api/products/recommendations', products: list, nonEmpty: true },
      { url: `/api/products/${anyId}/related`, products: list, nonEmpty: false },
      { url: '/api/products/search/advanced?limit=24', products: list, nonEmpty: true },
      { url: `/api/admin/products?limit=5`, products: list, nonEmpty: true },
    ];
  };

  /** Asks the route with and without `fields` and checks the answer is the full one projected. */
  async function expectProjected(
    url: string,
    products: (b: any) => any[],
    fields: string,
    nonEmpty: boolean,
  ) {
    const full = await get(url);
    const trimmed = await get(withFields(url, fields));
    expect(full.status, url).to.equal(200);
    expect(trimmed.status, `${url} ${JSON.stringify(trimmed.body)}`).to.equal(200);
    expect(trimmed.type).to.match(/^application\/json/);
    const byId = new Map(products(full.body).map((p) => [p._id, p]));
    const got = products(trimmed.body);
    if (nonEmpty) expect(got, url).to.not.be.empty;
    expect(got.map((p) => p._id)).to.deep.equal([...byId.keys()]);
    for (const p of got) expect(p, `${url} ${fields}`).to.deep.equal(reference(byId.get(p._id), fields));
    return got;
  }

  describe('nested selection', () => {
    it('keeps only name, price, category.name and images[].url on every read route', async () => {
      const fields = 'name,price,category.name,images.url';
      for (const { url, products, nonEmpty } of routes()) {
        const admin = url.startsWith('/api/admin');
        if (admin) continue; // below, with a token
        const got = await expectProjected(url, products, fields, nonEmpty);
        for (const p of got) {
          expect(Object.keys(p)).to.satisfy((keys: string[]) =>
            keys.every((k) => ['_id', 'name', 'price', 'category', 'images'].includes(k)),
          );
          expect(p.name).to.be.a('string');
          for (const image of p.images) expect(Object.keys(image)).to.deep.equal(['url']);
          if (p.category !== undefined) expect(Object.keys(p.category)).to.deep.equal(['name']);
        }
      }
    });

    it('trims arrays of objects element by element (images.url, sizes.name)', async () => {
      const full = (await get('/api/products?limit=24')).body.data.products;
      const got = (await get('/api/products?limit=24&fields=images.url,sizes.name,sizes.price')).body.data
        .products;
      expect(full.some((p: any) => p.images.length > 0)).to.equal(true);
      full.forEach((p: any, i: number) => {
        expect(got[i].images).to.deep.equal(p.images.map((im: any) => ({ url: im.url })));
        expect(got[i].sizes).to.deep.equal(p.sizes.map((s: any) => ({ name: s.name, price: s.price })));
      });
    });

    it('serves the detail with fields, suggestions with their score', async () => {
      const { status, body } = await get(`/api/products/${anyId}?fields=inventory.stock,ratings`);
      expect(status).to.equal(200);
      expect(Object.keys(body.data.product).sort()).to.deep.equal(['_id', 'inventory', 'ratings']);
      expect(Object.keys(body.data.product.inventory)).to.deep.equal(['stock']);
      expect(Object.keys(body.data.product.ratings).sort()).to.deep.equal(['average', 'count']);
      const suggested = (await get('/api/products/suggested?fields=suggestionScore')).body.data.products;
      expect(suggested).to.not.be.empty;
      for (const p of suggested) expect(p.suggestionScore).to.be.a('number');
    });

    it('the admin list takes fields too', async () => {
      const { loginAdmin } = await import('../../support/harness.js');
      const token = await loginAdmin(t);
      const res = await t.request({ method: 'GET', url: '/api/admin/products?limit=3&fields=name', token });
      expect(res.statusCode).to.equal(200);
      for (const p of res.json().data.products) expect(Object.keys(p).sort()).to.deep.equal(['_id', 'name']);
    });
  });

  describe('compat: top-level projection and exclusion', () => {
    it('fields=name,price answers exactly _id, name, price', async () => {
      for (const p of (await get('/api/products?fields=name,price&limit=3')).body.data.products)
        expect(Object.keys(p).sort()).to.deep.equal(['_id', 'name', 'price']);
    });

    it('-name drops, the rest stays, and _id is always kept (even -_id)', async () => {
      const full = (await get('/api/products?limit=5')).body.data.products;
      const got = (await get('/api/products?limit=5&fields=-description,-images,-_id')).body.data.products;
      full.forEach((p: any, i: number) => {
        const { description: _d, images: _i, ...rest } = p;
        expect(got[i]).to.deep.equal(rest);
      });
      const nested = (await get('/api/products?limit=5&fields=-images.url')).body.data.products;
      full.forEach((p: any, i: number) => {
        expect(nested[i].images).to.deep.equal(p.images.map(({ url: _u, ...im }: any) => im));
        expect(nested[i].name).to.equal(p.name);
      });
    });

    it('keeps then drops when both are given', async () => {
      for (const p of (await get('/api/products?fields=name,price,-price&limit=3')).body.data.products)
        expect(Object.keys(p).sort()).to.deep.equal(['_id', 'name']);
    });
  });

  describe('400s', () => {
    const unknown = ['nam', 'category.nam', 'images.href', 'tags.x', 'inventory.stock.units', '-colour'];
    for (const fields of unknown)
      it(`unknown field ${fields}: 400 VALIDATION_FAILED naming it, on every read route`, async () => {
        const path = fields.replace(/^-/, '');
        for (const { url } of routes()) {
          const { status, body } = await get(withFields(url, fields));
          if (url.startsWith('/api/admin')) {
            expect(status).to.equal(401); // the guard answers first
            continue;
          }
          expect(status, url).to.equal(400);
          expect(body.code, url).to.equal('VALIDATION_FAILED');
          expect(body.message, url).to.include(`"${path}"`);
          expect(body.errors, url).to.deep.equal([{ field: 'fields', message: `unknown field "${path}"` }]);
        }
      });

    const malformed = [
      'na$me',
      'name..price',
      'name.',
      '.name',
      ',name',
      'name,',
      '--name',
      'a b',
      'x'.repeat(501),
    ];
    for (const fields of malformed)
      it(`bad syntax ${JSON.stringify(fields.slice(0, 20))}: 400 naming fields`, async () => {
        for (const url of ['/api/products', `/api/products/${anyId}`, '/api/products/featured']) {
          const { status, body } = await get(withFields(url, fields));
          expect(status, url).to.equal(400);
          expect(body.status).to.equal('error');
          expect(JSON.stringify(body)).to.include('fields');
        }
      });
  });

  describe('fuzz: random valid selections answer the full answer projected', () => {
    const selection = fc
      .uniqueArray(fc.constantFrom(...ALL_PATHS), { minLength: 1, maxLength: 6 })
      .chain((paths) =>
        fc.tuple(
          fc.constant(paths),
          fc.array(fc.boolean(), { minLength: paths.length, maxLength: paths.length }),
        ),
      )
      .map(([paths, drops]) => paths.map((p, i) => (drops[i] ? `-${p}` : p)).join(','));

    it('on the 24-product list and the detail', async () => {
      await fc.assert(
        fc.asyncProperty(selection, async (fields) => {
          await expectProjected('/api/products?limit=24', (b) => b.data.products, fields, true);
          await expectProjected(`/api/products/${anyId}`, (b) => [b.data.product], fields, true);
        }),
        { numRuns: 40, seed: 14 },
      );
    });
  });

  it('answers each of many parallel requests with its own selection (serializers are per reply)', async () => {
    const selections = [
      'name',
      'price',
      'images.url',
      '-description',
      'category.name,inventory',
      'tags,name',
    ];
    const full = new Map<string, any>(
      (await get('/api/products?limit=24')).body.data.products.map((p: any) => [p._id, p]),
    );
    const asked = Array.from({ length: 36 }, (_, i) => selections[i % selections.length]!);
    const answers = await Promise.all(
      asked.map((fields) => get(withFields('/api/products?limit=24', fields))),
    );
    answers.forEach((answer, i) => {
      expect(answer.status).to.equal(200);
      for (const p of answer.body.data.products)
        expect(p, asked[i]).to.deep.equal(reference(full.get(p._id), asked[i]!));
    });
  });

  describe('trimmed serializers', () => {
    it('are compiled from the schema trimmed to the selection: undeclared fields never leak', () => {
      const serializers = fieldSerializers('test', (product) => product);
      const serialize = serializers.serializerFor(parseFields('name,images.url')!);
      const out = JSON.parse(
        serialize({
          _id: 'x',
          name: 'n',
          price: 5,
          images: [{ url: 'u', alt: 'a', _id: 'i', isPrimary: true }],
        }),
      );
      expect(out).to.deep.equal({ _id: 'x', name: 'n', images: [{ url: 'u' }] });
      const schema = selectedProductSchema(parseFields('category.name')!) as any;
      expect(Object.keys(schema.properties).sort()).to.deep.equal(['_id', 'category']);
      expect(Object.keys(schema.properties.category.properties)).to.deep.equal(['name']);
    });

    it('are memoized per normalized selection, bounded', () => {
      const serializers = fieldSerializers('test', (product) => product);
      const first = serializers.serializerFor(parseFields('name,price,images.url')!);
      expect(serializers.serializerFor(parseFields('images.url,price,name,name')!)).to.equal(first);
      expect(serializers.serializerFor(parseFields('name,price')!)).to.not.equal(first);
      // Fill the cache past its bound with other selections: the first is compiled again.
      const others = ALL_PATHS.flatMap((a) => ALL_PATHS.map((b) => `${a},${b}`)).slice(0, 400);
      for (const fields of others) serializers.serializerFor(parseFields(fields)!);
      expect(serializers.serializerFor(parseFields('name,price,images.url')!)).to.not.equal(first);
    });
  });

  it('OpenAPI shows the full product schema and documents fields on each read', async () => {
    const doc = (await get('/api/openapi.json')).body;
    const reads = [
      '/api/products',
      '/api/products/{id}',
      '/api/products/search',
      '/api/products/featured',
      '/api/products/popular',
      '/api/products/suggested',
      '/api/products/trending',
      '/api/products/recommendations',
      '/api/products/{id}/related',
      '/api/products/search/advanced',
    ];
    for (const path of reads) {
      const op = doc.paths[path]?.get;
      expect(op, path).to.not.equal(undefined);
      const param = op.parameters.find((p: any) => p.name === 'fields' && p.in === 'query');
      expect(param, path).to.not.equal(undefined);
      const body = op.responses['200'].content['application/json'].schema;
      const product =
        body.properties.data.properties.product ?? body.properties.data.properties.products.items;
      expect(product.required, path).to.include.members(['name', 'description', 'price', 'images']);
    }
  });
});
