import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defineContactMapping } from '../../src/mapping/define-contact-mapping.ts';
import { employeeContact } from '../../src/mapping/employee-contact.ts';
import { organizationContact } from '../../src/mapping/organization-contact.ts';
import { personContact } from '../../src/mapping/person-contact.ts';
import { defineMappingRegistry, MAPPINGS } from '../../src/mapping/registry.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { connecId, type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

/**
 * A collection the product does not share, added the way a new one would be: its mapping (declared here,
 * as a mapping file would) and a registry naming it. Nothing else of the connector knows of it.
 */
const memberContact = defineContactMapping({
  hubCollection: 'members',
  entity: 'member',
  label: 'Member',
  collectionLabel: 'Members',
  flows: { hubToCc: true, ccToHub: true },
  text: {
    email: 'contact.email',
    first_name: 'given_name',
    last_name: 'family_name',
  },
  lists: { flags: { customer: 'is_member', lead: 'is_prospect' } },
  status: 'status',
});

/** Members come first in primacy, and a contact created in CC becomes a member. */
const withMembers = defineMappingRegistry({
  contacts: [memberContact, personContact, organizationContact, employeeContact],
  ccBorn: { mapping: memberContact, defaultRole: 'customer' },
});

const emailOf = (r: Record<string, unknown>) => (r.contact as { email?: string } | undefined)?.email;

for (const kind of TEST_DATABASES) {
  describe(`a fourth hub collection, added by its mapping and the registry only [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind, mappings: withMembers });
    });
    after(async () => {
      h.cc.assertConformant();
      await h.close();
    });

    it('shares a member another app creates as a contact in the list of its flag', async () => {
      h.app.create('members', {
        given_name: 'Mia',
        family_name: 'Moss',
        contact: { email: 'mia@example.com' },
        is_member: true,
      });
      const run = await syncOk(h);
      const mia = h.ccAccount.contact('mia@example.com');
      assert.equal(mia?.first_name, 'Mia');
      assert.equal(mia?.last_name, 'Moss');
      assert.deepEqual(
        h.contactsInList('Customer list').map((c) => c.email_address?.address),
        ['mia@example.com'],
      );
      assert.equal(run.counts.cc.created, 1);
      const [member] = h.hubRecords('members');
      assert.ok(member);
      const map = await h.repos.idMaps.findByHub(h.organization.id, 'members', connecId(member));
      assert.equal(map?.state, 'linked');
      assert.equal(map?.ccContactId, mia?.contact_id);
      assert.equal(withMembers.recordLabel('members'), 'Member');
      assert.equal(MAPPINGS.recordLabel('members'), 'members', 'the product registry does not know it');
    });

    it('gives a contact shared with a person the fields of the member, first in the registry', async () => {
      h.app.create('people', {
        first_name: 'Pat',
        last_name: 'Person',
        email: { address: 'shared@example.com' },
        is_customer: true,
      });
      h.app.create('members', {
        given_name: 'Max',
        family_name: 'Member',
        contact: { email: 'shared@example.com' },
        is_prospect: true,
      });
      await syncOk(h);
      const shared = h.ccAccount.contacts().filter((c) => c.email_address?.address === 'shared@example.com');
      assert.equal(shared.length, 1, 'one contact for both records');
      assert.equal(shared[0]?.first_name, 'Max');
      const lists = ['Customer list', 'Lead list'].filter((name) =>
        h.contactsInList(name).some((c) => c.contact_id === shared[0]?.contact_id),
      );
      assert.deepEqual(lists, ['Customer list', 'Lead list'], 'in the lists of both records');
    });

    it('brings a change made in CC back to the member', async () => {
      const mia = h.ccAccount.contact('mia@example.com');
      assert.ok(mia);
      h.ccAccount.updateContactAsUser(mia.contact_id, { first_name: 'Mina' });
      await syncOk(h);
      const member = h.hubRecords('members').find((m) => emailOf(m) === 'mia@example.com');
      assert.equal(member?.given_name, 'Mina');
    });

    it('makes a contact created in CC a member, as the registry says, in the role of its list', async () => {
      h.ccAccount.createContactAsUser({ email: 'nova@example.com', first_name: 'Nova' });
      const run = await syncOk(h);
      assert.equal(run.counts.hub.created, 1);
      const nova = h.hubRecords('members').find((m) => emailOf(m) === 'nova@example.com');
      assert.equal(nova?.given_name, 'Nova');
      assert.equal(nova?.is_member, true, 'in the default role: a customer');
      assert.equal(
        h
          .hubRecords('people')
          .some((p) => (p.email as { address?: string } | undefined)?.address === 'nova@example.com'),
        false,
        'not a person',
      );
      assert.ok(
        h.contactsInList('Customer list').some((c) => c.email_address?.address === 'nova@example.com'),
        'and joins Customer list in CC',
      );
    });

    it('flows every way its mapping can until an admin chooses, and stops when the admin turns it off', async () => {
      assert.equal(withMembers.directionOf(h.organization.settings.directions, 'members'), 'both');
      await h.repos.organizations.updateSettings(h.organization.id, { directions: { members: 'off' } });
      h.app.create('members', {
        given_name: 'Otto',
        contact: { email: 'otto@example.com' },
        is_member: true,
      });
      await syncOk(h);
      assert.equal(h.ccAccount.contact('otto@example.com'), undefined, 'not shared while off');
      await h.repos.organizations.updateSettings(h.organization.id, { directions: { members: 'both' } });
    });
  });
}
