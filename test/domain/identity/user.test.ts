import { expect } from 'chai';
import fc from 'fast-check';
import {
  addAddress,
  changeDetails,
  changePassword,
  createUser,
  normalizeEmail,
  promoteToAdmin,
  removeAddress,
  setActive,
  tokenIssuedAt,
  tokenPredatesPasswordChange,
  updateAddress,
  validatePassword,
  validateRegistration,
  type User,
} from '../../../domain/identity/user.js';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const LATER = new Date('2026-06-01T11:00:00.000Z');
const ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

function user(overrides: Partial<User> = {}): User {
  return {
    ...createUser({ id: ID, fullName: 'Rose Petal', email: 'rose@example.com', passwordHash: 'h', now: NOW }),
    ...overrides,
  };
}

const valid = {
  fullName: 'Rose Petal',
  email: 'Rose@Example.COM',
  password: 'secret1',
  phone: '',
  birthday: '',
};

function fieldsOf(result: ReturnType<typeof validateRegistration>): string[] {
  if (result.isOk() || result.error.code !== 'VALIDATION_FAILED') return [];
  return ((result.error.details?.errors ?? []) as readonly { field: string }[]).map((e) => e.field);
}

describe('domain/identity: user rules (compat 10)', () => {
  describe('normalizeEmail', () => {
    it('trims and lowercases', () => {
      expect(normalizeEmail('  Jane.DOE@Example.Com ')).to.equal('jane.doe@example.com');
    });

    it('is idempotent (property)', () => {
      fc.assert(fc.property(fc.string(), (s) => normalizeEmail(normalizeEmail(s)) === normalizeEmail(s)));
    });
  });

  describe('validateRegistration', () => {
    it('accepts a valid sign-up and normalises it; "" phone and birthday are dropped', () => {
      const r = validateRegistration({ ...valid, fullName: '  Rose Petal  ' });
      expect(r.isOk()).to.equal(true);
      expect(r.unwrap()).to.deep.equal({ fullName: 'Rose Petal', email: 'rose@example.com' });
    });

    it('keeps a phone with +, digits, spaces, dashes and parentheses, and a free-text birthday', () => {
      const r = validateRegistration({ ...valid, phone: '+91 (22) 555-0101', birthday: 'March 3rd' });
      expect(r.unwrap()).to.include({ phone: '+91 (22) 555-0101', birthday: 'March 3rd' });
    });

    const cases: [string, Partial<typeof valid>, string, string][] = [
      ['blank full name', { fullName: '   ' }, 'fullName', 'Please provide your full name'],
      [
        'full name of 51 chars',
        { fullName: 'x'.repeat(51) },
        'fullName',
        'Full name cannot be more than 50 characters',
      ],
      ['empty email', { email: '' }, 'email', 'Please provide an email'],
      ['email without @', { email: 'rose.example.com' }, 'email', 'Please provide a valid email'],
      ['email without dot after @', { email: 'rose@example' }, 'email', 'Please provide a valid email'],
      ['email with a space', { email: 'ro se@example.com' }, 'email', 'Please provide a valid email'],
      ['5-char password', { password: '12345' }, 'password', 'Password must be at least 6 characters'],
      ['phone with letters', { phone: '555-CALL' }, 'phone', 'Please provide a valid phone number'],
      ['phone with + inside', { phone: '12+34' }, 'phone', 'Please provide a valid phone number'],
    ];
    for (const [name, change, field, message] of cases) {
      it(`refuses a ${name}`, () => {
        const r = validateRegistration({ ...valid, ...change });
        expect(r.isErr()).to.equal(true);
        expect(r.unwrapErr().code).to.equal('VALIDATION_FAILED');
        expect(r.unwrapErr().message).to.equal(message);
        expect(fieldsOf(r)).to.deep.equal([field]);
      });
    }

    it('accepts exactly 50 characters and 6-character passwords', () => {
      expect(
        validateRegistration({ ...valid, fullName: 'y'.repeat(50), password: '123456' }).isOk(),
      ).to.equal(true);
    });

    it('names every offending field at once', () => {
      const r = validateRegistration({ fullName: '', email: 'bad', password: '1' });
      expect(fieldsOf(r)).to.deep.equal(['fullName', 'email', 'password']);
    });

    it('refuses passwords longer than bcrypt reads (72 bytes)', () => {
      expect(validatePassword('a'.repeat(72)).isOk()).to.equal(true);
      expect(validatePassword('a'.repeat(73)).isErr()).to.equal(true);
      expect(validatePassword('é'.repeat(37)).isErr()).to.equal(true); // 74 bytes
    });
  });

  describe('createUser', () => {
    it('starts as an active shopper with the default preferences and no favorites', () => {
      const u = user();
      expect(u).to.include({
        role: 'user',
        isActive: true,
        avatar: null,
        version: 0,
        email: 'rose@example.com',
      });
      expect(u.preferences).to.deep.equal({
        emailNotifications: true,
        smsNotifications: false,
        newsletter: true,
        favoriteOccasions: [],
        priceRange: null,
      });
      expect(u.favorites).to.deep.equal([]);
      expect('phone' in u).to.equal(false);
    });
  });

  describe('changeDetails', () => {
    it('applies the fields given, lowercases the email and removes a phone set to ""', () => {
      const before = user({ phone: '12345' });
      const after = changeDetails(
        before,
        { fullName: 'Lily', email: 'LILY@x.io', phone: '' },
        LATER,
      ).unwrap();
      expect(after).to.include({ fullName: 'Lily', email: 'lily@x.io' });
      expect('phone' in after).to.equal(false);
      expect(after.updatedAt).to.equal(LATER);
    });

    it('refuses an invalid email and leaves the user unchanged', () => {
      const before = user();
      const r = changeDetails(before, { email: 'nope' }, LATER);
      expect(r.unwrapErr().message).to.equal('Please provide a valid email');
      expect(before.email).to.equal('rose@example.com');
    });
  });

  describe('tokens and password changes', () => {
    it('a token issued in or before the second of the change predates it; a later second does not', () => {
      const changed = changePassword(user(), 'new-hash', new Date('2026-06-01T10:00:05.900Z'));
      const second = Math.floor(Date.parse('2026-06-01T10:00:05Z') / 1000);
      expect(tokenPredatesPasswordChange(changed, second - 1)).to.equal(true);
      // Issued at 10:00:05.200, before the change at 10:00:05.900: the same `iat` second.
      expect(tokenPredatesPasswordChange(changed, second)).to.equal(true);
      expect(tokenPredatesPasswordChange(changed, second + 1)).to.equal(false);
      expect(tokenPredatesPasswordChange(user(), 0)).to.equal(false);
    });

    it('tokens issued after a change are dated past its second, so they are never refused by it', () => {
      const at = new Date('2026-06-01T10:00:05.900Z');
      const second = Math.floor(at.getTime() / 1000);
      const changed = changePassword(user(), 'new-hash', at);
      expect(tokenIssuedAt(changed, at)).to.equal(second + 1);
      expect(tokenIssuedAt(changed, new Date('2026-06-01T10:00:05.999Z'))).to.equal(second + 1);
      expect(tokenIssuedAt(changed, new Date('2026-06-01T10:00:07.100Z'))).to.equal(second + 2);
      expect(tokenPredatesPasswordChange(changed, tokenIssuedAt(changed, at))).to.equal(false);
      expect(tokenIssuedAt(user(), at)).to.equal(second);
    });

    it('setActive and promoteToAdmin return the same object when nothing changes', () => {
      const u = user();
      expect(setActive(u, true, LATER)).to.equal(u);
      expect(setActive(u, false, LATER).isActive).to.equal(false);
      expect(promoteToAdmin(u, LATER).role).to.equal('admin');
    });
  });

  describe('addresses', () => {
    const A1 = 'a1a1a1a1a1a1a1a1a1a1a1a1';
    const A2 = 'a2a2a2a2a2a2a2a2a2a2a2a2';
    const home = { street: '1 Rose Lane', city: 'Pune', state: 'MH', zipCode: '411001' };

    it('adds with defaults: type home, country United States, not default', () => {
      const u = addAddress(user(), home, A1, LATER).unwrap();
      expect(u.addresses).to.deep.equal([
        { id: A1, type: 'home', ...home, country: 'United States', isDefault: false },
      ]);
    });

    it('keeps at most one default address', () => {
      let u = addAddress(user(), { ...home, isDefault: true }, A1, LATER).unwrap();
      u = addAddress(u, { ...home, type: 'work', isDefault: true }, A2, LATER).unwrap();
      expect(u.addresses.map((a) => a.isDefault)).to.deep.equal([false, true]);
      u = updateAddress(u, A1, { isDefault: true }, LATER).unwrap();
      expect(u.addresses.map((a) => a.isDefault)).to.deep.equal([true, false]);
    });

    it('refuses a missing street and names it', () => {
      const r = addAddress(user(), { city: 'Pune', state: 'MH', zipCode: '1' }, A1, LATER);
      expect(r.unwrapErr())
        .to.have.nested.property('details.errors')
        .that.deep.equals([{ field: 'street', message: 'Please provide the street' }]);
    });

    it('updates only the given fields; unknown address is ADDRESS_NOT_FOUND', () => {
      const u = addAddress(user(), home, A1, LATER).unwrap();
      const changed = updateAddress(u, A1, { city: 'Mumbai' }, LATER).unwrap();
      expect(changed.addresses[0]).to.include({ city: 'Mumbai', street: '1 Rose Lane' });
      const missing = updateAddress(u, A2, { city: 'x' }, LATER);
      expect(missing.unwrapErr()).to.deep.equal({ code: 'ADDRESS_NOT_FOUND', message: 'Address not found' });
    });

    it('removes an address; removing an absent one changes nothing', () => {
      const u = addAddress(user(), home, A1, LATER).unwrap();
      expect(removeAddress(u, A1, LATER).addresses).to.deep.equal([]);
      expect(removeAddress(u, A2, LATER)).to.equal(u);
    });
  });
});
