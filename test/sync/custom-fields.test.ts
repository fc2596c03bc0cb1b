import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { connecId, type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

const byField = (fields: Array<{ custom_field_id: string }> | undefined) =>
  [...(fields ?? [])].sort((a, b) => a.custom_field_id.localeCompare(b.custom_field_id));

for (const kind of TEST_DATABASES) {
  for (const mode of ['replace', 'additive'] as const) {
    describe(`custom fields the user keeps in CC [${kind}, PUT list_memberships: ${mode}]`, () => {
      let h: SyncHarness;
      before(async () => {
        h = await startSyncHarness({ kind });
        h.cc.knobs.listMembershipsOnPut = mode;
      });
      after(async () => {
        h.cc.assertConformant();
        await h.close();
      });

      it("survive the connector's updates of the contact's fields and lists", async () => {
        const person = h.app.create('people', {
          first_name: 'Cleo',
          last_name: 'Custom',
          email: { address: 'cleo@example.com' },
          is_customer: true,
          is_lead: true,
        });
        await syncOk(h);
        const contactId = h.ccAccount.contact('cleo@example.com')!.contact_id;

        // The user fills in text and select fields on the contact in CC; in the same run the hub changes it.
        h.ccAccount.setCustomFieldsAsUser(contactId, { 'Loyalty tier': 'Gold', 'Frame size': '56' });
        const colour = h.ccAccount.customFields.create({
          label: 'Favourite colour',
          type: 'single_select',
          choices: [{ choice_label: 'Red' }, { choice_label: 'Blue' }],
        });
        assert.ok(colour.ok);
        const blue = colour.field.choices!.find((c) => c.choice_label === 'Blue')!;
        h.ccAccount.updateContactAsUser(contactId, {
          custom_fields: [
            { custom_field_id: colour.field.custom_field_id, choice_ids: [String(blue.choice_id)] },
          ],
        });
        const kept = byField(h.ccAccount.contact(contactId)?.custom_fields);
        assert.equal(kept.length, 3);
        h.app.update('people', connecId(person), { job_title: 'Captain' });
        h.cc.requestLog.clear();
        await syncOk(h);
        assert.equal(h.cc.requestLog.countByEndpoint()['PUT /v3/contacts/:contact_id'], 1);
        assert.equal(h.ccAccount.contact(contactId)?.job_title, 'Captain');
        assert.deepEqual(byField(h.ccAccount.contact(contactId)?.custom_fields), kept);

        // A later run that only takes the contact out of a list keeps them too.
        h.app.update('people', connecId(person), { is_lead: false });
        await syncOk(h);
        const contact = h.ccAccount.contact(contactId)!;
        assert.deepEqual(contact.list_memberships, [h.ccAccount.findListByName('Customer list')!.list_id]);
        assert.deepEqual(byField(contact.custom_fields), kept);
      });
    });
  }
}
