import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { EVENT_TYPES } from '../../domain/events.js';
import { EVENT_TYPE_SCHEME } from '../../domain/shared/events.js';
import { REACTIONS } from '../../bootstrap/modules/events.js';
import { PERSISTENCE } from '../../bootstrap/modules/persistence.js';
import { root } from './source-graph.js';

const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

/** The events table's row of `type`. */
function rowOf(type: string): string {
  const row = doc
    .split('\n')
    .find((line) => new RegExp(`^\\| \`${type.replace('.', '\\.')}\`\\s+\\|`).test(line));
  expect(row, `docs/architecture.md has no events-table row for ${type}`).to.not.equal(undefined);
  return row!;
}

describe('docs/architecture.md stays true', () => {
  it('every event type follows the naming scheme and has a row in the events table', () => {
    for (const type of EVENT_TYPES) {
      expect(type).to.match(EVENT_TYPE_SCHEME);
      rowOf(type);
    }
    expect(new Set(EVENT_TYPES).size).to.equal(EVENT_TYPES.length);
  });

  it("every reaction in REACTIONS is named in its event's row, and no row names one it lacks", () => {
    for (const type of EVENT_TYPES) {
      const handlers = (REACTIONS[type] ?? []).map((h) => h.name);
      const named = [...rowOf(type).matchAll(/`(\w+When\w+)`/g)].map((m) => m[1]);
      expect(named.sort(), type).to.deep.equal([...handlers].sort());
    }
  });

  it('every stored port of the persistence table is listed with its adapters', () => {
    for (const row of PERSISTENCE) {
      const name = row.token.description!;
      expect(doc, name).to.include(`\`${name}\``);
    }
  });
});
