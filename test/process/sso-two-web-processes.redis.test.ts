import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PlatformEmulator } from '../../sandbox/platform/index.ts';
import type { DatabaseConfig } from '../../src/config/config.ts';
import { openStore } from '../../src/db/database.ts';
import type { SharedRedis } from '../../src/redis/redis-connection.ts';
import { LOGIN_RATE_LIMIT } from '../../src/web/routes/sso.ts';
import { freePort } from '../helpers/connector-demo.ts';
import { ConnectorProcess } from '../helpers/connector-process.ts';
import { createEmptyDatabase, TEST_KEY } from '../helpers/databases.ts';
import { ADMIN, GROUP_A, startTestPlatform, TEST_TENANT } from '../helpers/platform-emulator.ts';
import { testRedis } from '../helpers/redis.ts';

/** The address of the load balancer in front of both processes: what the IdP posts to. */
const PUBLIC_URL = 'http://connector.test';
const TENANT = TEST_TENANT.id;

/** What the browser carries between the connector, the platform's IdP and back. */
interface SsoResponse {
  samlResponse: string;
  relayState: string;
}

describe('SSO behind a round-robin load balancer: two web processes on one PostgreSQL and one Redis', () => {
  let platform: PlatformEmulator;
  let redis: SharedRedis;
  let dropDatabase: () => Promise<void>;
  let dataDir: string;
  let databaseConfig: DatabaseConfig;
  let web1: ConnectorProcess;
  let web2: ConnectorProcess;
  let dashboardCookie: string;

  before(async () => {
    platform = await startTestPlatform();
    redis = await testRedis();
    const database = await createEmptyDatabase('postgres');
    dropDatabase = database.drop;
    databaseConfig = database.config;
    assert.equal(database.config.kind, 'postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'sso-two-web-'));
    const tenantsFile = join(dataDir, 'tenants.json');
    writeFileSync(tenantsFile, JSON.stringify([platform.tenant(TENANT)]));
    const env = {
      HOST: '127.0.0.1',
      PUBLIC_URL,
      DATA_DIR: dataDir,
      DATABASE_URL: database.config.kind === 'postgres' ? database.config.url : '',
      ENCRYPTION_KEY: TEST_KEY,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      TENANTS_FILE: tenantsFile,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      // The test plays the load balancer in front: the client address it forwards is believed from it alone.
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    };
    web1 = new ConnectorProcess('web process 1', await freePort(), env);
    web2 = new ConnectorProcess('web process 2', await freePort(), env);
    // One after the other, so only the first migrates the fresh database.
    await web1.start();
    await web2.start();
    dashboardCookie = await dashboardSignIn();
  });

  after(async () => {
    web1?.kill();
    web2?.kill();
    await Promise.all([web1?.stop(), web2?.stop()]);
    await platform?.close();
    await redis?.close();
    await dropDatabase?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function dashboardSignIn(): Promise<string> {
    const response = await fetch(`${platform.url}/dashboard/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, next: '/dashboard' }),
      redirect: 'manual',
    });
    assert.equal(response.status, 303);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  }

  /** Launch: SAML init on `web`, then the platform's IdP answers with a signed Response for the browser to post. */
  async function launchFrom(web: ConnectorProcess, clientIp: string): Promise<SsoResponse> {
    const init = await fetch(
      `${web.url}/maestrano/auth/saml/init/${TENANT}?group_id=${GROUP_A}&to=settings`,
      {
        headers: { 'x-forwarded-for': clientIp },
        redirect: 'manual',
      },
    );
    assert.equal(init.status, 302, `init on ${web.name}`);
    const idp = await fetch(init.headers.get('location')!, { headers: { cookie: dashboardCookie } });
    assert.equal(idp.status, 200);
    const page = await idp.text();
    assert.ok(page.includes(`action="${PUBLIC_URL}/maestrano/auth/saml/consume/${TENANT}"`));
    return {
      samlResponse: /name="SAMLResponse" value="([^"]+)"/.exec(page)![1]!,
      relayState: /name="RelayState" value="([^"]*)"/.exec(page)?.[1] ?? '',
    };
  }

  /** The browser posting the IdP's form, through the load balancer to `web`. */
  function consumeOn(web: ConnectorProcess, sso: SsoResponse, clientIp: string): Promise<Response> {
    return fetch(`${web.url}/maestrano/auth/saml/consume/${TENANT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': clientIp },
      body: new URLSearchParams({ SAMLResponse: sso.samlResponse, RelayState: sso.relayState }),
      redirect: 'manual',
    });
  }

  const sessionCookie = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('connector_session='));

  async function expectRefused(response: Response, what: string): Promise<void> {
    assert.equal(response.status, 401, what);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'SSO_REJECTED', what);
    assert.equal(sessionCookie(response), undefined, `${what}: no session`);
  }

  const assertionId = (sso: SsoResponse) =>
    /<(?:[\w-]+:)?Assertion\b[^>]*?\sID="([^"]+)"/.exec(
      Buffer.from(sso.samlResponse, 'base64').toString('utf8'),
    )![1]!;

  it('signs in with init on one process and consume on the other; the assertion is refused ever after, even once both restart', async () => {
    const ip = '10.20.0.1';
    const sso = await launchFrom(web1, ip);

    const consumed = await consumeOn(web2, sso, ip);
    assert.equal(consumed.status, 303, 'the Response to a request of process 1 is accepted by process 2');
    const cookie = sessionCookie(consumed);
    assert.ok(cookie, 'signed in');
    const page = await fetch(`${web1.url}${consumed.headers.get('location')}`, {
      headers: { cookie, accept: 'text/html' },
    });
    assert.equal(page.status, 200, 'the session works on the other process too');

    await expectRefused(await consumeOn(web1, sso, ip), 'replayed on process 1');
    await expectRefused(await consumeOn(web2, sso, ip), 'replayed on process 2');

    await Promise.all([web1.stop(), web2.stop()]);
    await web1.start();
    await web2.start();
    await expectRefused(await consumeOn(web1, sso, ip), 'replayed on process 1 after both restarted');
    await expectRefused(await consumeOn(web2, sso, ip), 'replayed on process 2 after both restarted');
    const store = openStore(databaseConfig);
    try {
      const spent = await store.db
        .selectFrom('spent_tokens')
        .select('kind')
        .where('key', '=', `${TENANT}:${assertionId(sso)}`)
        .executeTakeFirst();
      assert.equal(spent?.kind, 'saml-assertion', 'the used assertion is kept in the shared database');
    } finally {
      await store.close();
    }
  });

  it('lets only one of two processes receiving the same Response at the same moment sign in', async () => {
    const ip = '10.20.0.2';
    const sso = await launchFrom(web2, ip);
    const answers = await Promise.all([consumeOn(web1, sso, ip), consumeOn(web2, sso, ip)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [303, 401]);
    assert.equal(answers.filter((a) => sessionCookie(a)).length, 1, 'one session');
  });

  it('counts login attempts on both processes together', async () => {
    const ip = '10.20.0.3';
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_RATE_LIMIT.max; i++) {
      const web = i % 2 === 0 ? web1 : web2;
      const init = await fetch(`${web.url}/maestrano/auth/saml/init/${TENANT}`, {
        headers: { 'x-forwarded-for': ip },
        redirect: 'manual',
      });
      statuses.push(init.status);
    }
    assert.deepEqual(
      statuses,
      [...Array<number>(LOGIN_RATE_LIMIT.max).fill(302), 429],
      `the attempt after ${LOGIN_RATE_LIMIT.max}, split across both processes, is refused`,
    );
  });
});
