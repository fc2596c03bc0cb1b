import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CcTestEmulator, startCcEmulatorForTest } from '../../helpers/cc-emulator.ts';
import { Browser, hiddenValue } from './cc-test-client.ts';

const redirectUri = 'http://127.0.0.1:9999/cb';
const client = { clientId: 'app-client', clientSecret: 's', redirectUris: [redirectUri] };

describe('CC emulator: the /app page', () => {
  let cc: CcTestEmulator;

  before(async () => {
    cc = await startCcEmulatorForTest({
      clients: [client],
      accounts: [
        {
          accountId: 'acct-app',
          username: 'shop@example.com',
          password: 'pw',
          organizationName: 'Shop & Co',
          contacts: [
            { email: 'cust@example.com', first_name: 'Cora', lists: ['Customer list'] },
            { email: 'lead@example.com', first_name: '<Lee>', lists: ['Lead list', 'Customer list'] },
            { email: 'loner@example.com', first_name: 'Lona' },
          ],
        },
      ],
    });
  });
  after(async () => {
    cc.assertConformant();
    await cc.close();
  });

  it('asks to sign in, then shows contacts grouped by list, escaped', async () => {
    const browser = new Browser();
    const login = await browser.request(`${cc.url}/app`);
    assert.match(await login.text(), /<label for="username">Username<\/label>/);
    const wrong = await browser.request(`${cc.url}/app/login`, {
      form: { username: 'shop@example.com', password: 'nope' },
    });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /role="alert"/);
    const signedIn = await browser.request(`${cc.url}/app/login`, {
      form: { username: 'shop@example.com', password: 'pw' },
    });
    assert.equal(signedIn.status, 303);
    const page = await (await browser.request(`${cc.url}/app`)).text();
    assert.match(page, /Shop &amp; Co/);
    assert.match(page, /<h2 id="list-[^"]+">Customer list \(2\)<\/h2>/);
    assert.match(page, /<h2 id="list-[^"]+">Lead list \(1\)<\/h2>/);
    assert.match(page, /Not in any list \(1\)/);
    assert.match(page, /&lt;Lee&gt;/);
    assert.doesNotMatch(page, /<Lee>/);
  });

  it('reuses the session of the authorize page, and unsubscribing there is an opt-out', async () => {
    const browser = new Browser();
    const url = new URL('/oauth2/default/v1/authorize', cc.url);
    for (const [k, v] of Object.entries({
      client_id: client.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'contact_data',
    })) {
      url.searchParams.set(k, v);
    }
    const loginHtml = await (await browser.request(url.toString())).text();
    await browser.request(`${cc.url}/oauth2/default/v1/authorize/login`, {
      form: {
        request_id: hiddenValue(loginHtml, 'request_id'),
        username: 'shop@example.com',
        password: 'pw',
      },
    });
    const page = await (await browser.request(`${cc.url}/app`)).text();
    assert.match(page, /Signed in as <strong>shop@example.com<\/strong>/);

    const account = cc.accounts.get('acct-app');
    const contact = account.contact('loner@example.com')!;
    const unsubscribe = await browser.request(`${cc.url}/app/contacts/${contact.contact_id}/unsubscribe`, {
      form: {},
    });
    assert.equal(unsubscribe.status, 303);
    const after = account.contact('loner@example.com')!;
    assert.equal(after.email_address.permission_to_send, 'unsubscribed');
    assert.equal(after.updated_at, contact.updated_at);
    assert.match(await (await browser.request(`${cc.url}/app`)).text(), /Unsubscribed/);
  });
});
