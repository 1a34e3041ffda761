import { testSafeguards } from '../../support/notifications.js';
import { expect } from 'chai';
import sinon from 'sinon';
import { BackInStockNotifications } from '../../../application/notifications/back-in-stock.js';
import { SendNotification } from '../../../application/notifications/send-notification.js';
import { NotifyBackInStock } from '../../../application/inventory/use-cases.js';
import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryNotificationRepository } from '../../../adapters/persistence/memory/notifications-repository.js';
import { MemoryStockNotifyRepository } from '../../../adapters/persistence/memory/inventory-notify-requests.js';
import { MemoryUserRepository } from '../../../adapters/persistence/memory/identity-user-repository.js';
import { InProcessJobQueue } from '../../../adapters/queue/in-process-job-queue.js';
import { LiquidTemplateLibrary } from '../../../adapters/templates/liquid-template-library.js';
import { notificationTemplatesDir } from '../../../bootstrap/paths.js';
import { aProduct, SequentialIds, TestClock } from '../../support/kit.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function setup() {
  const db = new MemoryDatabase();
  const clock = new TestClock();
  const notifications = new MemoryNotificationRepository(db);
  const requests = new MemoryStockNotifyRepository(db);
  const send = new SendNotification(
    new LiquidTemplateLibrary(notificationTemplatesDir(), { name: 'Amour Florals', url: 'http://shop.test' }),
    notifications,
    new MemoryUserRepository(db),
    new InProcessJobQueue(clock),
    new SequentialIds(),
    clock,
    { attempts: 3, backoffMs: 1, resumeAfterMs: 60_000, resumeBatch: 10 },
    quiet,
    testSafeguards(),
  );
  const notify = new NotifyBackInStock(requests, new BackInStockNotifications(send, quiet), clock, quiet);
  const ask = (id: string, email: string, productId: string) =>
    requests.add({ id, productId, userId: `u-${id}`, email, createdAt: clock.now(), notifiedAt: null });
  const all = async () => (await notifications.query({ page: 1, limit: 100 })).items;
  return { notifications, requests, notify, ask, all };
}

describe('notifications: back in stock through the pipeline', () => {
  afterEach(() => sinon.restore());

  it('one stored email per request (id from the request id), however many restocks run at once or after', async () => {
    const s = setup();
    const product = aProduct({ name: 'Peonies' });
    await s.ask('r1', 'a@x.co', product.id);
    await s.ask('r2', 'b@x.co', product.id);
    const counts = await Promise.all([s.notify.execute({ product }), s.notify.execute({ product })]);
    expect(counts.map((c) => c.unwrap()).reduce((a, b) => a + b)).to.equal(2);
    expect((await s.notify.execute({ product })).unwrap()).to.equal(0);
    const stored = await s.all();
    expect(stored.map((n) => [n.id, n.recipient, n.template, n.subject]).sort()).to.deep.equal([
      ['back-in-stock:r1', 'a@x.co', 'back-in-stock', 'Back in stock: Peonies'],
      ['back-in-stock:r2', 'b@x.co', 'back-in-stock', 'Back in stock: Peonies'],
    ]);
  });

  it('a message that could not be stored leaves its request open; the next restock sends it, once', async () => {
    const s = setup();
    const product = aProduct({ name: 'Tulips' });
    await s.ask('r1', 'a@x.co', product.id);
    const create = sinon.stub(s.notifications, 'create').rejects(new Error('store down'));
    expect((await s.notify.execute({ product })).unwrap()).to.equal(0);
    expect(await s.requests.open(product.id)).to.have.length(1);
    create.restore();
    expect((await s.notify.execute({ product })).unwrap()).to.equal(1);
    expect((await s.all()).map((n) => n.id)).to.deep.equal(['back-in-stock:r1']);
  });
});
