import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnecBadNotificationError } from '../../src/connec/errors.ts';
import { parseConnecNotification } from '../../src/connec/notification.ts';

const person = (groupId: string) => ({
  id: [{ id: 'c-1', provider: 'connec', realm: groupId }],
  group_id: groupId,
  first_name: 'Ann',
  email: { address: 'ann@example.com' },
  is_customer: true,
  some_other_field: { kept: true },
});

const refused = (body: unknown, message: RegExp) =>
  assert.throws(
    () => parseConnecNotification(body),
    (error: unknown) =>
      error instanceof ConnecBadNotificationError &&
      error.code === 'CONNEC_BAD_NOTIFICATION' &&
      message.test(error.message),
  );

describe('Connec! notification parsing', () => {
  it('reads records of several collections and groups, keeping unknown fields', () => {
    const body = JSON.stringify({
      people: [person('cld-1'), person('cld-2')],
      company: { id: [{ id: 'co', provider: 'connec', realm: 'cld-1' }], group_id: 'cld-1', name: 'Acme' },
      invoices: [{ anything: true }],
    });
    const notification = parseConnecNotification(body);
    assert.deepEqual(
      notification.entries.map((e) => [e.collection, e.groupId]),
      [
        ['people', 'cld-1'],
        ['people', 'cld-2'],
        ['company', 'cld-1'],
      ],
    );
    assert.deepEqual(notification.entries[0]!.record.some_other_field, { kept: true });
    assert.deepEqual(notification.ignoredCollections, ['invoices']);
  });

  it('reads the records of a collection the registry adds, in the shape every record has', () => {
    const member = (group: string) => ({
      id: [{ id: `m-${group}`, provider: 'connec', realm: group }],
      group_id: group,
      given_name: 'Mia',
    });
    const body = JSON.stringify({ members: [member('cld-1')], invoices: [{ anything: true }] });
    const notification = parseConnecNotification(body, ['members']);
    assert.deepEqual(
      notification.entries.map((e) => [e.collection, e.groupId, e.record.given_name]),
      [['members', 'cld-1', 'Mia']],
    );
    assert.deepEqual(notification.ignoredCollections, ['invoices']);
    assert.deepEqual(parseConnecNotification(body).ignoredCollections, ['members', 'invoices']);
    assert.throws(
      () => parseConnecNotification(JSON.stringify({ members: [{ given_name: 'No ids' }] }), ['members']),
      /members\[0\]\.id/,
    );
  });

  it('says what is wrong and where', () => {
    refused('{"people": [', /not valid JSON/);
    refused('', /empty/);
    refused('[]', /must be a JSON object/);
    refused('{}', /no collection/);
    refused(JSON.stringify({ people: {} }), /people: .*expected array/);
    refused(
      JSON.stringify({ people: [person('cld-1'), { ...person('cld-1'), group_id: undefined }] }),
      /people\[1\]\.group_id/,
    );
    refused(
      JSON.stringify({ organizations: [{ ...person('cld-1'), id: [{ id: 'x' }] }] }),
      /organizations\[0\]\.id\[0\]\.provider/,
    );
    refused(
      JSON.stringify({ people: [{ ...person('cld-1'), is_customer: 'yes' }] }),
      /people\[0\]\.is_customer/,
    );
  });
});
