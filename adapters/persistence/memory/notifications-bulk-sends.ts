import type { BulkNotification, BulkNotificationStore } from '../../../application/notifications/bulk.js';
import type { MemoryDatabase } from './memory-database.js';

/** Bulk sends by id (copies in and out: a caller cannot change a stored one). */
export class MemoryBulkNotificationStore implements BulkNotificationStore {
  private readonly byId: Map<string, BulkNotification>;

  constructor(db: MemoryDatabase) {
    this.byId = db.collection<BulkNotification>('notifications.bulk_sends');
  }

  async create(bulk: BulkNotification): Promise<void> {
    if (!this.byId.has(bulk.id)) this.byId.set(bulk.id, structuredClone(bulk));
  }

  async findById(id: string): Promise<BulkNotification | null> {
    const bulk = this.byId.get(id);
    return bulk ? structuredClone(bulk) : null;
  }

  async finish(id: string, walked: number, at: Date): Promise<void> {
    const bulk = this.byId.get(id);
    if (bulk && bulk.walked === undefined) this.byId.set(id, { ...bulk, walked, finishedAt: at });
  }
}
