import { expect } from 'chai';
import type { Container } from 'inversify';
import { cli, cliContainer } from '../support/cli.js';
import { CreateAdmin } from '../../application/identity/admin-accounts.js';

describe('CLI api-keys:create|list|revoke', () => {
  let container: Container;
  beforeEach(async () => {
    container = await cliContainer();
  });

  it('creates a key for an admin (shown once), lists it without its secret, revokes it', async () => {
    await container
      .get(CreateAdmin)
      .execute({ email: 'ops@example.com', fullName: 'Ops', password: 'ops-pass-123' });
    const made = await cli(
      container,
      'api-keys:create',
      'ops@example.com',
      'erp',
      '--scopes',
      'catalog:read,orders:read',
    );
    expect(made.code, made.err).to.equal(0);
    const key = /key: (af_[0-9a-f]{12}_[0-9a-f]{64})/.exec(made.out)![1]!;
    const id = /API key ([0-9a-f]{24})/.exec(made.out)![1]!;
    const listed = await cli(container, 'api-keys:list');
    expect(listed.out).to.include(id).and.include('active');
    expect(listed.out).to.not.include(key.split('_')[2]!);
    const revoked = await cli(container, 'api-keys:revoke', id);
    expect(revoked.code).to.equal(0);
    expect((await cli(container, 'api-keys:list')).out).to.include('revoked');
  });

  it('refuses a non-admin creator and unknown scopes (exit 1 with the code)', async () => {
    const nobody = await cli(
      container,
      'api-keys:create',
      'nobody@example.com',
      'x',
      '--scopes',
      'catalog:read',
    );
    expect(nobody.code).to.equal(1);
    expect(nobody.err + nobody.out).to.include('ADMIN_REQUIRED');
    await container
      .get(CreateAdmin)
      .execute({ email: 'ops2@example.com', fullName: 'Ops', password: 'ops-pass-123' });
    const bad = await cli(container, 'api-keys:create', 'ops2@example.com', 'x', '--scopes', 'root:all');
    expect(bad.code).to.equal(1);
    expect(bad.err + bad.out).to.include('VALIDATION_FAILED');
  });
});
