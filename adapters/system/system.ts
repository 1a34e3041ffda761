import { randomBytes, randomInt } from 'node:crypto';
import type { Clock, IdGenerator, RandomSource } from '../../application/shared/ports.js';

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * ObjectId-shaped ids: 4 bytes of seconds, 5 random bytes per process, 3-byte counter. Sortable
 * by creation time and unique across processes, like MongoDB's own.
 */
export class ObjectIdGenerator implements IdGenerator {
  private readonly processPart = randomBytes(5).toString('hex');
  private counter = randomInt(0, 0xffffff);

  constructor(private readonly clock: Clock) {}

  next(): string {
    const seconds = Math.floor(this.clock.now().getTime() / 1000)
      .toString(16)
      .padStart(8, '0');
    this.counter = (this.counter + 1) % 0x1000000;
    return seconds + this.processPart + this.counter.toString(16).padStart(6, '0');
  }
}

export class CryptoRandomSource implements RandomSource {
  int(maxExclusive: number): number {
    return randomInt(0, maxExclusive);
  }

  hex(bytes: number): string {
    return randomBytes(bytes).toString('hex');
  }
}
