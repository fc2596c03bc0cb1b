import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CcContactUpdate } from '../../../src/constantcontact/types.ts';
import { leaveListsStillHeld } from '../../../src/sync/apply/lists-left-after-put.ts';
import type { SyncContext } from '../../../src/sync/sync-context.ts';
import { type SyncHarness, startSyncHarness } from '../../helpers/sync-harness.ts';

describe('leaving lists after a PUT', () => {
  let h: SyncHarness;
  let ctx: SyncContext;
  let ours: { customer: string; lead: string };
  let theirs: string;

  before(async () => {
    h = await startSyncHarness();
    ours = {
      customer: h.ccAccount.createList('Customer list').list_id,
      lead: h.ccAccount.createList('Lead list').list_id,
    };
    theirs = h.ccAccount.createList('Newsletter').list_id;
    // Only what leaveListsStillHeld reads of a run: the organization's CC client and the connector's lists.
    ctx = {
      cc: h.engine.cc.forOrganization(h.organization.id),
      lists: { ourListIds: new Set(Object.values(ours)) },
    } as unknown as SyncContext;
  });
  after(async () => {
    h.cc.assertConformant();
    await h.close();
  });

  async function put(email: string, lists: string[]) {
    const original = h.ccAccount.createContactAsUser({
      email,
      lists: ['Customer list', 'Lead list', 'Newsletter'],
    });
    const sent: CcContactUpdate = {
      email_address: { address: email },
      list_memberships: lists,
      update_source: 'Account',
    };
    const answer = await ctx.cc.contacts.update(original.contact_id, sent);
    return { original, sent, answer };
  }

  it('reads the contact when the answer has no lists, and leaves what it still holds by activity', async () => {
    h.cc.knobs.listMembershipsOnPut = 'additive';
    const { original, sent, answer } = await put('no-lists-answer@example.com', [ours.customer, theirs]);
    const { list_memberships: _omitted, ...withoutLists } = answer;
    h.cc.requestLog.clear();
    const held = await leaveListsStillHeld(ctx, original, sent, withoutLists);
    const calls = h.cc.requestLog.countByEndpoint();
    assert.equal(calls['GET /v3/contacts/:contact_id'], 1, JSON.stringify(calls));
    assert.equal(calls['POST /v3/activities/remove_list_memberships'], 1, JSON.stringify(calls));
    assert.deepEqual([...(held.list_memberships ?? [])].sort(), [ours.customer, theirs].sort());
    assert.deepEqual(
      [...(h.ccAccount.contact(original.contact_id)?.list_memberships ?? [])].sort(),
      [ours.customer, theirs].sort(),
      'CC has it before the function returns',
    );
  });

  it('spends nothing more when the PUT already left the lists', async () => {
    h.cc.knobs.listMembershipsOnPut = 'replace';
    const { original, sent, answer } = await put('replaced@example.com', [ours.customer, theirs]);
    h.cc.requestLog.clear();
    const held = await leaveListsStillHeld(ctx, original, sent, answer);
    assert.equal(h.cc.requestLog.count(), 0);
    assert.deepEqual(held.list_memberships, answer.list_memberships);
  });

  it("never takes the contact out of a list that is not the connector's", async () => {
    h.cc.knobs.listMembershipsOnPut = 'additive';
    // A body cut short (e.g. at CC's 50 lists) leaves out the user's list: the connector did not mean to leave it.
    const { original, sent, answer } = await put('cut-short@example.com', [ours.customer]);
    const held = await leaveListsStillHeld(ctx, original, sent, answer);
    assert.deepEqual([...(held.list_memberships ?? [])].sort(), [ours.customer, theirs].sort());
    assert.ok(h.ccAccount.contact(original.contact_id)?.list_memberships?.includes(theirs));
    h.cc.knobs.listMembershipsOnPut = 'replace';
  });

  it('fills in the sub-resources the answer leaves out with what CC keeps', async () => {
    const field = h.ccAccount.createCustomFieldAsUser({ label: 'Tier' });
    const original = h.ccAccount.createContactAsUser({
      email: 'sub-resources@example.com',
      phone_numbers: [{ phone_number: '555-0111', kind: 'home' }],
      custom_fields: [{ custom_field_id: field.custom_field_id, value: 'Gold' }],
    });
    const sent: CcContactUpdate = {
      email_address: { address: 'sub-resources@example.com' },
      phone_numbers: [{ phone_number: '555-0122', kind: 'work' }],
      list_memberships: [],
      update_source: 'Account',
    };
    const answer = await ctx.cc.contacts.update(original.contact_id, sent);
    const { phone_numbers: _p, custom_fields: _c, ...bare } = answer;
    const held = await leaveListsStillHeld(ctx, original, sent, bare);
    assert.deepEqual(held.phone_numbers, sent.phone_numbers, 'what was sent');
    assert.deepEqual(held.custom_fields, original.custom_fields, 'what the contact had, since none was sent');
  });
});
