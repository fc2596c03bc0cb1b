import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { localTimes } from '../../src/time-text.ts';
import { contactsOnPage } from '../../src/web/contact-lists.ts';
import { renderSharedContacts } from '../../src/web/views/shared-contacts.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

for (const kind of TEST_DATABASES) {
  describe(`the shared records show the lists CC really has [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind });
    });
    after(async () => {
      await h.close();
    });

    async function renderedRow(email: string): Promise<string> {
      const shared = await h.repos.sharedContacts.page(h.organization.id, {
        search: email,
        limit: 5,
        offset: 0,
      });
      const contacts = await contactsOnPage(
        h.repos,
        h.organization.id,
        shared.items.map((c) => c.ccContactId),
      );
      return renderSharedContacts({
        items: shared.items,
        contacts,
        totals: shared,
        links: { href: () => '#', offset: 0, total: shared.contacts, anchor: 'shared' },
        search: email,
        companyProfile: null,
        base: '/o',
        times: localTimes(null, new Date()),
      }).toString();
    }

    it('a contact created in CC in a list of its own shows that list, and "Customer list" once it joined', async () => {
      h.ccAccount.createList('Newsletter');
      h.ccAccount.createContactAsUser({
        email: 'reader@example.com',
        first_name: 'Rea',
        last_name: 'Der',
        lists: ['Newsletter'],
      });
      await syncOk(h);
      const row = await renderedRow('reader@');
      assert.match(row, /<span class="tag">Customer list<\/span> <span class="muted">1 other list<\/span>/);
    });

    it('a contact that left the lists in CC shows none, whatever its hub roles say', async () => {
      h.ccAccount.createContactAsUser({ email: 'leaver@example.com', first_name: 'Lea', last_name: 'Ver' });
      await syncOk(h);
      assert.match(await renderedRow('leaver@'), /Customer list/);
      const contact = h.ccAccount.contact('leaver@example.com')!;
      // The copy is what the page reads: CC's change shows once a run has read it.
      h.ccAccount.updateContactAsUser(contact.contact_id, { lists: [] });
      await syncOk(h);
      const row = await renderedRow('leaver@');
      assert.doesNotMatch(row, /Customer list/);
      assert.match(row, /data-label="Constant Contact lists"><span class="muted">—<\/span>/);
    });
  });
}
