import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterSyntaxError, matchesFilter, parseFilter } from '../../../sandbox/platform/filter-parser.ts';

const record = {
  name: "O'Brien",
  is_customer: true,
  updated_at: '2026-03-01T10:00:00.000Z',
  email: { address: 'a@example.com' },
  count: 5,
};
const matches = (filter: string) => matchesFilter(record, parseFilter(filter));

describe('$filter parser', () => {
  it('compares dates as instants with every operator', () => {
    assert.equal(matches("updated_at eq '2026-03-01T10:00:00Z'"), true);
    assert.equal(matches("updated_at ne '2026-03-01T10:00:00Z'"), false);
    assert.equal(matches("updated_at gt '2026-03-01T09:59:59Z'"), true);
    assert.equal(matches("updated_at gt '2026-03-01T10:00:00Z'"), false);
    assert.equal(matches("updated_at ge '2026-03-01T10:00:00Z'"), true);
    assert.equal(matches("updated_at lt '2026-03-01T10:00:00Z'"), false);
    assert.equal(matches("updated_at lt '2026-03-01T10:00:01Z'"), true);
    assert.equal(matches("updated_at le '2026-03-01T10:00:00Z'"), true);
  });

  it('compares booleans, strings with doubled quotes, nested paths and numbers', () => {
    assert.equal(matches('is_customer eq true'), true);
    assert.equal(matches('is_customer ne true'), false);
    assert.equal(matches("name eq 'O''Brien'"), true);
    assert.equal(matches("email/address eq 'a@example.com'"), true);
    assert.equal(matches('count ge 5 and count lt 6'), true);
    assert.equal(matches('is_lead eq null'), true);
  });

  it('joins with and: every condition must hold', () => {
    assert.equal(matches("is_customer eq true and updated_at gt '2026-04-01T00:00:00Z'"), false);
    assert.deepEqual(parseFilter("a eq 'x' AND b ne false").length, 2);
  });

  it('refuses what it does not support, naming the problem', () => {
    const cases: [string, RegExp][] = [
      ["name eq 'a' or name eq 'b'", /'or' .* not supported/],
      ["name like 'a'", /unsupported operator 'like'/],
      ["substringof('a', name)", /functions such as substringof\(\)/],
      ['is_customer gt true', /cannot compare booleans/],
      ['updated_at gt 2026-01-01T00:00:00Z', /put dates in single quotes/],
      ["name eq 'unterminated", /unterminated string/],
      ['name eq', /value is missing/],
      ["not name eq 'a'", /'not' is not supported/],
      ['', /empty/],
    ];
    for (const [filter, message] of cases) {
      assert.throws(
        () => parseFilter(filter),
        (error: unknown) => error instanceof FilterSyntaxError && message.test(error.message),
        filter,
      );
    }
  });
});
