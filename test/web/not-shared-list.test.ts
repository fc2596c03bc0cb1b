import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const NO_EMAIL = 'The record has no email';
const REFUSED = 'Constant Contact refused it: invalid phone';

describe('the "Not shared" list: retry, filter by reason, export as CSV', () => {
  let t: WebTestApp;
  let admin: { cookie: string; location: string; csrf: string };
  let organizationId: string;

  before(async () => {
    t = await startWebTestApp();
    const signedIn = await t.signIn({ uid: 'usr-ns', groupUid: 'cld-ns', role: 'Admin' });
    organizationId = signedIn.location.split('/').pop()!;
    for (const n of [1, 2]) {
      await t.repos.idMaps.exclude({
        organizationId,
        hubCollection: 'people',
        hubId: `p-${n}`,
        email: null,
        reason: NO_EMAIL,
        hubHash: 'h',
      });
    }
    await t.repos.idMaps.recordFailure({
      organizationId,
      hubCollection: 'organizations',
      key: { hubId: 'o-1' },
      email: '=HYPERLINK("http://evil.example")@example.com',
      reason: REFUSED,
    });
    const page = await t.app.inject({
      method: 'GET',
      url: signedIn.location,
      headers: { cookie: signedIn.cookie },
    });
    admin = { ...signedIn, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
  });
  after(async () => {
    await t.close();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
  const rowsOf = (body: string) =>
    (/id="not-shared-table"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '').split('<tr>').length -
    1;

  it('offers each reason with how many records it holds, and shows only those of the reason chosen', async () => {
    const all = await get(admin.location);
    assert.match(all.body, /<option value="">All reasons \(3\)<\/option>/);
    assert.match(all.body, new RegExp(`<option value="${NO_EMAIL}">${NO_EMAIL} \\(2\\)</option>`));
    assert.match(all.body, /invalid phone \(1\)<\/option>/);
    assert.equal(rowsOf(all.body), 3);
    assert.match(all.body, /<h2 id="not-shared-heading">Connec! records not shared<\/h2>/);
    assert.match(
      all.body,
      /<p class="muted">3 Connec! records not shared\.<\/p>/,
      'the count says what it counts',
    );
    const filtered = await get(`${admin.location}?reason=${encodeURIComponent(NO_EMAIL)}`);
    assert.equal(rowsOf(filtered.body), 2);
    assert.doesNotMatch(filtered.body.split('id="not-shared-table"')[1]!, /invalid phone<\/td>/);
    assert.match(filtered.body, new RegExp(`<option value="${NO_EMAIL}" selected>`));
  });

  it('exports the list, or the filtered part, as CSV a spreadsheet reads safely', async () => {
    const csv = await get(`${admin.location}/not-shared.csv`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(
      String(csv.headers['content-disposition']),
      /^attachment; filename="not-shared-\d{4}-\d\d-\d\d\.csv"$/,
    );
    assert.equal(csv.headers['cache-control'], 'no-store');
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      '"Email","In Connec!","Connec! id","Constant Contact id","Status","Reason","Next try (UTC)"',
    );
    assert.equal(lines.length, 4);
    const failed = lines.find((l) => l.includes('invalid phone'))!;
    assert.ok(
      failed.startsWith(`"'=hyperlink(""http://evil.example"")@example.com","Organization","o-1",""`),
      failed,
    );
    const filtered = await get(`${admin.location}/not-shared.csv?reason=${encodeURIComponent(REFUSED)}`);
    assert.equal(filtered.body.trimEnd().split('\r\n').length, 2);
  });

  it('retries one failed record, or all of them, at once', async () => {
    const post = (fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `${admin.location}/retry`,
        payload: new URLSearchParams({ _csrf: admin.csrf, ...fields }).toString(),
        headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    const failed = await t.repos.idMaps.findByHub(organizationId, 'organizations', 'o-1');
    assert.ok(failed?.state === 'failed' && Date.parse(failed.nextRetryAt) > Date.now(), 'backing off');
    const page = await get(admin.location);
    assert.match(page.body, new RegExp(`name="id" value="${failed.id}"`), 'a Retry button on the failed row');
    assert.match(page.body, /Retry all failing \(1 Connec! record\)/);
    assert.equal((await post({ id: failed.id })).statusCode, 303);
    const due = await t.repos.idMaps.findByHub(organizationId, 'organizations', 'o-1');
    assert.ok(due?.state === 'failed' && Date.parse(due.nextRetryAt) <= Date.now(), 'due now');
    assert.deepEqual(t.scheduler.calls.at(-1), undefined, 'not linked: no run to ask for');
    assert.equal((await post({})).statusCode, 303);
  });
});
