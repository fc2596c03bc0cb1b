import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { personContact } from '../../../src/mapping/person-contact.ts';
import { applyWritePlan } from '../../../src/sync/apply/apply-write-plan.ts';
import { type LinkOnWrite, WritePlan } from '../../../src/sync/apply/write-plan.ts';
import type { WriteResults } from '../../../src/sync/apply/write-results.ts';
import { type HubRecord, toItem } from '../../../src/sync/hub-item.ts';
import { recordWriteResults } from '../../../src/sync/record-write-results.ts';
import type { SyncContext } from '../../../src/sync/sync-context.ts';
import { TEST_DATABASES } from '../../helpers/databases.ts';
import { runContextFor } from '../../helpers/run-context.ts';
import { connecId, type SyncHarness, startSyncHarness } from '../../helpers/sync-harness.ts';

for (const kind of TEST_DATABASES) {
  describe(`applying a plan, then recording what it did [${kind}]`, () => {
    let h: SyncHarness;
    let ctx: SyncContext;

    before(async () => {
      h = await startSyncHarness({ kind, ccContacts: [{ email: 'held@example.com', first_name: 'Held' }] });
      ctx = await runContextFor(h);
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    function hubPerson(email: string, firstName: string) {
      const record = h.app.create('people', {
        first_name: firstName,
        email: { address: email },
        is_customer: true,
      });
      const item = toItem(personContact, record as HubRecord);
      assert.ok(item);
      return item;
    }

    it('answers what became of each write as data, and records nothing itself', async () => {
      const ada = hubPerson('ada@example.com', 'Ada');
      const held = hubPerson('held@example.com', 'Held');
      const plan = new WritePlan();
      plan.create(ada, 'ada@example.com');
      plan.create(held, 'held@example.com');
      plan.writeHub({
        kind: 'record',
        ref: { hubCollection: 'people', hubId: 'no-such-record' },
        contactId: 'c-none',
        email: 'ghost@example.com',
        patch: { first_name: 'Ghost' },
        ids: null,
        refusal: 'Connec! refused the update',
        link: null,
      });

      const results = await applyWritePlan(ctx, plan);

      const byEmail = new Map(results.creations.map((r) => [r.write.email, r]));
      const created = byEmail.get('ada@example.com');
      assert.equal(created?.ok, true);
      assert.equal(created?.ok && created.contact.email_address?.address, 'ada@example.com');
      const exists = byEmail.get('held@example.com');
      assert.equal(
        exists?.ok,
        'exists',
        'CC already holds the email: a contact to merge with, not a failure',
      );
      assert.equal(results.hub.length, 1);
      assert.equal(results.hub[0]?.ok, false);

      const maps = await h.repos.idMaps.findByHubIds(h.organization.id, 'people', [ada.hubId, held.hubId]);
      assert.equal(maps.size, 0, 'applying links nothing: recording does');
      assert.deepEqual(ctx.counts.cc, {
        created: 0,
        updated: 0,
        linked: 0,
        unchanged: 0,
        excluded: 0,
        failed: 0,
      });
    });

    it("links a record once CC holds its change, unless the hub refused the same record's half", async () => {
      const refusedOne = hubPerson('rita@example.com', 'Rita');
      const fine = hubPerson('finn@example.com', 'Finn');
      const contact = h.ccAccount.createContactAsUser({ email: 'rita@example.com', first_name: 'Rita' });
      const link = (item: typeof fine): LinkOnWrite => ({
        pair: {
          organizationId: h.organization.id,
          hubCollection: 'people',
          hubId: item.hubId,
          hub: item.shared,
          roles: item.roles,
          active: true,
          hubRaw: {},
        },
        email: item.shared.email,
        counted: 'linked',
      });
      const update = {
        contact,
        changed: { first_name: 'Rita' },
        listIds: [],
        links: [link(refusedOne), link(fine)],
      };
      const results: WriteResults = {
        hub: [
          {
            write: {
              kind: 'record',
              ref: { hubCollection: 'people', hubId: refusedOne.hubId },
              contactId: contact.contact_id,
              email: 'rita@example.com',
              patch: { last_name: 'Refused' },
              ids: null,
              refusal: 'Connec! refused the update',
              link: null,
            },
            ok: false,
            message: 'the record is locked',
          },
        ],
        deletions: [],
        creations: [],
        updates: [{ write: update, ok: true, contact }],
        listChanges: [],
      };

      const next = await recordWriteResults(ctx, results);

      assert.equal(next.isEmpty, true, 'nothing follows from an update');
      const refused = await h.repos.idMaps.findByHub(h.organization.id, 'people', refusedOne.hubId);
      assert.equal(refused?.state, 'failed');
      assert.equal(
        refused?.state === 'failed' && refused.reason,
        'Connec! refused the update: the record is locked',
      );
      const linked = await h.repos.idMaps.findByHub(h.organization.id, 'people', fine.hubId);
      assert.equal(linked?.state, 'linked');
      assert.equal(linked?.ccContactId, contact.contact_id);
      assert.equal(ctx.counts.hub.failed, 1);
      assert.equal(ctx.counts.cc.linked, 2, 'CC holds the change for both records');
    });

    it("plans what follows a creation: the new contact's id in its record", async () => {
      const nia = hubPerson('nia@example.com', 'Nia');
      const plan = new WritePlan();
      plan.create(nia, 'nia@example.com');
      const next = await recordWriteResults(ctx, await applyWritePlan(ctx, plan));
      assert.equal(next.hubWrites.length, 1);
      const [registration] = next.hubWrites;
      assert.equal(registration?.kind === 'record' && registration.ref.hubId, connecId(nia.record));
      const map = await h.repos.idMaps.findByHub(h.organization.id, 'people', nia.hubId);
      assert.equal(map?.state, 'linked', 'linked before the hub write that registers the id');
    });
  });
}
