import { expect } from 'chai';
import { MongoUserRepository } from '../../../adapters/persistence/mongo/identity-user-repository.js';
import { useMongo } from '../../support/mongo.js';
import { testPiiCipher } from '../../support/pii.js';
import { describeWith } from '../../support/services.js';
import { aUser } from '../../support/kit.js';

describeWith(['mongo'], 'mongo user mapper: MFA secrets sealed, the phone behind a blind index', function () {
  this.timeout(30_000);
  const mongo = useMongo('pii-user-mapper');
  before(() => mongo.reset());

  it('seals mfa.secret and mfa.pendingSecret, keeps the rest of mfa plain; the blind index follows the phone', async () => {
    const c = mongo.connection();
    const users = new MongoUserRepository(c, testPiiCipher(c));
    const user = aUser({
      phone: '+91 98450 12345',
      mfa: {
        enabled: true,
        secret: 'JBSWY3DPEHPK3PXP',
        pendingSecret: 'KRSXG5CTMVRXEZLU',
        recoveryCodeHashes: ['h1'],
      },
    });
    expect((await users.create(user)).isOk()).to.equal(true);
    const raw = await c.db!.collection('users').findOne({ _id: user.id as never });
    expect(raw?.mfa.secret).to.match(/^enc:v1:k1:/);
    expect(raw?.mfa.pendingSecret).to.match(/^enc:v1:k1:/);
    expect(raw?.mfa.enabled).to.equal(true);
    expect(raw?.mfa.recoveryCodeHashes).to.deep.equal(['h1']);
    expect(JSON.stringify(raw)).not.to.contain('JBSWY3DPEHPK3PXP').and.not.to.contain('98450');

    expect((await users.findByPhone('+919845012345')).map((u) => u.id)).to.deep.equal([user.id]);
    expect(await users.findByPhone('+919845012346')).to.deep.equal([]);
    const stored = (await users.findById(user.id))!;
    const changed = await users.update({ ...stored, phone: '+91 90000 00001' });
    expect(changed.isOk()).to.equal(true);
    expect(await users.findByPhone('+919845012345')).to.deep.equal([]);
    expect((await users.findByPhone('+91 90000 00001')).map((u) => u.id)).to.deep.equal([user.id]);
    const { phone: _phone, ...withoutPhone } = (await users.findById(user.id))!;
    expect((await users.update(withoutPhone)).isOk()).to.equal(true);
    const after = await c.db!.collection('users').findOne({ _id: user.id as never });
    expect(after).not.to.have.property('phone');
    expect(after).not.to.have.property('phoneIndex');
  });
});
