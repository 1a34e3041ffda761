import { expect } from 'chai';
import { buildTestApp, registerUser, type TestApp } from '../../support/harness.js';

const HOME = { street: '12 Rose Lane', city: 'Pune', state: 'Maharashtra', zipCode: '411001' };

describe('http/identity: /api/users/addresses', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  const add = (token: string | undefined, body: unknown) =>
    t.request({ method: 'POST', url: '/api/users/addresses', ...(token ? { token } : {}), body });
  const put = (token: string | undefined, id: string, body: unknown) =>
    t.request({ method: 'PUT', url: `/api/users/addresses/${id}`, ...(token ? { token } : {}), body });
  const del = (token: string | undefined, id: string) =>
    t.request({ method: 'DELETE', url: `/api/users/addresses/${id}`, ...(token ? { token } : {}) });

  it('POST adds an address with defaults (type home, country United States) and answers 201', async () => {
    const { token } = await registerUser(t);
    const res = await add(token, HOME);
    expect(res.statusCode).to.equal(201);
    const body = res.json();
    expect(body.status).to.equal('success');
    expect(body.data.address._id).to.match(/^[0-9a-f]{24}$/);
    expect(body.data.addresses).to.deep.equal([
      { _id: body.data.address._id, type: 'home', ...HOME, country: 'United States', isDefault: false },
    ]);
    const me = await t.request({ method: 'GET', url: '/api/auth/me', token });
    expect(me.json().user.addresses).to.deep.equal(body.data.addresses);
  });

  it('keeps at most one default address', async () => {
    const { token } = await registerUser(t);
    await add(token, { ...HOME, isDefault: true });
    const second = await add(token, { ...HOME, type: 'work', country: 'India', isDefault: true });
    const list = second.json().data.addresses as { isDefault: boolean; type: string; country: string }[];
    expect(list.map((a) => [a.type, a.country, a.isDefault])).to.deep.equal([
      ['home', 'United States', false],
      ['work', 'India', true],
    ]);
  });

  it('POST 400 for missing fields, a bad type, unknown fields and wrong types; 401 without a token', async () => {
    const { token } = await registerUser(t);
    const cases: unknown[] = [
      { city: 'Pune', state: 'MH', zipCode: '1' },
      { ...HOME, type: 'office' },
      { ...HOME, owner: 'someone' },
      { ...HOME, zipCode: 411001 },
      { ...HOME, street: { $gt: '' } },
      { ...HOME, street: '   ' },
    ];
    for (const body of cases) {
      const res = await add(token, body);
      expect(res.statusCode, JSON.stringify(body)).to.equal(400);
      expect(res.json().status).to.equal('error');
    }
    expect((await add(undefined, HOME)).statusCode).to.equal(401);
  });

  it('PUT changes only the given fields and answers {status, data:{addresses}}', async () => {
    const { token } = await registerUser(t);
    const id = (await add(token, HOME)).json().data.address._id as string;
    const res = await put(token, id, { city: 'Mumbai', isDefault: true });
    expect(res.statusCode).to.equal(200);
    expect(Object.keys(res.json().data)).to.deep.equal(['addresses']);
    expect(res.json().data.addresses[0]).to.deep.equal({
      _id: id,
      type: 'home',
      ...HOME,
      city: 'Mumbai',
      country: 'United States',
      isDefault: true,
    });
  });

  it("PUT 404 Address not found for an unknown id and for another user's address", async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const id = (await add(a.token, HOME)).json().data.address._id as string;
    for (const [token, addressId] of [
      [a.token, 'ffffffffffffffffffffffff'],
      [b.token, id],
    ] as const) {
      const res = await put(token, addressId, { city: 'X' });
      expect(res.statusCode).to.equal(404);
      expect(res.json()).to.deep.equal({
        status: 'error',
        message: 'Address not found',
        code: 'ADDRESS_NOT_FOUND',
      });
    }
    const me = await t.request({ method: 'GET', url: '/api/auth/me', token: a.token });
    expect(me.json().user.addresses[0].city).to.equal('Pune');
  });

  it('PUT 400 for a malformed id or a bad field; 401 without a token', async () => {
    const { token } = await registerUser(t);
    const id = (await add(token, HOME)).json().data.address._id as string;
    expect((await put(token, 'not-an-id', { city: 'X' })).statusCode).to.equal(400);
    expect((await put(token, id, { type: 'office' })).statusCode).to.equal(400);
    expect((await put(token, id, { city: '' })).statusCode).to.equal(400);
    expect((await put(undefined, id, { city: 'X' })).statusCode).to.equal(401);
  });

  it('DELETE removes the address; another user cannot remove it; 401 without a token', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const first = (await add(a.token, HOME)).json().data.address._id as string;
    const second = (await add(a.token, { ...HOME, type: 'other' })).json().data.address._id as string;
    const foreign = await del(b.token, first);
    expect(foreign.statusCode).to.equal(200);
    expect(foreign.json().data.addresses).to.deep.equal([]);
    const res = await del(a.token, first);
    expect(res.statusCode).to.equal(200);
    expect(res.json().data.addresses.map((x: { _id: string }) => x._id)).to.deep.equal([second]);
    expect((await del(undefined, second)).statusCode).to.equal(401);
    expect((await del(a.token, 'zzz')).statusCode).to.equal(400);
  });
});
