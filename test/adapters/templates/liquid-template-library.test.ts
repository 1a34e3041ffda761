import { expect } from 'chai';
import sinon from 'sinon';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { exampleVariables } from '../../../application/notifications/template-variables.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';

const SHOP = { name: 'Amour Florals', url: 'http://shop.test' };

describe('adapters/templates LiquidTemplateLibrary', () => {
  const library = new LiquidTemplateLibrary(notificationTemplatesDir(), SHOP);

  it('the package ships the templates the event notifications use, found from the package root', async () => {
    const names = (await library.list()).map((t) => t.name);
    expect(names).to.include.members([
      'custom',
      'order-update',
      'welcome',
      'password-reset',
      'order-placed',
      'order-status',
      'back-in-stock',
      'newsletter',
    ]);
    expect((await library.describe('newsletter'))!.category).to.equal('marketing');
    expect((await library.describe('password-reset'))!.category).to.equal('transactional');
  });

  it('every template renders its preview from the declared examples on each of its channels', async () => {
    for (const t of await library.list()) {
      for (const channel of t.channels) {
        const rendered = (await library.render(t.name, channel, exampleVariables(t))).unwrap();
        expect(rendered.text, `${t.name}/${channel}`).to.not.equal('');
        if (channel === 'email') {
          expect(rendered.subject, t.name).to.not.equal('');
          expect(rendered.html, t.name).to.match(/^<!doctype html>/);
        }
      }
    }
  });

  it('renders the variables and the shop globals into every part', async () => {
    const r = (
      await library.render('password-reset', 'email', {
        name: 'Asha',
        resetUrl: 'http://shop.test/reset/abc',
        validMinutes: 10,
      })
    ).unwrap();
    expect(r.subject).to.equal('Amour Florals password reset');
    expect(r.text)
      .to.include('Hello Asha')
      .and.include('within 10 minutes')
      .and.include('http://shop.test/reset/abc');
    expect(r.html).to.include('<a href="http://shop.test/reset/abc">');
    const sms = (
      await library.render('password-reset', 'sms', {
        name: 'A',
        resetUrl: 'http://x.test/r',
        validMinutes: 5,
      })
    ).unwrap();
    expect(sms).to.deep.equal({
      subject: '',
      text: 'Amour Florals: reset your password within 5 minutes: http://x.test/r (ignore this if it was not you)',
    });
    const welcome = (await library.render('welcome', 'email', { name: 'Asha' })).unwrap();
    expect(welcome.text).to.include('http://shop.test');
  });

  it('escapes every variable in the HTML part (not in the text part); line breaks kept where the template asks', async () => {
    const body = '<script>alert("x")</script>\nline two & more';
    const r = (await library.render('custom', 'email', { subject: 'Hi <b>', body })).unwrap();
    expect(r.html).to.not.include('<script>');
    expect(r.html).to.include('&lt;script&gt;').and.include('<br />').and.include('&amp; more');
    expect(r.html).to.include('<title>Hi &#60;b&#62;</title>');
    expect(r.text).to.include('<script>alert("x")</script>');
    expect(r.subject).to.equal('Hi <b>');
  });

  it('optional variables may be left out; a list is rendered line by line', async () => {
    const r = (
      await library.render('order-status', 'email', { name: 'A', orderNumber: 'AF-1', status: 'Shipped' })
    ).unwrap();
    expect(r.text).to.include('is now: Shipped').and.not.include('Tracking');
    expect(r.subject).to.equal('Your Amour Florals order AF-1 is shipped');
    const placed = (
      await library.render('order-placed', 'email', {
        name: 'A',
        orderNumber: 'AF-2',
        items: [{ title: 'Tulips', quantity: 3, price: '₹100.00', amount: '₹300.00' }],
        total: '₹300.00',
        estimatedDelivery: 'Friday',
      })
    ).unwrap();
    expect(placed.text).to.include('- Tulips x 3 @ ₹100.00 = ₹300.00');
  });

  it('a list line whose optional field is null renders as without it (order lines carry note: null)', async () => {
    const render = async (note: string | null) =>
      (
        await library.render('order-placed', 'email', {
          name: 'A',
          orderNumber: 'AF-3',
          items: [{ title: 'Tulips', quantity: 1, price: '₹100.00', amount: '₹100.00', note }],
          total: '₹100.00',
          estimatedDelivery: 'Friday',
        })
      ).unwrap();
    const without = await render(null);
    expect(without.text).to.include('- Tulips x 1').and.not.include('Note');
    expect(without.html).to.not.include('Note');
    const withNote = await render('For Asha');
    expect(withNote.text).to.include('Note: For Asha');
    expect(withNote.html).to.include('Note: For Asha');
  });

  it('a render the process is paused in (GC, a CPU quota, a busy host) still renders: no wall-clock limit', async () => {
    await library.describe('order-placed'); // loaded before the clock jumps
    let now = performance.now();
    // Every clock read is two seconds after the previous one, as if the process stalled in between.
    const clock = sinon.stub(performance, 'now').callsFake(() => (now += 2000));
    try {
      const rendered = await library.render('order-placed', 'email', {
        name: 'A',
        orderNumber: 'AF-4',
        items: [{ title: 'Tulips', quantity: 1, price: '₹100.00', amount: '₹100.00', note: null }],
        total: '₹100.00',
        estimatedDelivery: 'Friday',
      });
      expect(rendered.unwrap().text).to.include('- Tulips x 1');
    } finally {
      clock.restore();
    }
  });

  it('refuses missing required, undeclared and mistyped variables, naming each', async () => {
    const err = (
      await library.render('password-reset', 'email', { name: 5, extra: 'x', validMinutes: 3 })
    ).unwrapErr();
    expect(err.code).to.equal('VALIDATION_FAILED');
    const fields = (err.details as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).to.have.members(['variables.name', 'variables.resetUrl', 'variables.extra']);
  });

  it('refuses a channel the template does not have (naming type), and an unknown template', async () => {
    const err = (
      await library.render('newsletter', 'sms', exampleVariables((await library.describe('newsletter'))!))
    ).unwrapErr();
    expect(err.code).to.equal('VALIDATION_FAILED');
    expect((err.details as { errors: { field: string }[] }).errors[0]!.field).to.equal('type');
    expect((await library.render('nope', 'email', {})).unwrapErr().code).to.equal('TEMPLATE_NOT_FOUND');
  });

  it('a list line without a field the template prints is a validation failure, not a crash', async () => {
    const err = (
      await library.render('order-placed', 'email', {
        name: 'A',
        orderNumber: 'AF-2',
        items: [{ quantity: 3 }],
        total: '₹300.00',
        estimatedDelivery: 'Friday',
      })
    ).unwrapErr();
    expect(err.code).to.equal('VALIDATION_FAILED');
    expect((err.details as { errors: { field: string }[] }).errors[0]!.field).to.equal('variables');
  });

  describe('a broken template stops the load, naming it', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'templates-'));
      await mkdir(join(dir, 'broken'));
      await writeFile(
        join(dir, 'broken', 'template.json'),
        JSON.stringify({ description: 'x', channels: ['sms'], category: 'marketing', variables: {} }),
      );
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('an unknown filter (strict filters)', async () => {
      await writeFile(join(dir, 'broken', 'sms.liquid'), '{{ "a" | no_such_filter }}');
      const lib = new LiquidTemplateLibrary(dir, SHOP);
      let error: Error | undefined;
      await lib.list().catch((e: Error) => (error = e));
      expect(error?.message).to.include('broken');
    });

    it('a declared channel without its file', async () => {
      const lib = new LiquidTemplateLibrary(dir, SHOP);
      let error: Error | undefined;
      await lib.list().catch((e: Error) => (error = e));
      expect(error?.message).to.include('sms.liquid');
    });

    it('a variable the template prints but does not declare fails (strict variables)', async () => {
      await writeFile(join(dir, 'broken', 'sms.liquid'), 'Hi {{ undeclared }}');
      const lib = new LiquidTemplateLibrary(dir, SHOP);
      expect((await lib.render('broken', 'sms', {})).unwrapErr().code).to.equal('VALIDATION_FAILED');
    });
  });
});
