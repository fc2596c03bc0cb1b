import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ccSpecPath, validateCcRequest, validateCcResponse } from '../../helpers/cc-contract.ts';

const uuid = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

// The validator must be able to fail, or a green contract check means nothing.
describe('CC contract validator', () => {
  it("checks against Constant Contact's file as published, byte for byte", () => {
    const readme = readFileSync(path.join(path.dirname(ccSpecPath), 'README.md'), 'utf8');
    const recorded = /SHA-256: `([0-9a-f]{64})`/.exec(readme)?.[1];
    assert.ok(recorded, 'the contract README records the SHA-256 of the published file');
    const actual = createHash('sha256').update(readFileSync(ccSpecPath)).digest('hex');
    assert.equal(actual, recorded, 'the contract file was changed; restore it as published');
  });

  it('accepts a conformant contact page and flags a malformed one', () => {
    const good = {
      contacts: [
        {
          contact_id: uuid,
          email_address: { address: 'a@example.com' },
          created_at: '2026-01-01T00:00:00.000Z',
        },
      ],
      _links: { next: { href: '/v3/contacts?cursor=abc' } },
    };
    assert.deepEqual(
      validateCcResponse({ method: 'GET', path: '/v3/contacts', status: 200, body: good }),
      [],
    );
    const bad = {
      contacts: [
        { contact_id: 'not-a-uuid', email_address: {}, first_name: null, deleted_at: '2026-01-01T00:00:00Z' },
      ],
    };
    const problems = validateCcResponse({ method: 'GET', path: '/v3/contacts', status: 200, body: bad });
    assert.ok(problems.some((p) => p.includes('/contacts/0/contact_id') && p.includes('uuid')));
    assert.ok(problems.some((p) => p.includes("required property 'address'")));
    assert.ok(
      problems.some((p) => p.includes('/contacts/0/first_name')),
      'null is not a string in Swagger 2.0',
    );
    assert.ok(
      problems.some((p) => p.includes('/contacts/0/deleted_at')),
      'deleted_at is a date',
    );
  });

  it('matches concrete paths to templates, literal segments first', () => {
    assert.deepEqual(
      validateCcResponse({
        method: 'GET',
        path: `/v3/contacts/${uuid}`,
        status: 200,
        body: { contact_id: uuid, email_address: { address: 'a@b.co' } },
      }),
      [],
    );
    assert.deepEqual(
      validateCcResponse({ method: 'GET', path: '/v3/contacts/counts', status: 200, body: {} }),
      [],
    );
    assert.match(
      validateCcResponse({ method: 'PATCH', path: '/v3/contacts', status: 200, body: {} })[0] ?? '',
      /no operation/,
    );
  });

  it('checks statuses and error shapes', () => {
    assert.match(
      validateCcResponse({ method: 'POST', path: '/v3/contacts', status: 404, body: [] })[0] ?? '',
      /not declared/,
    );
    assert.deepEqual(
      validateCcResponse({
        method: 'POST',
        path: '/v3/contacts',
        status: 409,
        body: [{ error_key: 'contacts.api.conflict', error_message: 'x' }],
      }),
      [],
    );
    assert.equal(
      validateCcResponse({ method: 'POST', path: '/v3/contacts', status: 409, body: { error_key: 'x' } })
        .length,
      1,
    );
    assert.deepEqual(
      validateCcResponse({
        method: 'GET',
        path: '/v3/contacts',
        status: 429,
        body: { error_key: 'throttled', error_message: 'slow down' },
      }),
      [],
    );
    assert.equal(
      validateCcResponse({
        method: 'GET',
        path: '/v3/contacts',
        status: 401,
        body: [{ error_key: 'unauthorized' }],
      }).length,
      1,
    );
    assert.equal(
      validateCcResponse({ method: 'DELETE', path: `/v3/contacts/${uuid}`, status: 204, body: { a: 1 } })
        .length,
      1,
    );
  });

  it('checks query parameters: declared, typed, enums, csv values, date-times', () => {
    const problems = validateCcRequest({
      method: 'GET',
      path: '/v3/contacts',
      query: {
        limit: '0',
        status: 'all,bogus',
        updated_after: 'yesterday',
        include_count: 'yes',
        update_after: 'x',
      },
      body: undefined,
    });
    for (const expected of [
      '"limit" must be >= 1',
      '"bogus"',
      'not a valid date-time',
      '"include_count" must be true or false',
      '"update_after" is not declared',
    ]) {
      assert.ok(
        problems.some((p) => p.includes(expected)),
        expected,
      );
    }
    assert.deepEqual(
      validateCcRequest({ method: 'GET', path: '/v3/contacts', query: { cursor: 'abc' }, body: undefined }),
      [],
    );
    const tooManyLists = Array.from({ length: 26 }, () => uuid).join(',');
    assert.equal(
      validateCcRequest({
        method: 'GET',
        path: '/v3/contacts',
        query: { lists: tooManyLists },
        body: undefined,
      }).length,
      1,
    );
  });

  it('checks request bodies, reading the limits CC states in prose where the file says maxItems 0', () => {
    assert.deepEqual(
      validateCcRequest({
        method: 'POST',
        path: '/v3/activities/remove_list_memberships',
        query: {},
        body: { source: { contact_ids: [uuid] }, list_ids: [uuid] },
      }),
      [],
    );
    const tooMany = Array.from({ length: 501 }, () => uuid);
    assert.equal(
      validateCcRequest({
        method: 'POST',
        path: '/v3/activities/remove_list_memberships',
        query: {},
        body: { source: { contact_ids: tooMany }, list_ids: [uuid] },
      }).length,
      1,
    );
    const missing = validateCcRequest({
      method: 'PUT',
      path: `/v3/contacts/${uuid}`,
      query: {},
      body: { first_name: 'x' },
    });
    assert.ok(missing.some((p) => p.includes('update_source')));
    assert.ok(
      validateCcRequest({ method: 'POST', path: '/v3/contacts', query: {}, body: undefined })[0]?.includes(
        'required',
      ),
    );
    const longImportEmail = validateCcRequest({
      method: 'POST',
      path: '/v3/activities/contacts_json_import',
      query: {},
      body: { import_data: [{ email: `${'a'.repeat(60)}@example.com` }], list_ids: [uuid] },
    });
    assert.equal(longImportEmail.length, 1, 'the import schema limits email to 50 characters');
  });
});
