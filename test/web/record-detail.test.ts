import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ContactSnapshot } from '../../src/sync/contact-snapshot.ts';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const ann = {
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  job_title: 'Head buyer',
  company_name: null,
  phone_home: null,
  phone_mobile: null,
  phone_work: null,
  address_work: null,
};

describe("a record's detail page", () => {
  let t: WebTestApp;
  let member: { cookie: string; location: string };
  let other: { cookie: string; location: string };
  let recordId: string;

  before(async () => {
    t = await startWebTestApp();
    member = await t.signIn({ uid: 'usr-a', groupUid: 'cld-a', groupName: 'Alpha', role: 'Member' });
    other = await t.signIn({ uid: 'usr-b', groupUid: 'cld-b', groupName: 'Beta', role: 'Admin' });
    const organizationId = member.location.split('/').pop()!;
    const snapshot: ContactSnapshot = {
      hub: ann,
      cc: ann,
      roles: ['customer'],
      active: true,
      hubRaw: {},
      history: {
        toHub: { at: '2026-05-01T09:00:00.000Z', fields: ['last_name'] },
        toCc: { at: '2026-05-02T10:00:00.000Z', fields: ['job_title'] },
        conflicts: {
          at: '2026-05-02T10:00:00.000Z',
          items: [
            {
              field: 'job_title',
              hub: 'Head buyer',
              cc: 'Buyer',
              chosen: 'hub',
              rule: 'newer',
              winner: 'newest',
              hubUpdatedAt: '2026-05-02T09:59:00.000Z',
              ccUpdatedAt: '2026-05-02T08:00:00.000Z',
            },
          ],
        },
      },
    };
    const map = await t.repos.idMaps.link({
      organizationId,
      hubCollection: 'people',
      hubId: 'hub-ann',
      ccContactId: 'cc-ann',
      email: 'ann@example.com',
      hubHash: 'h',
      ccHash: 'c',
      snapshot: snapshot as unknown as Record<string, unknown>,
    });
    recordId = map.id;
  });
  after(async () => {
    await t.close();
  });

  it('shows the last change to each side and which side won a conflict, and why', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: `${member.location}/records/${recordId}`,
      headers: { cookie: member.cookie },
    });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /<h1>Ann Lee<\/h1>/);
    assert.match(page.body, /data-side="hub">last name <span class="muted">\(2026-05-01 09:00 UTC\)/);
    assert.match(page.body, /data-side="cc">job title <span class="muted">\(2026-05-02 10:00 UTC\)/);
    assert.match(
      page.body,
      /<td data-label="In Connec!">Head buyer<\/td>\n<td data-label="In Constant Contact">Buyer<\/td>\n<td data-label="Kept" class="nowrap">Connec!<\/td>\n<td data-label="Why">Connec! changed it last \(Connec! 2026-05-02 09:59 UTC, Constant Contact 2026-05-02 08:00 UTC\); the newer change wins\.<\/td>/,
    );
  });

  it('is linked from the shared records', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: member.location,
      headers: { cookie: member.cookie },
    });
    assert.match(page.body, new RegExp(`<a href="${member.location}/records/${recordId}">Ann Lee</a>`));
  });

  it("is not shown to another organization's members, nor for an unknown record", async () => {
    const foreign = await t.app.inject({
      method: 'GET',
      url: `${other.location}/records/${recordId}`,
      headers: { cookie: other.cookie },
    });
    assert.equal(foreign.statusCode, 404);
    assert.doesNotMatch(foreign.body, /Ann/);
    const crossed = await t.app.inject({
      method: 'GET',
      url: `${member.location}/records/${recordId}`,
      headers: { cookie: other.cookie },
    });
    assert.equal(crossed.statusCode, 403);
  });
});
