import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';

describeEachDatabase('id maps', (db) => {
  let orgId = '';
  before(async () => {
    orgId = (await db().repos.organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-ids', name: 'Ids' }))
      .id;
  });

  it('links a hub record to a CC contact once; linking again updates the same row', async () => {
    const { idMaps } = db().repos;
    const first = await idMaps.link({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-1',
      ccContactId: 'c-1',
      email: '  Ann@Example.COM ',
      hubHash: 'h1',
      ccHash: 'c1',
      snapshot: { first_name: 'Ann' },
    });
    assert.equal(first.state, 'linked');
    assert.equal(first.email, 'ann@example.com', 'emails are stored trimmed and lower-case');
    db().clock.advance(1000);
    const second = await idMaps.link({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-1',
      ccContactId: 'c-1',
      email: 'ann@example.com',
      hubHash: 'h2',
      ccHash: 'c2',
      snapshot: { first_name: 'Anne' },
    });
    assert.equal(second.id, first.id);
    assert.equal(second.hubHash, 'h2');
    assert.deepEqual(second.snapshot, { first_name: 'Anne' });
    const found = await idMaps.findByHub(orgId, 'people', 'p-1');
    assert.equal(found?.state === 'linked' && found.ccContactId, 'c-1');
    assert.equal(await idMaps.findByHub(orgId, 'organizations', 'p-1'), null, 'collections are kept apart');
  });

  it('refuses a second row for the same hub record at the database level', async () => {
    const { store } = db();
    const row = {
      organization_id: orgId,
      hub_collection: 'people',
      hub_id: 'p-dup',
      cc_contact_id: 'c-dup',
      email: null,
      hub_hash: null,
      cc_hash: null,
      snapshot: null,
      state: 'linked',
      reason: null,
      attempts: 0,
      next_retry_at: null,
      last_synced_at: null,
      created_at: 'x',
      updated_at: 'x',
    };
    await store.db
      .insertInto('id_maps')
      .values({ id: 'dup-1', ...row })
      .execute();
    await assert.rejects(
      store.db
        .insertInto('id_maps')
        .values({ id: 'dup-2', ...row })
        .execute(),
    );
  });

  it('refuses rows whose state contradicts their content', async () => {
    const { store } = db();
    const base = {
      organization_id: orgId,
      hub_collection: 'people',
      email: null,
      hub_hash: null,
      cc_hash: null,
      snapshot: null,
      attempts: 0,
      next_retry_at: null,
      last_synced_at: null,
      created_at: 'x',
      updated_at: 'x',
    };
    const insert = (id: string, extra: Record<string, unknown>) =>
      store.db
        .insertInto('id_maps')
        .values({ id, ...base, hub_id: null, cc_contact_id: null, state: 'linked', reason: null, ...extra })
        .execute();
    await assert.rejects(insert('bad-1', { hub_id: 'p-x', state: 'linked' }), 'linked without a CC id');
    await assert.rejects(insert('bad-2', { hub_id: 'p-y', state: 'excluded' }), 'excluded without a reason');
    await assert.rejects(
      insert('bad-3', { hub_id: 'p-z', state: 'failed', reason: 'x' }),
      'failed without a retry time',
    );
    await assert.rejects(
      insert('bad-4', { state: 'failed', reason: 'x', next_retry_at: 'y' }),
      'neither side known',
    );
    await assert.rejects(
      insert('bad-5', { hub_id: 'p-w', cc_contact_id: 'c', state: 'frozen', reason: 'x' }),
    );
  });

  it('shares one CC contact between several hub records and finds them by contact and by email', async () => {
    const { idMaps } = db().repos;
    for (const [collection, hubId] of [
      ['people', 'p-shared'],
      ['organizations', 'o-shared'],
    ] as const) {
      await idMaps.link({
        organizationId: orgId,
        hubCollection: collection,
        hubId,
        ccContactId: 'c-shared',
        email: 'Shared@Example.com',
        hubHash: null,
        ccHash: null,
        snapshot: null,
      });
    }
    const byContact = await idMaps.findByCcContactIds(orgId, ['c-shared', 'c-none']);
    assert.deepEqual(
      byContact
        .get('c-shared')
        ?.map((m) => m.hubId)
        .sort(),
      ['o-shared', 'p-shared'],
    );
    assert.equal(byContact.has('c-none'), false);
    const byEmail = await idMaps.findByEmails(orgId, [' SHARED@example.com']);
    assert.equal(byEmail.get('shared@example.com')?.length, 2);
    const byHub = await idMaps.findByHubIds(orgId, 'people', ['p-shared', 'p-1', 'p-missing']);
    assert.deepEqual([...byHub.keys()].sort(), ['p-1', 'p-shared']);
  });

  it('looks up more keys than one statement may bind', async () => {
    const { idMaps } = db().repos;
    const ids = Array.from({ length: 1200 }, (_, i) => `missing-${i}`);
    ids.push('p-1');
    const found = await idMaps.findByHubIds(orgId, 'people', ids);
    assert.deepEqual([...found.keys()], ['p-1']);
  });

  it('links many pairs at once with the same rules as one by one', async () => {
    const { idMaps } = db().repos;
    await idMaps.recordFailure({
      organizationId: orgId,
      hubCollection: 'people',
      key: { ccContactId: 'c-many-0' },
      email: 'many0@example.com',
      reason: 'Connec! refused the person',
    });
    await idMaps.exclude({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-many-1',
      email: null,
      reason: 'no email',
    });
    const inputs = Array.from({ length: 1200 }, (_, i) => ({
      organizationId: orgId,
      hubCollection: 'people' as const,
      hubId: `p-many-${i}`,
      ccContactId: `c-many-${i}`,
      email: ` Many${i}@Example.com`,
      hubHash: `h${i}`,
      ccHash: `c${i}`,
      snapshot: { i },
    }));
    await idMaps.linkMany(inputs);
    const found = await idMaps.findByHubIds(
      orgId,
      'people',
      inputs.map((i) => i.hubId),
    );
    assert.equal(found.size, 1200);
    const first = found.get('p-many-1');
    assert.equal(first?.state, 'linked', 'an excluded record becomes linked');
    assert.equal(first?.email, 'many1@example.com');
    assert.deepEqual(first?.snapshot, { i: 1 });
    const pending = (await idMaps.findByCcContactIds(orgId, ['c-many-0'])).get('c-many-0') ?? [];
    assert.deepEqual(
      pending.map((m) => [m.hubId, m.state]),
      [['p-many-0', 'linked']],
      'the row kept for a contact from CC is folded in',
    );
    await idMaps.linkMany([{ ...inputs[5]!, hubHash: 'changed' }]);
    assert.equal(
      (await idMaps.findByHub(orgId, 'people', 'p-many-5'))?.hubHash,
      'changed',
      'linking again updates',
    );
  });

  it('excludes a record with its reason, then links it once it has a valid email', async () => {
    const { idMaps } = db().repos;
    const excluded = await idMaps.exclude({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-noemail',
      email: null,
      reason: 'no email',
    });
    assert.equal(excluded.state, 'excluded');
    assert.equal(excluded.reason, 'no email');
    const linked = await idMaps.link({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-noemail',
      ccContactId: 'c-now',
      email: 'now@example.com',
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
    assert.equal(linked.id, excluded.id);
    assert.equal(linked.state, 'linked');
    assert.equal(linked.reason, null);
  });

  it('records failures with capped back-off and lists them when due', async () => {
    const { idMaps } = db().repos;
    const clock = db().clock;
    const fail = () =>
      idMaps.recordFailure({
        organizationId: orgId,
        hubCollection: 'people',
        key: { hubId: 'p-fail' },
        email: 'fail@example.com',
        reason: 'CC refused: contacts.api.validation.error',
      });
    const first = await fail();
    assert.equal(first.state, 'failed');
    assert.equal(first.attempts, 1);
    assert.equal(first.nextRetryAt, new Date(clock.now().getTime() + 60_000).toISOString());
    const second = await fail();
    assert.equal(second.attempts, 2);
    assert.equal(second.nextRetryAt, new Date(clock.now().getTime() + 120_000).toISOString());
    for (let i = 0; i < 20; i++) await fail();
    const capped = await idMaps.findByHub(orgId, 'people', 'p-fail');
    assert.equal(capped?.nextRetryAt, new Date(clock.now().getTime() + 6 * 3600_000).toISOString());

    assert.deepEqual(await idMaps.listDueForRetry(orgId), [], 'not due yet');
    assert.equal(await idMaps.retryNow(orgId), 1);
    const due = await idMaps.listDueForRetry(orgId);
    assert.deepEqual(
      due.map((m) => m.hubId),
      ['p-fail'],
    );
  });

  it('keys a failed contact from CC by its CC id until its hub record exists, then folds it into the link', async () => {
    const { idMaps } = db().repos;
    const failure = () =>
      idMaps.recordFailure({
        organizationId: orgId,
        hubCollection: 'people',
        key: { ccContactId: 'c-from-cc' },
        email: 'fromcc@example.com',
        reason: 'Connec! refused the person: 400',
      });
    const first = await failure();
    const second = await failure();
    assert.equal(second.id, first.id, 'one row per pending contact');
    assert.equal(second.attempts, 2);
    assert.equal(second.hubId, null);

    await idMaps.link({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-from-cc',
      ccContactId: 'c-from-cc',
      email: 'fromcc@example.com',
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
    const maps = (await idMaps.findByCcContactIds(orgId, ['c-from-cc'])).get('c-from-cc') ?? [];
    assert.equal(maps.length, 1);
    assert.equal(maps[0]?.state, 'linked');
  });

  it('a failed update of a linked record keeps its CC id, so the retry updates the same contact', async () => {
    const { idMaps } = db().repos;
    await idMaps.link({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-keep',
      ccContactId: 'c-keep',
      email: 'keep@example.com',
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
    const failed = await idMaps.recordFailure({
      organizationId: orgId,
      hubCollection: 'people',
      key: { hubId: 'p-keep' },
      email: 'keep@example.com',
      reason: 'timeout',
    });
    assert.equal(failed.ccContactId, 'c-keep');
  });

  it('unlinks a record whose contact was deleted in CC, keeping the hub side', async () => {
    const { idMaps } = db().repos;
    const linked = await idMaps.link({
      organizationId: orgId,
      hubCollection: 'people',
      hubId: 'p-unlink',
      ccContactId: 'c-unlink',
      email: 'unlink@example.com',
      hubHash: null,
      ccHash: null,
      snapshot: null,
    });
    const unlinked = await idMaps.unlink(linked.id, 'deleted in Constant Contact');
    assert.equal(unlinked.state, 'unlinked');
    assert.equal(unlinked.hubId, 'p-unlink');
    assert.equal(unlinked.ccContactId, null);
  });

  it('pages through records by state with a total and an email search', async () => {
    const { idMaps } = db().repos;
    const counts = await idMaps.countByState(orgId);
    assert.ok(counts.linked >= 4);
    assert.equal(counts.unlinked, 1);
    const all = await idMaps.page(orgId, { states: ['linked'], limit: 2, offset: 0 });
    assert.equal(all.items.length, 2);
    assert.equal(all.total, counts.linked);
    const searched = await idMaps.page(orgId, {
      states: ['linked'],
      search: 'SHARED@',
      limit: 10,
      offset: 0,
    });
    assert.equal(searched.total, 2);
    const none = await idMaps.page(orgId, { states: ['linked'], search: '%', limit: 10, offset: 0 });
    assert.equal(none.total, 0, 'LIKE wildcards in the search are taken literally');
  });
});
