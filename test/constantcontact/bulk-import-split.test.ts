import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CC_IMPORT_EMAIL_MAX,
  CC_IMPORT_LIMITS,
  splitImportRows,
} from '../../src/constantcontact/bulk-import.ts';
import { CcImportEmailTooLongError, CcImportRowTooLargeError } from '../../src/constantcontact/errors.ts';
import type { CcImportRow } from '../../src/constantcontact/types.ts';

const listIds = ['8a1f0f6e-4c1e-11ef-9a3b-0242ac120002'];
const shortRows = (n: number): CcImportRow[] =>
  Array.from({ length: n }, (_, i) => ({ email: `u${i}@ex.com` }));
const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body));

describe('splitImportRows', () => {
  it('sends 100,000 short rows in 3 bodies of at most 40,000 rows', () => {
    const bodies = splitImportRows(shortRows(100_000), listIds);
    assert.deepEqual(
      bodies.map((b) => b.import_data.length),
      [40_000, 40_000, 20_000],
    );
    for (const body of bodies) assert.deepEqual(body.list_ids, listIds);
    assert.equal(bodies[2]!.import_data.at(-1)!.email, 'u99999@ex.com', 'order is kept');
  });

  it('splits long rows by the serialised size, multi-byte characters counted as bytes', () => {
    // ~1.3 KB per row (the city is 2 bytes a character): 10,000 rows are ~13 MB, so 4 bodies.
    const rows: CcImportRow[] = Array.from({ length: 10_000 }, (_, i) => ({
      email: `long${i}@ex.com`,
      street: 'x'.repeat(250),
      work_street: 'y'.repeat(250),
      street2: 'z'.repeat(250),
      work_street2: 'w'.repeat(250),
      city: 'é'.repeat(50),
      first_name: 'f'.repeat(50),
      last_name: 'l'.repeat(50),
    }));
    const bodies = splitImportRows(rows, listIds);
    const total = bytes({ import_data: rows, list_ids: listIds });
    assert.equal(bodies.length, Math.ceil(total / CC_IMPORT_LIMITS.maxBodyBytes));
    for (const body of bodies) assert.ok(bytes(body) < CC_IMPORT_LIMITS.maxBodyBytes);
    assert.equal(
      bodies.reduce((n, b) => n + b.import_data.length, 0),
      rows.length,
    );
  });

  it('keeps every body under both limits and fills each one as far as the next row allows', () => {
    const row = fc.record({
      // Emails the import takes (at most 50 characters); longer ones are refused, tested below.
      email: fc.emailAddress().filter((e) => e.length <= CC_IMPORT_EMAIL_MAX),
      first_name: fc.string({ maxLength: 50, unit: 'binary' }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 300, max: 2000 }),
        (rows, maxRows, maxBodyBytes) => {
          const limits = { maxRows, maxBodyBytes };
          let bodies: ReturnType<typeof splitImportRows>;
          try {
            bodies = splitImportRows(rows, listIds, limits);
          } catch (error) {
            return error instanceof CcImportRowTooLargeError;
          }
          assert.deepEqual(
            bodies.flatMap((b) => b.import_data),
            rows,
          );
          bodies.forEach((body, i) => {
            assert.ok(body.import_data.length >= 1 && body.import_data.length <= maxRows);
            assert.ok(bytes(body) < maxBodyBytes);
            const next = bodies[i + 1]?.import_data[0];
            if (next && body.import_data.length < maxRows) {
              const grown = { ...body, import_data: [...body.import_data, next] };
              assert.ok(bytes(grown) >= maxBodyBytes, 'a body is closed only when the next row does not fit');
            }
          });
          return true;
        },
      ),
    );
  });

  it('refuses a row that cannot fit in any body', () => {
    assert.throws(
      () =>
        splitImportRows([{ email: 'a@ex.com' }, { email: 'b@ex.com', street: 'x'.repeat(400) }], listIds, {
          maxRows: 10,
          maxBodyBytes: 300,
        }),
      (e: unknown) =>
        e instanceof CcImportRowTooLargeError && e.rowIndex === 1 && e.code === 'CC_IMPORT_ROW_TOO_LARGE',
    );
  });

  it("refuses a row whose email is over the import's 50 characters, and takes one of exactly 50", () => {
    assert.equal(CC_IMPORT_EMAIL_MAX, 50);
    const fifty = `${'a'.repeat(38)}@example.com`;
    assert.equal(splitImportRows([{ email: fifty }], listIds).length, 1);
    assert.throws(
      () => splitImportRows([{ email: fifty }, { email: `b${fifty}` }], listIds),
      (e: unknown) =>
        e instanceof CcImportEmailTooLongError && e.rowIndex === 1 && e.code === 'CC_IMPORT_EMAIL_LONG',
    );
  });
});
