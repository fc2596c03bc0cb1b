import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newPollState } from '../../src/jobs/poll-planner.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

const bounds = { minMs: 15 * 60_000, maxMs: 24 * 3_600_000 };
const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: '2026-03-02T09:00:00.000Z' };

describeEachDatabase('poll states', (db) => {
  async function linkedOrganization(groupUid: string) {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 'maestrano', groupUid, name: groupUid });
    await organizations.link(org.id, { id: `cc-${groupUid}`, name: groupUid }, tokens);
    return org;
  }

  it('lists every syncable organization, with no state until the planner stores one', async () => {
    const { organizations, pollStates } = db().repos;
    const linked = await linkedOrganization('ps-linked');
    const unlinked = await organizations.upsert({ tenant: 'maestrano', groupUid: 'ps-unlinked', name: 'U' });
    const paused = await linkedOrganization('ps-paused');
    await organizations.setSyncEnabled(paused.id, false);
    const lost = await linkedOrganization('ps-lost');
    await organizations.markNeedsReconnect(lost.id, 'authorization revoked');

    const listed = await pollStates.listSyncable();
    const ids = listed.map((row) => row.organizationId);
    assert.ok(ids.includes(linked.id));
    for (const left of [unlinked, paused, lost])
      assert.ok(!ids.includes(left.id), `${left.groupUid} is not polled`);
    assert.deepEqual(
      listed.find((row) => row.organizationId === linked.id),
      { organizationId: linked.id, tenant: 'maestrano', state: null },
    );
    assert.equal(await pollStates.get(linked.id), null);
  });

  it('saves many states in one go, replacing what was stored, and reads them back whole', async () => {
    const { pollStates } = db().repos;
    const orgs = await Promise.all(['ps-a', 'ps-b', 'ps-c'].map(linkedOrganization));
    const first = orgs.map((o) => newPollState(o.id, o.tenant, bounds));
    await pollStates.saveMany(first);
    const polled = {
      ...first[1]!,
      lastPolledAt: Date.UTC(2026, 2, 1, 9),
      intervalMs: 2 * bounds.minMs,
      activeHours: 1 << 9,
      pollCallsDay: Date.UTC(2026, 2, 1),
      pollCallsToday: 3,
      callsInFlight: 2,
      backlog: true,
    };
    await pollStates.saveMany([polled]);

    assert.deepEqual(await pollStates.get(orgs[1]!.id), polled);
    assert.deepEqual(await pollStates.get(orgs[0]!.id), first[0]);
    const listed = await pollStates.listSyncable();
    for (const state of [first[0], polled, first[2]]) {
      assert.deepEqual(listed.find((row) => row.organizationId === state!.organizationId)?.state, state);
    }
  });

  it('saves more states than one statement carries', async () => {
    const { pollStates } = db().repos;
    const orgs = [];
    for (let i = 0; i < 205; i++) orgs.push(await linkedOrganization(`ps-many-${i}`));
    await pollStates.saveMany(
      orgs.map((o) => ({ ...newPollState(o.id, o.tenant, bounds), pollCallsToday: 1 })),
    );
    const many = new Set(orgs.map((o) => o.id));
    const saved = (await pollStates.listSyncable()).filter(
      (row) => many.has(row.organizationId) && row.state?.pollCallsToday === 1,
    );
    assert.equal(saved.length, orgs.length);
  });
});
