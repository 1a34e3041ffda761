import { MemoryDatabase } from '../../../adapters/persistence/memory/memory-database.js';
import { MemoryPushSubscriptionStore } from '../../../adapters/persistence/memory/notifications-push-subscriptions.js';
import { MongoPushSubscriptionStore } from '../../../adapters/persistence/mongo/notifications-push-subscriptions.js';
import { useMongo } from '../../support/mongo.js';
import { describeWith } from '../../support/services.js';
import { pushSubscriptionStoreContract } from './push-subscription-store.contract.js';

describe('contract/push subscriptions memory', () =>
  pushSubscriptionStoreContract(async () => new MemoryPushSubscriptionStore(new MemoryDatabase())));

describeWith(['mongo'], 'contract/push subscriptions mongo', function () {
  this.timeout(60_000);
  const mongo = useMongo('push-subscriptions');
  pushSubscriptionStoreContract(async () => {
    await mongo.reset();
    return new MongoPushSubscriptionStore(mongo.connection());
  });
});
