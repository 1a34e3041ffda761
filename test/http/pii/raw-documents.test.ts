import { expect } from 'chai';
import type { Connection } from 'mongoose';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import { MONGO_CONNECTION } from '../../../adapters/persistence/mongo/connection.js';
import { buildTestApp, loginAdmin, type TestApp } from '../../support/harness.js';
import { aProduct } from '../../support/kit.js';
import { describeWith, mongoTestUri, serviceUrl } from '../../support/services.js';
import type { Redis } from 'ioredis';
import { REDIS_CLIENT, REDIS_KEY_PREFIX } from '../../../adapters/cache/redis-tokens.js';

/** Personal data a journey leaves behind: none of it may appear in clear in any collection. */
const PHONE = '+91 98111 22334';
const BIRTHDAY = '1991-07-19';
const STREET = '27 Jasmine Crescent';
const ZIP = '560077';
const SHIP_NAME = 'Kavitha Srinivasan';
const SHIP_STREET = '4 Lotus Enclave';
const SHIP_PHONE = '+91 97000 55661';
const GIFT_NAME = 'Anjali Menon';
const GIFT_PHONE = '+91 96000 77882';
const GIFT_MESSAGE = 'Happy anniversary, with love from Bangalore';
const RECEIVED_BY = 'Neighbour Prakash';
const COURIER_PHONE = '+91 95000 99001';
const SECRETS = [
  PHONE,
  BIRTHDAY,
  STREET,
  ZIP,
  SHIP_NAME,
  SHIP_STREET,
  SHIP_PHONE,
  GIFT_NAME,
  GIFT_PHONE,
  GIFT_MESSAGE,
  RECEIVED_BY,
  COURIER_PHONE,
];

/** The value, and its digits alone (a phone written without spaces would still be found). */
const needles = (v: string): string[] => (/^[+\d\s-]+$/.test(v) ? [v, v.replace(/\D/g, '')] : [v]);

describeWith(
  ['mongo', 'redis'],
  'http/pii: no plaintext personal data in the raw MongoDB documents or Redis values',
  function () {
    this.timeout(60_000);
    let t: TestApp;

    before(async () => {
      t = await buildTestApp({ MONGODB_URI: mongoTestUri('pii-raw'), REDIS_URL: serviceUrl('redis') });
    });
    after(async () => {
      await t?.container.get<Connection>(MONGO_CONNECTION).dropDatabase();
      await t?.close();
    });

    it('after register (phone, birthday), an address, a gift order, delivery updates and their messages: every value is encrypted, and reads answer it in clear', async () => {
      const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
      const admin = await loginAdmin(t);
      const reg = await t.request({
        method: 'POST',
        url: '/api/auth/register',
        body: {
          fullName: 'Pii Shopper',
          email: 'pii.shopper@example.com',
          password: 'shopper-pass-1',
          phone: PHONE,
          birthday: BIRTHDAY,
        },
      });
      expect(reg.statusCode, reg.body).to.equal(201);
      const token: string = reg.json().token;
      const userId: string = reg.json().data.user._id;
      const prefs = await t.request({
        method: 'PUT',
        url: '/api/auth/preferences',
        token,
        body: { smsNotifications: true },
      });
      expect(prefs.statusCode, prefs.body).to.equal(200);

      const address = await t.request({
        method: 'POST',
        url: '/api/users/addresses',
        token,
        body: {
          type: 'home',
          street: STREET,
          city: 'Bengaluru',
          state: 'KA',
          zipCode: ZIP,
          country: 'India',
        },
      });
      expect(address.statusCode, address.body).to.equal(201);

      const courier = await t.request({
        method: 'POST',
        url: '/api/auth/register',
        body: {
          fullName: 'Ravi Courier',
          email: 'pii.courier@example.com',
          password: 'courier-pass-1',
          phone: COURIER_PHONE,
          birthday: '',
        },
      });
      expect(courier.statusCode, courier.body).to.equal(201);
      const role = await t.request({
        method: 'PUT',
        url: `/api/admin/users/${courier.json().data.user._id}/role`,
        token: admin,
        body: { role: 'courier' },
      });
      expect(role.statusCode, role.body).to.equal(200);
      const courierLogin = await t.request({
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'pii.courier@example.com', password: 'courier-pass-1' },
      });
      const courierToken: string = courierLogin.json().token;

      const p = await products.create(aProduct());
      const placed = await t.request({
        method: 'POST',
        url: '/api/orders',
        token,
        headers: { 'idempotency-key': 'pii-journey-1' },
        body: {
          items: [{ product: p.id, quantity: 1 }],
          shippingAddress: {
            fullName: SHIP_NAME,
            street: SHIP_STREET,
            city: 'Bengaluru',
            state: 'KA',
            zipCode: ZIP,
            country: 'India',
            phone: SHIP_PHONE,
          },
          gift: { recipientName: GIFT_NAME, recipientPhone: GIFT_PHONE, message: GIFT_MESSAGE },
        },
      });
      expect(placed.statusCode, placed.body).to.equal(201);
      const orderId: string = placed.json().data.order._id;
      for (const to of ['confirmed', 'processing']) {
        const s = await t.request({
          method: 'PUT',
          url: `/api/orders/${orderId}/status`,
          token: admin,
          body: { status: to },
        });
        expect(s.statusCode, s.body).to.equal(200);
      }
      for (const body of [
        { action: 'out-for-delivery' },
        { action: 'delivered', recipientName: RECEIVED_BY },
      ]) {
        const d = await t.request({
          method: 'PUT',
          url: `/api/orders/${orderId}/delivery`,
          token: courierToken,
          body,
        });
        expect(d.statusCode, d.body).to.equal(200);
      }
      await t.container.get(EventDispatcher).drain(); // the messages (background handlers) are written

      // Reads answer everything in clear (the mappers open what they sealed).
      const me = await t.request({ method: 'GET', url: '/api/auth/me', token });
      expect(me.statusCode, me.body).to.equal(200);
      expect(me.body).to.contain(BIRTHDAY).and.to.contain(STREET);
      const order = await t.request({ method: 'GET', url: `/api/orders/${orderId}`, token });
      expect(order.body).to.contain(SHIP_STREET).and.to.contain(GIFT_MESSAGE).and.to.contain(RECEIVED_BY);

      // The raw documents, every collection, as the server holds them.
      const db = t.container.get<Connection>(MONGO_CONNECTION).db!;
      const leaks: string[] = [];
      let sealed = 0;
      for (const c of await db.collections()) {
        const docs = await c.find({}).toArray();
        const raw = JSON.stringify(docs);
        sealed += raw.split('enc:v1:').length - 1;
        for (const secret of SECRETS) {
          for (const needle of needles(secret))
            if (raw.includes(needle)) leaks.push(`${c.collectionName}: ${needle}`);
        }
      }
      // Redis: the idempotent order's stored answer (it repeats the address), and whatever else is kept.
      const redis = t.container.get<Redis>(REDIS_CLIENT);
      const prefix = t.container.get<string>(REDIS_KEY_PREFIX);
      let idempotent = 0;
      for (const key of await redis.keys(`${prefix}*`)) {
        if ((await redis.type(key)) !== 'string') continue;
        const raw = (await redis.get(key)) ?? '';
        if (key.includes('idem:')) idempotent += 1;
        for (const secret of SECRETS) {
          for (const needle of needles(secret))
            if (raw.includes(needle)) leaks.push(`redis ${key}: ${needle}`);
        }
      }
      expect(idempotent, 'the order was placed with an Idempotency-Key').to.be.greaterThan(0);
      expect(leaks).to.deep.equal([]);
      expect(sealed).to.be.greaterThan(10);
      // The city stays plain (analytics by city) and the phone is findable by its blind index.
      const users = db.collection('users');
      const stored = await users.findOne({ _id: userId as never });
      expect(stored?.addresses?.[0]?.city).to.equal('Bengaluru');
      expect(stored?.phoneIndex).to.be.a('string').and.not.equal(PHONE);
    });
  },
);
