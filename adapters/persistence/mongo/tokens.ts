import type { Connection } from 'mongoose';
import { token } from '../../../application/shared/token.js';

// Apart from connection.ts: bootstrap names the token without loading mongoose, which is
// imported only when MONGODB_URI selects MongoDB.

/** The one mongoose connection of a process; every Mongo repository takes it. */
export const MONGO_CONNECTION = token<Connection>('MongoConnection');
