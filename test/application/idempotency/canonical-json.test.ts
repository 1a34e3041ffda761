import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalJson } from '../../../application/idempotency/canonical-json.js';
import { bodyFingerprint, scopedIdempotencyKey } from '../../../adapters/http/idempotency.js';

/** The same object with its keys inserted in reverse order, recursively. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    // fromEntries, not assignment: a "__proto__" key stays an own member
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .reverse()
        .map((k) => [k, reversedKeys(record[k])]),
    );
  }
  return value;
}

describe('idempotency: canonical body and its hash', () => {
  it('sorts keys at every depth, keeps array order, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: true, y: null }], c: 'x' } })).to.equal(
      '{"a":{"c":"x","d":[3,1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('drops undefined members like JSON does; an absent body is null', () => {
    expect(canonicalJson({ a: 1, b: undefined })).to.equal('{"a":1}');
    expect(canonicalJson([undefined, 1])).to.equal('[null,1]');
    expect(canonicalJson(undefined)).to.equal('null');
    expect(canonicalJson(null)).to.equal('null');
  });

  it('escapes strings as JSON does (unicode, quotes, keys too)', () => {
    expect(canonicalJson({ 'k"y': 'é "q" \n' })).to.equal('{"k\\"y":"é \\"q\\" \\n"}');
  });

  it('keeps an own "__proto__" member like any other key', () => {
    expect(canonicalJson(JSON.parse('{"b":2,"__proto__":{"x":1}}'))).to.equal('{"__proto__":{"x":1},"b":2}');
  });

  it('the fingerprint is the SHA-256 of the canonical text', () => {
    expect(bodyFingerprint({ b: 2, a: 1 })).to.equal(
      // sha256('{"a":1,"b":2}')
      '43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777',
    );
  });

  it('the same body in any key order has the same fingerprint; another body another one', () => {
    expect(bodyFingerprint({ items: [{ product: 'p', quantity: 1 }], notes: 'n' })).to.equal(
      bodyFingerprint({ notes: 'n', items: [{ quantity: 1, product: 'p' }] }),
    );
    expect(bodyFingerprint({ items: [{ product: 'p', quantity: 1 }] })).not.to.equal(
      bodyFingerprint({ items: [{ product: 'p', quantity: 2 }] }),
    );
    expect(bodyFingerprint([1, 2])).not.to.equal(bodyFingerprint([2, 1]));
    expect(bodyFingerprint({ a: '1' })).not.to.equal(bodyFingerprint({ a: 1 }));
  });

  it('property: canonical text parses back to the same value and ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).to.deep.equal(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversedKeys(value))).to.equal(text);
        expect(canonicalJson(JSON.parse(text))).to.equal(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('scoped keys differ by caller, method, route and key', () => {
    const base = { caller: 'user:1', method: 'POST', route: '/api/orders/', key: 'k' };
    const k = scopedIdempotencyKey(base);
    expect(k).to.match(/^[0-9a-f]{64}$/);
    expect(scopedIdempotencyKey({ ...base })).to.equal(k);
    for (const change of [
      { caller: 'user:2' },
      { method: 'PUT' },
      { route: '/api/payments/confirm' },
      { key: 'K' },
    ]) {
      expect(scopedIdempotencyKey({ ...base, ...change })).not.to.equal(k);
    }
  });
});
