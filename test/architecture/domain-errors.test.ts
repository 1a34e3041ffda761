import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { ERROR_CODES } from '../../domain/shared/errors.js';
import { HTTP_ERROR_CODES, STATUS_BY_CODE, WIRE_CODE } from '../../adapters/http/error-table.js';
import { filesUnder, importsOf, root } from './source-graph.js';

/** Codes that name transport mechanics: only the HTTP edge may raise them (issue 9). */
const TRANSPORT_CODES = [
  'RATE_LIMITED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_PROGRESS',
  'CONFIRMATION_REQUIRED',
  'DATABASE_UNAVAILABLE',
  'UPGRADE_REQUIRED',
  // request signing (adapters/http/signing)
  'SIGNATURE_REQUIRED',
  'SIGNATURE_INVALID',
  'SIGNATURE_EXPIRED',
  'NONCE_REUSED',
  // POST /api/batch (adapters/http/batch)
  'BATCH_REQUEST_NOT_ALLOWED',
  'BATCH_ABORTED',
];

const inner = ['domain', 'application'].flatMap((layer) => filesUnder(join(root, layer)));

describe('architecture: error codes', () => {
  it('the domain declares no transport code; the HTTP edge declares each of them', () => {
    const domainCodes: readonly string[] = ERROR_CODES;
    expect(domainCodes.filter((c) => TRANSPORT_CODES.includes(c))).to.deep.equal([]);
    expect([...HTTP_ERROR_CODES].sort()).to.deep.equal([...TRANSPORT_CODES].sort());
  });

  it('no domain or application file raises a transport code', () => {
    const offenders = inner.flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      return TRANSPORT_CODES.filter((c) => new RegExp(`['"\`]${c}['"\`]`).test(source)).map(
        (c) => `${relative(root, file)}: ${c}`,
      );
    });
    expect(offenders).to.deep.equal([]);
  });

  it('the one table gives every domain and transport code a status, and renames only into transport codes', () => {
    for (const code of [...ERROR_CODES, ...HTTP_ERROR_CODES]) {
      expect(STATUS_BY_CODE[code], code).to.be.within(400, 599);
    }
    const wire: readonly string[] = HTTP_ERROR_CODES;
    for (const [from, to] of Object.entries(WIRE_CODE)) {
      expect(wire, from).to.include(to);
      expect(STATUS_BY_CODE[to as keyof typeof STATUS_BY_CODE], from).to.equal(
        STATUS_BY_CODE[from as keyof typeof STATUS_BY_CODE],
      );
    }
  });
});

describe('architecture: id shapes', () => {
  it('the domain checks no id shape: no id-shape helper, no ObjectId pattern', () => {
    const offenders = filesUnder(join(root, 'domain')).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      const problems = importsOf(source)
        .filter((spec) => /(^|\/)ids\.js$/.test(spec))
        .map((spec) => `imports ${spec}`);
      if (/isEntityId|\{24\}/.test(source)) problems.push('checks an id shape');
      return problems.map((p) => `${relative(root, file)}: ${p}`);
    });
    expect(offenders).to.deep.equal([]);
  });
});
