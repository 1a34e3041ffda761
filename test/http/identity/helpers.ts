import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { TEST_JWT_SECRET, type TestApp } from '../../support/harness.js';

/** Mails the outbox mailer wrote, oldest first. */
export function outbox(t: TestApp): { to: string; subject: string; text: string; html: string }[] {
  const dir = t.config.mail.outboxDir;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')));
}

/** A correctly signed token for `id` whose `exp` is already past. */
export function expiredToken(id: string, secret = TEST_JWT_SECRET): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ id, iat: now - 7200, exp: now - 3600 }, secret, { algorithm: 'HS256' });
}

/** A well-formed, unexpired token signed with some other secret. */
export function foreignToken(id: string): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ id, iat: now, exp: now + 3600 }, 'another-secret-that-is-long-enough-0123456789', {
    algorithm: 'HS256',
  });
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64').toString('utf8'));
}
