import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PlatformEmulator, startPlatformEmulator } from '../../../sandbox/platform/index.ts';
import { ManualClock } from '../../../sandbox/shared/clock.ts';
import {
  basicAuth,
  GROUP_A,
  GROUP_B,
  startTestPlatform,
  tenantAuth,
  testSeed,
} from '../../helpers/platform-emulator.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON answers of many shapes
type Json = Record<string, any>;

describe('Connec! API of the platform emulator', () => {
  let platform: PlatformEmulator;
  const clock = new ManualClock('2026-02-01T00:00:00.000Z');

  const call = async (method: string, path: string, body?: unknown, auth = tenantAuth()) => {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: auth,
        'connec-external-ids': 'true',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const list = (query: string) => call('GET', `/api/v2/${GROUP_B}/people?${query}`);

  before(async () => {
    platform = await startTestPlatform({ clock });
    // Ten people in group B, one minute apart, alternating customer / lead.
    for (let i = 0; i < 10; i++) {
      clock.set(new Date(Date.parse('2026-02-01T00:00:00Z') + i * 60_000));
      const created = await call('POST', `/api/v2/${GROUP_B}/people`, {
        people: { first_name: `P${i}`, last_name: 'Test', is_customer: i % 2 === 0, is_lead: i % 2 === 1 },
      });
      assert.equal(created.status, 201);
    }
  });
  after(() => platform.close());

  it('refuses missing or wrong credentials with 401', async () => {
    assert.equal((await call('GET', `/api/v2/${GROUP_A}/people`, undefined, '')).status, 401);
    assert.equal(
      (await call('GET', `/api/v2/${GROUP_A}/people`, undefined, basicAuth('acme-api-id', 'nope'))).status,
      401,
    );
  });

  it("lists records with Connec!'s own id entry, the app's entry and the envelope", async () => {
    const { status, body } = await call('GET', `/api/v2/${GROUP_A}/people`);
    assert.equal(status, 200);
    assert.equal(body.people.length, 2);
    const carla = body.people[0];
    assert.equal(carla.group_id, GROUP_A);
    assert.equal(carla.id[0].provider, 'connec');
    assert.equal(carla.id[0].realm, 'org-aaaa', "realm is the organization's channel id, not the group id");
    assert.equal(carla.channel_id, 'org-aaaa');
    assert.equal(carla.resource_type, 'people');
    assert.equal(carla.id[1].provider, 'xero');
    assert.deepEqual(body.pagination, { top: 100, skip: 0, total: 2 });
    const company = await call('GET', `/api/v2/${GROUP_B}/company`);
    assert.equal(company.body.company.channel_id, 'org-bbbb');
    assert.equal(company.body.company.resource_type, 'company');
    assert.equal(company.body.company.id[0].realm, 'org-bbbb');
  });

  it("finds a record by Connec!'s own entry only under the organization's channel", async () => {
    const { body } = await call('GET', `/api/v2/${GROUP_A}/people?$top=1`);
    const own = body.people[0].id[0];
    const upsert = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { id: [own], job_title: 'Found by channel' },
    });
    assert.equal(upsert.status, 200);
    assert.equal(upsert.body.people.job_title, 'Found by channel');
    const byGroup = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { id: [{ ...own, realm: GROUP_A }], job_title: 'Wrong realm' },
    });
    assert.equal(byGroup.status, 404);
    assert.match(byGroup.body.errors[0].detail, /channel cld-aaaa \(this group's channel is org-aaaa\)/);
  });

  it('keeps channel_id and resource_type its own: a write cannot change them', async () => {
    const created = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { last_name: 'Rehomed', channel_id: 'org-bbbb', resource_type: 'employees' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.people.channel_id, 'org-aaaa');
    assert.equal(created.body.people.resource_type, 'people');
  });

  it('reads a body sent as application/vnd.api+json as JSON', async () => {
    const response = await fetch(`${platform.url}/api/v2/${GROUP_A}/people`, {
      method: 'POST',
      headers: {
        authorization: tenantAuth(),
        'connec-external-ids': 'true',
        'content-type': 'application/vnd.api+json',
      },
      body: JSON.stringify({ people: { first_name: 'Json', last_name: 'Api' } }),
    });
    assert.equal(response.status, 201);
    assert.equal(((await response.json()) as Json).people.last_name, 'Api');
    const broken = await fetch(`${platform.url}/api/v2/${GROUP_A}/people`, {
      method: 'POST',
      headers: { authorization: tenantAuth(), 'content-type': 'application/vnd.api+json' },
      body: '{"people": ',
    });
    assert.equal(broken.status, 400);
  });

  it('answers GET /version without credentials', async () => {
    const response = await fetch(`${platform.url}/version`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Json;
    assert.equal(body.app, 'connec');
    assert.equal(typeof body.version, 'string');
  });

  it('filters with each operator on dates and booleans', async () => {
    const count = async (filter: string) => {
      const { status, body } = await list(`$filter=${encodeURIComponent(filter)}`);
      assert.equal(status, 200, JSON.stringify(body));
      return body.people.length as number;
    };
    assert.equal(await count("updated_at eq '2026-02-01T00:03:00Z'"), 1);
    assert.equal(await count("updated_at ne '2026-02-01T00:03:00Z'"), 9);
    assert.equal(await count("updated_at gt '2026-02-01T00:03:00Z'"), 6);
    assert.equal(await count("updated_at ge '2026-02-01T00:03:00Z'"), 7);
    assert.equal(await count("updated_at lt '2026-02-01T00:03:00Z'"), 3);
    assert.equal(await count("updated_at le '2026-02-01T00:03:00Z'"), 4);
    assert.equal(await count('is_customer eq true'), 5);
    assert.equal(await count("is_lead eq true and updated_at gt '2026-02-01T00:04:00Z'"), 3);
    assert.equal(await count("first_name eq 'P7'"), 1);
  });

  it('answers an unsupported filter with 400 naming the problem', async () => {
    const { status, body } = await list(
      `$filter=${encodeURIComponent("first_name eq 'P1' or first_name eq 'P2'")}`,
    );
    assert.equal(status, 400);
    assert.match(body.errors[0].detail, /\$filter: 'or' .* not supported/);
    const top = await list('$top=1001');
    assert.equal(top.status, 400);
    assert.match(top.body.errors[0].detail, /\$top must be between 1 and 1000/);
  });

  it('orders and pages to the end with total and next links', async () => {
    const seen: string[] = [];
    let url: string | undefined = `/api/v2/${GROUP_B}/people?$orderby=updated_at%20desc&$top=3`;
    let pages = 0;
    while (url) {
      const { body } = await call('GET', url.replace(platform.url, ''));
      pages++;
      assert.equal(body.pagination.total, 10);
      seen.push(...body.people.map((p: Json) => p.first_name));
      url = body.pagination.next;
    }
    assert.equal(pages, 4);
    assert.deepEqual(seen, ['P9', 'P8', 'P7', 'P6', 'P5', 'P4', 'P3', 'P2', 'P1', 'P0']);
  });

  it("upserts by the caller's id entry and maintains updated_at", async () => {
    const own = { id: 'cc-contact-1', provider: 'constantcontact', realm: 'cc-account-1' };
    clock.set('2026-02-02T00:00:00.000Z');
    const first = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: {
        id: [own],
        first_name: 'Una',
        email: { address: 'una@example.com' },
        updated_at: '1999-01-01T00:00:00Z',
      },
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.people.updated_at, '2026-02-02T00:00:00.000Z');
    clock.set('2026-02-03T00:00:00.000Z');
    const second = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { id: [own], last_name: 'Upserted' },
    });
    assert.equal(second.status, 200);
    assert.deepEqual(second.body.people.id, first.body.people.id);
    assert.equal(second.body.people.first_name, 'Una');
    assert.equal(second.body.people.last_name, 'Upserted');
    assert.equal(second.body.people.created_at, '2026-02-02T00:00:00.000Z');
    assert.equal(second.body.people.updated_at, '2026-02-03T00:00:00.000Z');
    // Writing the same values again is not a change.
    clock.set('2026-02-04T00:00:00.000Z');
    const same = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { id: [own], last_name: 'Upserted' },
    });
    assert.equal(same.body.people.updated_at, '2026-02-03T00:00:00.000Z');
    const connecId = first.body.people.id[0].id;
    const put = await call('PUT', `/api/v2/${GROUP_A}/people/${connecId}`, {
      people: { job_title: 'Owner' },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.people.updated_at, '2026-02-04T00:00:00.000Z');
    const got = await call('GET', `/api/v2/${GROUP_A}/people/${connecId}`);
    assert.equal(got.body.people.job_title, 'Owner');
  });

  it('resolves references given as id arrays and shows them as id arrays', async () => {
    const org = await call('POST', `/api/v2/${GROUP_A}/organizations`, {
      organizations: {
        id: [{ id: 'cc-org-1', provider: 'constantcontact', realm: 'cc-account-1' }],
        name: 'Ref Org',
      },
    });
    const person = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: {
        last_name: 'Ref',
        organization_id: [{ id: 'cc-org-1', provider: 'constantcontact', realm: 'cc-account-1' }],
      },
    });
    assert.equal(person.status, 201);
    assert.deepEqual(person.body.people.organization_id, org.body.organizations.id);
    const dangling = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: {
        last_name: 'Dangling',
        organization_id: [{ id: 'nope', provider: 'constantcontact', realm: 'x' }],
      },
    });
    assert.equal(dangling.status, 400);
    assert.match(dangling.body.errors[0].detail, /organization_id/);
  });

  it('answers validation errors with 400 and unknown groups or records with 404', async () => {
    const blank = await call('POST', `/api/v2/${GROUP_A}/organizations`, {
      organizations: { email: { address: 'x@example.com' } },
    });
    assert.equal(blank.status, 400);
    assert.match(blank.body.errors[0].detail, /name can't be blank/);
    const typed = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { last_name: 'X', is_customer: 'yes' },
    });
    assert.equal(typed.status, 400);
    assert.match(typed.body.errors[0].detail, /is_customer must be true or false/);
    const ids = await call('POST', `/api/v2/${GROUP_A}/people`, {
      people: { last_name: 'X', id: [{ id: 'a' }] },
    });
    assert.match(ids.body.errors[0].detail, /id\[0\]\.provider/);
    assert.equal((await call('GET', `/api/v2/cld-none/people`)).status, 404);
    assert.equal((await call('GET', `/api/v2/${GROUP_A}/people/nope`)).status, 404);
    assert.equal((await call('GET', `/api/v2/${GROUP_A}/invoices`)).status, 404);
  });

  it('keeps one company per group, readable and writable', async () => {
    const company = await call('GET', `/api/v2/${GROUP_A}/company`);
    assert.equal(company.body.company.name, 'Alpha Bikes');
    const updated = await call('PUT', `/api/v2/${GROUP_A}/company`, {
      company: { website: { url: 'https://alpha.example.com' } },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.company.name, 'Alpha Bikes');
    assert.equal(updated.body.company.website.url, 'https://alpha.example.com');
  });

  it('runs a batch with per-operation results, successes and failures mixed', async () => {
    const { status, body } = await call('POST', '/batch', {
      sequential: true,
      ops: [
        {
          method: 'POST',
          url: `/api/v2/${GROUP_A}/people`,
          params: { people: { first_name: 'Batch', last_name: 'One' } },
        },
        {
          method: 'POST',
          url: `/api/v2/${GROUP_A}/organizations`,
          params: { organizations: { email: { address: 'no-name@example.com' } } },
        },
        {
          method: 'PUT',
          url: `/api/v2/${GROUP_A}/people/does-not-exist`,
          params: { people: { last_name: 'Ghost' } },
        },
        {
          method: 'POST',
          url: `${platform.url}/api/v2/${GROUP_A}/employees`,
          params: { employees: { first_name: 'Batch', last_name: 'Two' } },
        },
      ],
    });
    assert.equal(status, 200);
    assert.deepEqual(
      body.results.map((r: Json) => r.status),
      [201, 400, 404, 201],
    );
    assert.equal(body.results[0].body.people.first_name, 'Batch');
    assert.match(body.results[1].body.errors[0].detail, /name can't be blank/);
    const tooMany = await call('POST', '/batch', {
      sequential: true,
      ops: Array.from({ length: 101 }, () => ({})),
    });
    assert.equal(tooMany.status, 400);
  });

  it('shows bare Connec! ids without CONNEC-EXTERNAL-IDS', async () => {
    const response = await fetch(`${platform.url}/api/v2/${GROUP_A}/people?$top=1`, {
      headers: { authorization: tenantAuth() },
    });
    const body = (await response.json()) as Json;
    assert.equal(typeof body.people[0].id, 'string');
  });
});

describe("the platform emulator's organizations", () => {
  it('gives each organization its own channel id, and refuses a seed where two share one', async () => {
    const seed = testSeed();
    seed.organizations![1]!.channelId = 'org-aaaa';
    await assert.rejects(
      startPlatformEmulator({ seed }),
      /organizations cld-aaaa and cld-bbbb share the channel id org-aaaa/,
    );
    const named = testSeed();
    named.organizations![0]!.channelId = 'org-fbte';
    const platform = await startPlatformEmulator({ seed: named });
    try {
      const [person] = platform.records(GROUP_A, 'people');
      assert.deepEqual((person!.id as Json[])[0]!.realm, 'org-fbte');
    } finally {
      await platform.close();
    }
  });
});
