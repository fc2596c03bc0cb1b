import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CcContact } from '../../src/constantcontact/types.ts';
import type { ListRole } from '../../src/mapping/list-roles.ts';
import type { ContactSnapshot } from '../../src/sync/contact-snapshot.ts';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const fields = (first: string | null, last: string | null, company: string | null, email: string) => ({
  email,
  first_name: first,
  last_name: last,
  job_title: null,
  company_name: company,
  phone_home: null,
  phone_mobile: null,
  phone_work: null,
  address_work: null,
});

const snapshotOf = (shared: ReturnType<typeof fields>, roles: ListRole[]) =>
  ({
    hub: shared,
    cc: shared,
    roles,
    active: true,
    hubRaw: {},
  }) satisfies ContactSnapshot as unknown as Record<string, unknown>;

describe('the shared contacts of the connector page', () => {
  let t: WebTestApp;
  let admin: { cookie: string; location: string };
  let organizationId: string;
  const ids: Record<string, string> = {};

  const link = async (
    key: string,
    hubCollection: string,
    ccContactId: string,
    shared: ReturnType<typeof fields>,
    roles: ListRole[],
  ) => {
    t.db.clock.advance(60_000);
    const map = await t.repos.idMaps.link({
      organizationId,
      hubCollection,
      hubId: `hub-${key}`,
      ccContactId,
      email: shared.email,
      hubHash: 'h',
      ccHash: 'c',
      snapshot: snapshotOf(shared, roles),
    });
    ids[key] = map.id;
  };

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
  const rowOf = (body: string, contactId: string) =>
    new RegExp(`<tr data-contact="${contactId}">([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';

  before(async () => {
    t = await startWebTestApp();
    admin = await t.signIn({ uid: 'usr-sc', groupUid: 'cld-sc', groupName: 'Sam Bakery', role: 'Admin' });
    organizationId = admin.location.split('/').pop()!;
    await t.repos.organizations.link(
      organizationId,
      { id: 'acct-sc', name: 'Sam CC' },
      { accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
    );
    // Sam the lead and his customer Corner Cafe use one email: Constant Contact holds one contact for both.
    await link('sam', 'people', 'c-sam', fields('Sam', 'Shared', null, 'sam@example.com'), ['lead']);
    await link('cafe', 'organizations', 'c-sam', fields(null, null, 'Corner Cafe', 'sam@example.com'), [
      'customer',
    ]);
    await link('ann', 'people', 'c-ann', fields('Ann', 'Lee', null, 'ann@example.com'), ['customer']);
    await link('company', 'company', 'acct-sc', fields(null, null, 'Sam Bakery', 'owner@example.com'), []);
    await t.repos.ccMirror.saveListId(organizationId, 'customer', 'list-customers');
    await t.repos.ccMirror.saveListId(organizationId, 'lead', 'list-leads');
    const contact: CcContact = {
      contact_id: 'c-sam',
      email_address: { address: 'sam@example.com' },
      first_name: 'Sam',
      last_name: 'Shared',
      company_name: 'Corner Cafe',
      list_memberships: ['list-customers', 'list-leads', 'list-newsletter'],
    };
    await t.repos.ccMirror.recordWritten(organizationId, [contact]);
    await t.repos.idMaps.exclude({
      organizationId,
      hubCollection: 'people',
      hubId: 'hub-nora',
      email: null,
      reason: 'The record has no email',
    });
  });
  after(async () => {
    await t.close();
  });

  it('lists a contact shared by two Connec! records once, with both records behind it', async () => {
    const page = await get(admin.location);
    assert.equal(page.statusCode, 200);
    assert.equal(page.body.split('<tr data-contact="c-sam">').length - 1, 1, 'one row for the contact');
    const sam = rowOf(page.body, 'c-sam');
    assert.match(sam, /<td data-label="Contact">Sam Shared<\/td>/);
    assert.match(sam, /<td data-label="Email">sam@example\.com<\/td>/);
    assert.match(
      sam,
      /<span class="tag">Customer list<\/span><span class="tag">Lead list<\/span> <span class="muted">1 other list<\/span>/,
    );
    assert.match(
      sam,
      new RegExp(
        `<li>Person <span class="muted">\\(lead\\)</span>: <a href="${admin.location}/records/${ids.sam}">Sam Shared</a></li>` +
          `<li>Organization <span class="muted">\\(customer\\)</span>: <a href="${admin.location}/records/${ids.cafe}">Corner Cafe</a></li>`,
      ),
      'its records in the order they were linked, each linking to its detail page',
    );
    const cafe = (await t.repos.idMaps.get(organizationId, ids.cafe!))!;
    assert.match(
      sam,
      new RegExp(`data-label="Last synced"><time datetime="${cafe.lastSyncedAt}">`),
      'the latest of its records',
    );
    assert.match(rowOf(page.body, 'c-ann'), /<a href="[^"]+">Ann Lee<\/a>/);
    assert.doesNotMatch(page.body, /data-contact="acct-sc"/, 'the company profile is no contact');
    assert.match(
      page.body,
      new RegExp(
        `<p data-company-profile>The company profile is shared with the Constant Contact account's details .*<a href="${admin.location}/records/${ids.company}">Company profile details</a></p>`,
      ),
    );
  });

  it('says what each count counts: contacts shared, the Connec! records behind them, records not shared', async () => {
    const page = await get(admin.location);
    assert.match(
      page.body,
      /<dt>Shared<\/dt><dd data-count="shared">2 contacts, from 3 Connec! records, and the company profile<\/dd>/,
    );
    assert.match(page.body, /<dt>Not shared<\/dt><dd data-count="not-shared">1 Connec! record<\/dd>/);
    assert.match(page.body, /<p data-shared-count>2 contacts shared, from 3 Connec! records\.<\/p>/);
    assert.match(page.body, /<h2 id="shared-heading">Shared contacts<\/h2>/);
    assert.match(page.body, /<p class="muted">1 Connec! record not shared\.<\/p>/);
    const searched = await get(`${admin.location}?q=SAM%40`);
    assert.match(searched.body, /<p data-shared-count>1 contact matches, from 2 Connec! records\.<\/p>/);
    assert.doesNotMatch(searched.body, /data-contact="c-ann"/);
  });

  it("names, on a record's page, the other records sharing its contact", async () => {
    const sam = await get(`${admin.location}/records/${ids.sam}`);
    assert.match(
      sam.body,
      new RegExp(
        `<p data-also-shared>This contact is also shared from: <a href="${admin.location}/records/${ids.cafe}">Corner Cafe</a> <span class="muted">\\(Organization\\)</span>\\.</p>`,
      ),
    );
    const cafe = await get(`${admin.location}/records/${ids.cafe}`);
    assert.match(
      cafe.body,
      new RegExp(`also shared from: <a href="${admin.location}/records/${ids.sam}">Sam Shared</a>`),
    );
    const ann = await get(`${admin.location}/records/${ids.ann}`);
    assert.doesNotMatch(ann.body, /also shared from/, 'a contact of its own');
    const company = await get(`${admin.location}/records/${ids.company}`);
    assert.doesNotMatch(company.body, /also shared from/);
  });

  it('pages by contact: twenty contacts a page, whatever the records behind them', async () => {
    for (let n = 0; n < 20; n++) {
      const email = `guest${n}@example.com`;
      await link(`guest${n}`, 'people', `c-guest${n}`, fields('Guest', String(n), null, email), ['customer']);
    }
    const first = await get(admin.location);
    assert.match(first.body, /<p data-shared-count>22 contacts shared, from 23 Connec! records\.<\/p>/);
    assert.equal(first.body.split('<tr data-contact=').length - 1, 20);
    assert.match(first.body, /<span>1–20 of 22 contacts<\/span>/);
    const second = await get(`${admin.location}?offset=20`);
    assert.match(second.body, /<span>21–22 of 22 contacts<\/span>/);
    assert.deepEqual(
      [...second.body.matchAll(/<tr data-contact="([^"]+)">/g)].map((m) => m[1]),
      ['c-ann', 'c-sam'],
      'the least recently synced last, Sam once',
    );
  });
});
