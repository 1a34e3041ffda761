import { createHash } from 'node:crypto';
import type { SecretDigest } from '../../application/identity/ports.js';

export class Sha256Digest implements SecretDigest {
  digest(value: string): string {
    return createHash('sha256').update(value, 'utf8').digest('hex');
  }
}
