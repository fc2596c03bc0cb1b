import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter } from '../../sandbox/platform/filter-parser.ts';
import { buildFilter, filterLiteral } from '../../src/connec/filter.ts';
import { connecIdOf, findOwnId, withOwnId } from '../../src/connec/ids.ts';

const ids = [
  { id: 'c-1', provider: 'connec', realm: 'org-1' },
  { id: 'x-1', provider: 'xero', realm: 'xero-1' },
  { id: 'cc-old', provider: 'constantcontact', realm: 'acct-1' },
  { id: 'cc-other', provider: 'constantcontact', realm: 'acct-2' },
];

describe('id array helpers', () => {
  it("finds Connec!'s id and the connector's id for one CC account", () => {
    assert.equal(connecIdOf(ids), 'c-1');
    assert.equal(findOwnId(ids, 'acct-1'), 'cc-old');
    assert.equal(findOwnId(ids, 'acct-3'), undefined);
    assert.equal(findOwnId(undefined, 'acct-1'), undefined);
  });

  it("adds or replaces the connector's entry without touching the others", () => {
    const replaced = withOwnId(ids, 'cc-new', 'acct-1');
    assert.equal(findOwnId(replaced, 'acct-1'), 'cc-new');
    assert.equal(findOwnId(replaced, 'acct-2'), 'cc-other');
    assert.equal(replaced.length, 4);
    assert.equal(ids[2]!.id, 'cc-old', 'the input is not modified');
    assert.deepEqual(withOwnId(null, 'cc-9', 'acct-9'), [
      { id: 'cc-9', provider: 'constantcontact', realm: 'acct-9' },
    ]);
  });
});

describe('filter builder', () => {
  it('quotes strings and dates so the hub reads them back', () => {
    assert.equal(filterLiteral("O'Brien"), "'O''Brien'");
    const filter = buildFilter([
      ['updated_at', 'gt', new Date('2026-01-01T00:00:00Z')],
      ['is_customer', 'eq', true],
      ['last_name', 'ne', "O'Brien"],
      ['email/address', 'eq', null],
    ]);
    assert.equal(
      filter,
      "updated_at gt '2026-01-01T00:00:00.000Z' and is_customer eq true and last_name ne 'O''Brien' and email/address eq null",
    );
    assert.deepEqual(
      parseFilter(filter).map((c) => c.value),
      ['2026-01-01T00:00:00.000Z', true, "O'Brien", null],
    );
  });

  it('refuses a field name that would change the filter', () => {
    assert.throws(() => buildFilter([["name eq 'x' or name", 'eq', 'y']]), RangeError);
  });
});
