import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CcAccountAlreadyLinkedError,
  InvalidSettingsError,
  OrganizationDeletedError,
} from '../../src/db/db-errors.ts';
import { MAPPINGS } from '../../src/mapping/registry.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

const tokens = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: '2026-03-02T09:00:00.000Z' };

describeEachDatabase('organizations', (db) => {
  it('creates an organization on first launch and refreshes its name on the next, never duplicating it', async () => {
    const { organizations } = db().repos;
    const first = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-1', name: 'Acme' });
    const again = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-1', name: 'Acme Ltd' });
    assert.equal(again.id, first.id);
    assert.equal(again.name, 'Acme Ltd');
    assert.equal(first.ccAccount, null);
    assert.equal(first.syncEnabled, true);
    assert.deepEqual(first.settings.directions, {}, 'nothing chosen yet');
    assert.deepEqual(
      MAPPINGS.collections.map((c) => [c, MAPPINGS.directionOf(first.settings.directions, c)]),
      [
        ['people', 'both'],
        ['organizations', 'both'],
        ['employees', 'hub_to_cc'],
        ['company', 'both'],
      ],
      'each collection flows every way its mapping can until an admin chooses',
    );
    assert.equal(first.settings.conflictWinner, 'newest');
    assert.equal(first.settings.shareHistorical, false);
    const found = await organizations.findByGroup('maestrano', 'cld-1');
    assert.equal(found?.id, first.id);
    assert.equal(await organizations.findByGroup('other-tenant', 'cld-1'), null);
  });

  it('keeps one row under concurrent launches of the same group', async () => {
    const { organizations } = db().repos;
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-race', name: 'Race' }),
      ),
    );
    assert.equal(new Set(results.map((o) => o.id)).size, 1);
  });

  it('links a Constant Contact account, fixing the date sharing starts from, and keeps tokens encrypted', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-link', name: 'Linker' });
    const linked = await organizations.link(org.id, { id: 'cc-acct-1', name: 'Linker CC' }, tokens);
    assert.deepEqual(linked.ccAccount, { id: 'cc-acct-1', name: 'Linker CC' });
    assert.equal(linked.linkedAt, db().clock.now().toISOString());
    assert.equal(linked.settings.sharingStartsAt, db().clock.now().toISOString());
    assert.deepEqual(await organizations.getTokens(org.id), tokens);
    assert.equal((await organizations.findByCcAccount('cc-acct-1'))?.id, org.id);

    db().clock.advance(60_000);
    const refreshed = {
      accessToken: 'access-2',
      refreshToken: 'refresh-2',
      expiresAt: '2026-03-03T09:00:00.000Z',
    };
    await organizations.saveTokens(org.id, refreshed);
    assert.deepEqual(await organizations.getTokens(org.id), refreshed);

    await organizations.unlink(org.id);
    assert.equal(await organizations.getTokens(org.id), null);
    db().clock.advance(60_000);
    const relinked = await organizations.link(org.id, { id: 'cc-acct-1', name: 'Linker CC' }, tokens);
    assert.equal(
      relinked.settings.sharingStartsAt,
      linked.settings.sharingStartsAt,
      'relinking keeps the start date',
    );
  });

  it('refuses to link one Constant Contact account to a second organization', async () => {
    const { organizations } = db().repos;
    const a = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-a', name: 'A' });
    const b = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-b', name: 'B' });
    await organizations.link(a.id, { id: 'cc-shared', name: 'Shared' }, tokens);
    await assert.rejects(organizations.link(b.id, { id: 'cc-shared', name: 'Shared' }, tokens), (error) => {
      assert.ok(error instanceof CcAccountAlreadyLinkedError);
      assert.equal(error.code, 'ORG_CC_ACCOUNT_TAKEN');
      assert.match(error.message, /already linked to another organization/);
      return true;
    });
    assert.equal((await organizations.get(b.id)).ccAccount, null);
  });

  it('refuses to save tokens for an organization that is not linked', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-nolink', name: 'No link' });
    await assert.rejects(organizations.saveTokens(org.id, tokens), /not linked/);
  });

  it('changes settings, validates them, and never turns historical sharing off again', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({
      tenant: 'maestrano',
      groupUid: 'cld-settings',
      name: 'Settings',
    });
    await organizations.updateSettings(org.id, { directions: { organizations: 'off' } });
    const changed = await organizations.updateSettings(org.id, {
      conflictWinner: 'cc',
      hardDeletes: true,
      directions: { people: 'hub_to_cc' },
    });
    assert.equal(changed.settings.conflictWinner, 'cc');
    assert.equal(changed.settings.hardDeletes, true);
    assert.equal(changed.settings.directions.people, 'hub_to_cc');
    assert.equal(changed.settings.directions.organizations, 'off', 'other directions are kept');

    await assert.rejects(
      organizations.updateSettings(org.id, { conflictWinner: 'sometimes' as never }),
      (error) => error instanceof InvalidSettingsError && /conflictWinner/.test(error.message),
    );
    await organizations.updateSettings(org.id, { shareHistorical: true });
    await assert.rejects(
      organizations.updateSettings(org.id, { shareHistorical: false }),
      (error) => error instanceof InvalidSettingsError && /cannot be turned off/.test(error.message),
    );
    assert.equal((await organizations.get(org.id)).settings.shareHistorical, true);
  });

  it('lists only linked, enabled, live organizations as syncable', async () => {
    const { organizations } = db().repos;
    const live = await organizations.upsert({ tenant: 't-sync', groupUid: 'cld-live', name: 'Live' });
    await organizations.link(live.id, { id: 'cc-live', name: 'Live' }, tokens);
    const paused = await organizations.upsert({ tenant: 't-sync', groupUid: 'cld-paused', name: 'Paused' });
    await organizations.link(paused.id, { id: 'cc-paused', name: 'Paused' }, tokens);
    await organizations.setSyncEnabled(paused.id, false);
    await organizations.upsert({ tenant: 't-sync', groupUid: 'cld-unlinked', name: 'Unlinked' });
    const ids = (await organizations.listSyncable()).map((o) => o.id);
    assert.ok(ids.includes(live.id));
    assert.ok(!ids.includes(paused.id));
    assert.ok((await organizations.listSyncable()).every((o) => o.ccAccount !== null && o.syncEnabled));
  });

  it('a deleted organization loses its tokens and account link, and refuses new links and settings', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-gone', name: 'Gone' });
    await organizations.link(org.id, { id: 'cc-gone', name: 'Gone' }, tokens);
    const deleted = await organizations.markDeleted(org.id);
    assert.ok(deleted.deletedAt);
    assert.equal(deleted.syncEnabled, false);
    assert.equal(deleted.ccAccount, null);
    assert.equal(await organizations.getTokens(org.id), null);
    assert.equal(await organizations.findByCcAccount('cc-gone'), null);
    await assert.rejects(
      organizations.link(org.id, { id: 'cc-gone', name: 'Gone' }, tokens),
      OrganizationDeletedError,
    );
    await assert.rejects(
      organizations.updateSettings(org.id, { hardDeletes: true }),
      OrganizationDeletedError,
    );
    assert.equal(await organizations.acquireLease(org.id, 'worker-1', 60_000), false);
    // A relaunch from the dashboard does not bring it back to life.
    const again = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-gone', name: 'Gone' });
    assert.ok(again.deletedAt);
  });

  it('gives the sync lease to one holder at a time and recovers it once expired', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid: 'cld-lease', name: 'Lease' });
    const race = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((w) => organizations.acquireLease(org.id, w, 60_000)),
    );
    assert.equal(race.filter(Boolean).length, 1, 'exactly one racer wins');
    const winner = ['w1', 'w2', 'w3', 'w4'][race.indexOf(true)]!;
    const loser = winner === 'w1' ? 'w2' : 'w1';
    assert.equal(await organizations.acquireLease(org.id, winner, 60_000), true, 'the holder may renew');
    assert.equal(await organizations.acquireLease(org.id, loser, 60_000), false);

    db().clock.advance(61_000);
    assert.equal(await organizations.acquireLease(org.id, loser, 60_000), true, 'a stale lease is recovered');
    await organizations.releaseLease(org.id, winner);
    assert.equal(await organizations.acquireLease(org.id, 'w9', 60_000), false, 'only the holder releases');
    await organizations.releaseLease(org.id, loser);
    assert.equal(await organizations.acquireLease(org.id, 'w9', 60_000), true);
  });
});
