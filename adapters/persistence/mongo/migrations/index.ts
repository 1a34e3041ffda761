import type { Migration } from '../migrations.js';
import { createIndexes } from './001-indexes.js';
import { orderDefaults } from './002-order-defaults.js';
import { orderGatewayIds } from './003-order-gateway-ids.js';

/** Every migration, in version order. Add new ones as NNN-name.ts and list them here. */
export const MIGRATIONS: readonly Migration[] = [createIndexes, orderDefaults, orderGatewayIds];
