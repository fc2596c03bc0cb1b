import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PlatformEmulator } from '../../../sandbox/platform/index.ts';
import {
  ADMIN,
  basicAuth,
  GROUP_A,
  GROUP_B,
  MEMBER,
  startTestPlatform,
  TEST_TENANT,
  tenantAuth,
} from '../../helpers/platform-emulator.ts';

describe('dashboard and account webhooks', () => {
  let platform: PlatformEmulator;
  let connector: FastifyInstance;
  let connectorUrl: string;
  const calls: { method: string; url: string; authorization: string | undefined }[] = [];

  before(async () => {
    connector = Fastify();
    connector.all('/*', async (req, reply) => {
      calls.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      return reply.code(204).send();
    });
    connectorUrl = await connector.listen({ port: 0, host: '127.0.0.1' });
    platform = await startTestPlatform({ connectorUrl });
  });
  after(async () => {
    await platform.close();
    await connector.close();
  });

  async function signIn(email: string, password: string) {
    const response = await fetch(`${platform.url}/dashboard/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password }),
      redirect: 'manual',
    });
    return { status: response.status, cookie: response.headers.get('set-cookie')?.split(';')[0] ?? '' };
  }
  const post = (path: string, cookie: string) =>
    fetch(`${platform.url}${path}`, { method: 'POST', headers: { cookie }, redirect: 'manual' });

  it('refuses a wrong password and shows a signed-in user their organizations', async () => {
    assert.equal((await signIn(ADMIN.email, 'wrong')).status, 401);
    const { cookie } = await signIn(ADMIN.email, ADMIN.password);
    const page = await (await fetch(`${platform.url}/dashboard`, { headers: { cookie } })).text();
    assert.match(page, /Alpha Bikes/);
    assert.match(page, /Beta Bakery/);
    assert.match(page, /Launch Constant Contact connector/);
  });

  it('launches the connector with SAML init for the tenant and group', async () => {
    const { cookie } = await signIn(MEMBER.email, MEMBER.password);
    const response = await fetch(`${platform.url}/dashboard/launch/${GROUP_A}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    assert.equal(response.status, 302);
    assert.equal(
      response.headers.get('location'),
      `${connectorUrl}/maestrano/auth/saml/init/${TEST_TENANT.id}?group_id=${GROUP_A}`,
    );
  });

  it('lets a signed-in user act as another app from a page', async () => {
    const { cookie } = await signIn(ADMIN.email, ADMIN.password);
    const page = await (
      await fetch(`${platform.url}/dashboard/organizations/${GROUP_A}/apps`, { headers: { cookie } })
    ).text();
    assert.match(page, /Carla Customer &lt;carla@example.com&gt; customer/);
    const response = await fetch(`${platform.url}/dashboard/organizations/${GROUP_A}/apps`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'create',
        app: 'vTiger',
        collection: 'people',
        role: 'lead',
        first_name: 'Paige',
        email: 'paige@example.com',
      }),
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Saved; the connector will be notified/);
    const paige = platform.records(GROUP_A, 'people').find((p) => p.first_name === 'Paige')!;
    assert.equal(paige.is_lead, true);
    assert.deepEqual(
      (paige.id as { provider: string }[]).map((e) => e.provider),
      ['connec', 'vtiger'],
    );
    await platform.settleDeliveries();
    assert.equal(calls.at(-1)?.url, `/maestrano/connec/notifications/${TEST_TENANT.id}`);
  });

  it('offers every mapped field on the page, and writes each where its collection keeps it', async () => {
    const { cookie } = await signIn(ADMIN.email, ADMIN.password);
    const url = `${platform.url}/dashboard/organizations/${GROUP_A}/apps`;
    const page = await (await fetch(url, { headers: { cookie } })).text();
    for (const name of [
      'first_name',
      'last_name',
      'job_title',
      'name',
      'email',
      'phone_home',
      'phone_mobile',
      'phone_work',
      'website',
      'timezone',
      'address_line1',
      'address_city',
      'address_postal_code',
      'address_country',
    ]) {
      assert.match(page, new RegExp(`<input id="create-${name}" name="${name}">`), name);
    }
    const post = (fields: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ app: 'Xero', ...fields }),
      });
    const every = {
      first_name: 'Fay',
      last_name: 'Fields',
      job_title: 'Baker',
      name: 'Fields Ltd',
      email: 'fay@example.com',
      phone_home: '+1 555 0100',
      phone_mobile: '+1 555 0101',
      phone_work: '+1 555 0102',
      website: 'https://fields.example',
      address_line1: '1 Main St',
      address_city: 'Austin',
      address_region: 'TX',
      address_postal_code: '73301',
      address_country: 'US',
    };
    assert.equal(
      (await post({ action: 'create', collection: 'people', role: 'customer', ...every })).status,
      200,
    );
    const fay = platform.records(GROUP_A, 'people').find((p) => p.first_name === 'Fay')!;
    assert.equal(fay.job_title, 'Baker');
    assert.deepEqual(fay.phone_home, { landline: '+1 555 0100', mobile: '+1 555 0101' });
    assert.deepEqual(fay.phone_work, { landline: '+1 555 0102' });
    assert.deepEqual((fay.address_work as { billing: unknown }).billing, {
      line1: '1 Main St',
      city: 'Austin',
      region: 'TX',
      postal_code: '73301',
      country: 'US',
    });
    assert.equal(fay.name, undefined, 'a person has no organization name');
    assert.equal(
      (await post({ action: 'create', collection: 'organizations', role: 'supplier', ...every })).status,
      200,
    );
    const fields = platform.records(GROUP_A, 'organizations').find((o) => o.name === 'Fields Ltd')!;
    assert.deepEqual(fields.phone, { landline: '+1 555 0102' });
    assert.deepEqual(fields.website, { url: 'https://fields.example' });
    assert.equal(fields.first_name, undefined);
    assert.equal(
      (await post({ action: 'company', name: 'Fields Co', timezone: 'America/Chicago' })).status,
      200,
    );
    const company = platform.records(GROUP_A, 'company')[0]!;
    assert.equal(company.timezone, 'America/Chicago');
    await platform.settleDeliveries();
  });

  it('lets only an Admin remove a member, and tells the connector', async () => {
    const member = await signIn(MEMBER.email, MEMBER.password);
    assert.equal(
      (await post(`/dashboard/organizations/${GROUP_A}/members/${ADMIN.uid}/remove`, member.cookie)).status,
      403,
    );
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const response = await post(
      `/dashboard/organizations/${GROUP_A}/members/${MEMBER.uid}/remove`,
      admin.cookie,
    );
    assert.equal(response.status, 303);
    await platform.settleDeliveries();
    assert.deepEqual(calls.at(-1), {
      method: 'DELETE',
      url: `/maestrano/account/groups/${GROUP_A}/users/${MEMBER.uid}/${TEST_TENANT.id}`,
      authorization: basicAuth(TEST_TENANT.apiId, TEST_TENANT.apiKey),
    });
    const page = await (
      await fetch(`${platform.url}/dashboard`, { headers: { cookie: member.cookie } })
    ).text();
    assert.doesNotMatch(page, /Alpha Bikes/);
  });

  it('deletes an organization, tells the connector, and closes its Connec! data', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const response = await post(`/dashboard/organizations/${GROUP_B}/delete`, admin.cookie);
    assert.equal(response.status, 303);
    await platform.settleDeliveries();
    assert.deepEqual(calls.at(-1), {
      method: 'DELETE',
      url: `/maestrano/account/groups/${GROUP_B}/${TEST_TENANT.id}`,
      authorization: basicAuth(TEST_TENANT.apiId, TEST_TENANT.apiKey),
    });
    const hub = await fetch(`${platform.url}/api/v2/${GROUP_B}/people`, {
      headers: { authorization: tenantAuth() },
    });
    assert.equal(hub.status, 404);
    assert.equal(
      platform.deliveries.filter((d) => d.kind === 'account').every((d) => d.state === 'delivered'),
      true,
    );
  });

  it("serves the marketplace configuration to the tenant's credentials only", async () => {
    const url = `${platform.url}/api/config/v1/marketplaces`;
    assert.equal((await fetch(url)).status, 401);
    const response = await fetch(url, { headers: { authorization: tenantAuth() } });
    const body = (await response.json()) as { marketplaces: Record<string, string>[] };
    assert.deepEqual(body.marketplaces, [platform.tenant(TEST_TENANT.id)]);
    assert.equal(body.marketplaces[0]!.connecHost, platform.url);
  });
});
