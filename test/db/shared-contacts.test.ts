import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { HubCollection } from '../../src/model/hub-collections.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

describeEachDatabase('shared contacts', (db) => {
  let orgId = '';

  const link = async (hubCollection: HubCollection, hubId: string, ccContactId: string, email: string) => {
    db().clock.advance(60_000);
    return db().repos.idMaps.link({
      organizationId: orgId,
      hubCollection,
      hubId,
      ccContactId,
      email,
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
  };

  before(async () => {
    const { organizations, idMaps } = db().repos;
    orgId = (await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-shared', name: 'Shared' })).id;
    const other = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-other', name: 'Other' });
    // Linked in this order, a minute apart: Ann's contact is synced last through her organization.
    await link('people', 'p-ann', 'c-ann', 'ann@example.com');
    await link('people', 'p-ben', 'c-ben', 'ben@example.com');
    await link('employees', 'e-cy', 'c-cy', 'cy@staff.example.com');
    await link('people', 'p-cy', 'c-cy', 'cy@example.com');
    await link('company', 'company-1', 'account-1', 'owner@example.com');
    await link('organizations', 'o-ann', 'c-ann', 'ANN@example.com');
    await idMaps.link({
      organizationId: other.id,
      hubCollection: 'people',
      hubId: 'p-elsewhere',
      ccContactId: 'c-elsewhere',
      email: 'ann@example.com',
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
    await idMaps.exclude({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-none',
      email: null,
      reason: 'The record has no email',
    });
    await idMaps.recordFailure({
      organizationId: orgId,
      hubCollection: 'people',
      key: { hubId: 'p-refused' },
      email: 'refused@example.com',
      reason: 'Constant Contact refused it',
    });
    await idMaps.recordFailure({
      organizationId: orgId,
      hubCollection: 'people',
      key: { ccContactId: 'c-from-cc' },
      email: 'fromcc@example.com',
      reason: 'Connec! refused it',
    });
    const gone = await link('people', 'p-gone', 'c-gone', 'gone@example.com');
    await idMaps.unlink(gone.id, 'deleted in Constant Contact');
  });

  it('pages by contact, the most recently synced first, each with every hub record behind it', async () => {
    const { sharedContacts } = db().repos;
    const first = await sharedContacts.page(orgId, { limit: 2, offset: 0 });
    assert.equal(first.contacts, 3, 'three contacts: the company profile is no contact');
    assert.equal(first.records, 5, 'five hub records behind them');
    assert.deepEqual(
      first.items.map((c) => c.ccContactId),
      ['c-ann', 'c-cy'],
    );
    const [ann, cy] = first.items;
    assert.deepEqual(
      ann!.records.map((r) => r.hubId),
      ['p-ann', 'o-ann'],
      'in the order they were linked',
    );
    assert.equal(ann!.lastSyncedAt, ann!.records[1]!.lastSyncedAt, 'last synced: the latest of its records');
    assert.ok(ann!.records[0]!.lastSyncedAt! < ann!.lastSyncedAt!);
    assert.deepEqual(
      cy!.records.map((r) => r.hubId),
      ['e-cy', 'p-cy'],
    );

    const second = await sharedContacts.page(orgId, { limit: 2, offset: 2 });
    assert.deepEqual(
      second.items.map((c) => c.ccContactId),
      ['c-ben'],
    );
    assert.equal(second.contacts, 3);
    assert.equal((await sharedContacts.page(orgId, { limit: 2, offset: 4 })).items.length, 0);
  });

  it("finds a contact by any of its records' emails, and shows all its records", async () => {
    const { sharedContacts } = db().repos;
    const ann = await sharedContacts.page(orgId, { search: ' ANN@', limit: 20, offset: 0 });
    assert.equal(ann.contacts, 1);
    assert.equal(ann.records, 2);
    assert.equal(ann.items[0]!.records.length, 2);

    const staff = await sharedContacts.page(orgId, { search: 'staff.example', limit: 20, offset: 0 });
    assert.deepEqual(
      staff.items.map((c) => c.ccContactId),
      ['c-cy'],
    );
    assert.deepEqual(
      staff.items[0]!.records.map((r) => r.hubId),
      ['e-cy', 'p-cy'],
      'the person with another email comes along',
    );
    assert.equal(staff.records, 2);

    const none = await sharedContacts.page(orgId, { search: '%', limit: 20, offset: 0 });
    assert.deepEqual([none.contacts, none.records, none.items.length], [0, 0, 0], 'wildcards are literal');
  });

  it('counts contacts and hub records shared, and what is not shared by kind', async () => {
    assert.deepEqual(await db().repos.sharedContacts.counts(orgId), {
      shared: { contacts: 3, records: 5 },
      notShared: { records: 3, contacts: 1 },
      failing: { records: 1, contacts: 1 },
    });
  });

  it("finds the other records sharing a record's contact, and none for a contact of its own", async () => {
    const { idMaps, sharedContacts } = db().repos;
    const ann = (await idMaps.findByHub(orgId, 'people', 'p-ann'))!;
    assert.deepEqual(
      (await sharedContacts.othersSharing(ann)).map((m) => m.hubId),
      ['o-ann'],
    );
    const ben = (await idMaps.findByHub(orgId, 'people', 'p-ben'))!;
    assert.deepEqual(await sharedContacts.othersSharing(ben), []);
    const company = (await idMaps.findByHub(orgId, 'company', 'company-1'))!;
    assert.deepEqual(await sharedContacts.othersSharing(company), []);
  });

  it('finds the company profile apart: it is shared with the account, not with a contact', async () => {
    const company = await db().repos.sharedContacts.companyProfile(orgId);
    assert.equal(company?.hubId, 'company-1');
  });

  it('counts nothing for an organization with nothing shared', async () => {
    const { organizations, sharedContacts } = db().repos;
    const empty = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-empty', name: 'Empty' });
    assert.deepEqual(await sharedContacts.page(empty.id, { limit: 20, offset: 0 }), {
      items: [],
      contacts: 0,
      records: 0,
    });
    assert.equal(await sharedContacts.companyProfile(empty.id), null);
    assert.deepEqual(await sharedContacts.counts(empty.id), {
      shared: { contacts: 0, records: 0 },
      notShared: { records: 0, contacts: 0 },
      failing: { records: 0, contacts: 0 },
    });
  });
});
