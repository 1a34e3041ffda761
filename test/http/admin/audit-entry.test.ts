import { expect } from 'chai';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminRequestEntry, isAudited } from '../../../adapters/http/admin/audit.js';
import type { Principal } from '../../../domain/identity/user.js';
import { aUser, FIXED_NOW, SequentialIds, TestClock } from '../../support/kit.js';

/** The entry builder with an API-key principal (the key's authentication is another helper's; built directly here). */
describe('http/admin: the audit entry of an API-key mutation', () => {
  const owner = aUser({ role: 'user' });
  const keyed: Principal = {
    user: owner,
    tokenId: 'key',
    tokenExpiresAt: FIXED_NOW,
    apiKey: { id: 'key-42', name: 'warehouse sync', scopes: ['inventory:write'] },
  };

  const request = {
    ip: '198.51.100.9',
    id: 'req-77',
    method: 'PUT',
    originalUrl: '/api/products/p1/stock',
    url: '/api/products/p1/stock',
    headers: { 'user-agent': 'erp/1.0' },
    params: { id: 'p1' },
    routeOptions: { url: '/api/products/:id/stock', config: {} },
  } as unknown as FastifyRequest;

  it('names the key (id and name) beside its owner and role, with the request id, IP and result', () => {
    const entry = adminRequestEntry(
      request,
      { statusCode: 409 } as FastifyReply,
      keyed,
      new SequentialIds(),
      new TestClock(),
    );
    expect(entry).to.deep.include({
      userId: owner.id,
      actor: { role: 'user', apiKeyId: 'key-42', apiKeyName: 'warehouse sync' },
      requestId: 'req-77',
      ip: '198.51.100.9',
      action: 'update',
      resource: 'inventory',
      resourceId: 'p1',
      success: false,
      errorMessage: 'HTTP 409',
    });
    expect(entry.details).to.include({ statusCode: 409, method: 'PUT' });
  });

  it('audits every API key, whatever its owner, and admins; not shoppers', () => {
    expect(isAudited(keyed)).to.equal(true);
    expect(isAudited({ ...keyed, apiKey: undefined } as Principal)).to.equal(false);
    expect(isAudited({ ...keyed, apiKey: undefined, user: aUser({ role: 'admin' }) } as Principal)).to.equal(
      true,
    );
    expect(isAudited(null)).to.equal(false);
  });
});
