import { existsSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { PRODUCT_REPOSITORY, type ProductRepository } from '../../../application/catalog/ports.js';
import { EventDispatcher } from '../../../application/shared/event-dispatcher.js';
import { aProduct } from '../../support/kit.js';
import { buildTestApp, loginAdmin, registerUser, type TestApp } from '../../support/harness.js';
import { SmtpSink } from '../../support/mail/smtp-sink.js';

describe('mail over SMTP through the whole application (SMTP_URL set)', function () {
  this.timeout(20_000);
  let sink: SmtpSink;
  let t: TestApp;
  let adminToken: string;

  before(async () => {
    sink = await new SmtpSink().start();
    t = await buildTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Amour Florals <orders@florals.test>',
      FRONTEND_URL: 'https://shop.example',
    });
    adminToken = await loginAdmin(t);
  });
  after(async () => {
    await t.close();
    await sink.stop();
  });

  it('register -> a welcome mail arrives over SMTP (and nothing goes to the outbox)', async () => {
    const email = `welcome.${Date.now()}@example.com`;
    await registerUser(t, { email, fullName: 'Meera <b>Iyer</b>' });
    const mail = await sink.waitFor((m) => m.to === email);
    expect(mail.from).to.equal('Amour Florals <orders@florals.test>');
    expect(mail.subject).to.equal('Welcome to Amour Florals');
    expect(mail.text).to.contain('Hello Meera <b>Iyer</b>,');
    expect(mail.text).to.contain('https://shop.example');
    expect(mail.html).to.contain('Hello Meera &lt;b&gt;Iyer&lt;/b&gt;,');
    expect(mail.html).not.to.contain('<b>Iyer');
    expect(existsSync(t.config.mail.outboxDir) ? readdirSync(t.config.mail.outboxDir) : []).to.deep.equal([]);
  });

  it('forgot password -> a reset mail with the link, in the text and the html part', async () => {
    const { user } = await registerUser(t);
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/forgotpassword',
      body: { email: user.email },
    });
    expect(res.statusCode).to.equal(200);
    const mail = await sink.waitFor((m) => m.to === user.email && /reset/i.test(m.subject));
    expect(mail.subject).to.equal('Amour Florals password reset');
    const link = /https:\/\/shop\.example\/reset-password\/([0-9a-f]{64})/.exec(mail.text ?? '');
    expect(link, mail.text).to.not.equal(null);
    expect(mail.html).to.contain(`href="${link![0]}"`);
    // the link works
    const reset = await t.request({
      method: 'PUT',
      url: `/api/auth/resetpassword/${link![1]}`,
      body: { password: 'brand-new-pass-1' },
    });
    expect(reset.statusCode).to.equal(200);
  });

  it('place an order -> a confirmation mail with items, quantities, prices in rupees, totals and delivery date', async () => {
    const products = t.container.get<ProductRepository>(PRODUCT_REPOSITORY);
    const product = await products.create(
      aProduct({
        name: 'Roses & "Lilies" <Deluxe>',
        price: 129900,
        inventory: { stock: 50, lowStockThreshold: 5, isAvailable: true },
      }),
    );
    const shopper = await registerUser(t, { fullName: 'Asha Rao' });
    const placed = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: {
        items: [{ product: product.id, quantity: 2, size: 'deluxe', personalNote: 'Happy <birthday>!' }],
        shippingAddress: {
          fullName: 'Asha Rao',
          street: '12 MG Road',
          city: 'Pune',
          state: 'MH',
          zipCode: '411001',
        },
      },
    });
    expect(placed.statusCode, placed.body).to.equal(201);
    const order = placed.json().data;
    const orderNumber: string = order.orderNumber;

    const mail = await sink.waitFor((m) => m.to === shopper.user.email && m.subject.includes(orderNumber));
    expect(mail.subject).to.equal(`Your Amour Florals order ${orderNumber}`);
    // (1299 + 500 deluxe) x 2 = 3598; tax 8 % = 287.84; the order's own totals
    expect(mail.text).to.contain(`Roses & "Lilies" <Deluxe> (deluxe) x 2 @ ₹1,799.00 = ₹3,598.00`);
    expect(mail.text).to.contain('Note: Happy <birthday>!');
    expect(mail.text).to.contain('Subtotal: ₹3,598.00');
    expect(mail.text).to.contain('Tax: ₹287.84');
    const total = new Intl.NumberFormat('en-IN', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(order.total);
    expect(mail.text).to.contain(`Total: ₹${total}`);
    const delivery = new Intl.DateTimeFormat('en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(order.estimatedDelivery));
    expect(mail.text).to.contain(`Estimated delivery: ${delivery}`);
    expect(mail.text).to.contain('12 MG Road');
    expect(mail.html).to.contain('Roses &amp; &#34;Lilies&#34; &lt;Deluxe&gt; (deluxe)');
    expect(mail.html).to.contain('Note: Happy &lt;birthday&gt;!');
    expect(mail.html).to.contain(`<strong>${orderNumber}</strong>`);
    expect(mail.html).to.contain('₹3,598.00');
    expect(mail.html).not.to.contain('<Deluxe>');
  });

  it('admin status change -> a status mail with the new status and the tracking number', async () => {
    const shopper = await registerUser(t);
    const [product] = (await t.request({ method: 'GET', url: '/api/products?limit=1' })).json().data.products;
    const placed = await t.request({
      method: 'POST',
      url: '/api/orders',
      token: shopper.token,
      body: {
        items: [{ product: product._id, quantity: 1 }],
        shippingAddress: { fullName: 'F', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
      },
    });
    expect(placed.statusCode).to.equal(201);
    const { _id: id, orderNumber } = placed.json().data;
    for (const status of ['confirmed', 'processing']) {
      const res = await t.request({
        method: 'PUT',
        url: `/api/admin/orders/${id}/status`,
        token: adminToken,
        body: { status },
      });
      expect(res.statusCode, res.body).to.equal(200);
    }
    const shipped = await t.request({
      method: 'PUT',
      url: `/api/admin/orders/${id}/status`,
      token: adminToken,
      body: { status: 'shipped', trackingNumber: 'TRK-<42>' },
    });
    expect(shipped.statusCode).to.equal(200);

    const mail = await sink.waitFor((m) => m.to === shopper.user.email && /is shipped$/.test(m.subject));
    expect(mail.subject).to.equal(`Your Amour Florals order ${orderNumber} is shipped`);
    expect(mail.text).to.contain(`Your order ${orderNumber} is now: Shipped.`);
    expect(mail.text).to.contain('Tracking number: TRK-<42>');
    expect(mail.html).to.contain('Tracking number: <strong>TRK-&lt;42&gt;</strong>');
    const confirmed = await sink.waitFor(
      (m) => m.to === shopper.user.email && /is confirmed$/.test(m.subject),
    );
    expect(confirmed.text).not.to.contain('Tracking number');
    const sent = sink.mails.filter((m) => m.to === shopper.user.email).map((m) => m.subject);
    expect(sent).to.have.length(5); // welcome, confirmation, confirmed, being prepared, shipped
  });

  it('an SMTP failure never fails the request that published the event', async () => {
    sink.refuse = true;
    try {
      const shopper = await registerUser(t); // the welcome mail fails: registration still 201
      const [product] = (await t.request({ method: 'GET', url: '/api/products?limit=1' })).json().data
        .products;
      const placed = await t.request({
        method: 'POST',
        url: '/api/orders',
        token: shopper.token,
        body: {
          items: [{ product: product._id, quantity: 1 }],
          shippingAddress: { fullName: 'F', street: 'S', city: 'Pune', state: 'MH', zipCode: '411001' },
        },
      });
      expect(placed.statusCode).to.equal(201);
      await t.container.get(EventDispatcher).drain();
      expect(sink.mails.filter((m) => m.to === shopper.user.email)).to.deep.equal([]);
    } finally {
      sink.refuse = false;
    }
  });
});
