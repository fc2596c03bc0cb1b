// `npm run sandbox:cc`: the Constant Contact emulator on its own, with one demo account, for trying the
// connector by hand. State lives in memory and is gone when the process stops.
import { defaultCcClient, startConstantContactEmulator } from './index.ts';

const port = Number(process.env.CC_SANDBOX_PORT ?? 4010);
const client = {
  clientId: process.env.CC_SANDBOX_CLIENT_ID ?? defaultCcClient.clientId,
  clientSecret: process.env.CC_SANDBOX_CLIENT_SECRET ?? defaultCcClient.clientSecret,
  redirectUris: (process.env.CC_SANDBOX_REDIRECT_URIS ?? defaultCcClient.redirectUris.join(','))
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean),
};
const demo = { accountId: 'a07e1demo001', username: 'demo@example.com', password: 'demo-password' };

const emulator = await startConstantContactEmulator({
  port,
  host: process.env.CC_SANDBOX_HOST ?? '127.0.0.1',
  clients: [client],
  activityStepMs: 1000,
  accounts: [
    {
      ...demo,
      organizationName: 'Demo Bakery',
      contactEmail: 'owner@demo-bakery.example',
      website: 'https://demo-bakery.example',
      lists: ['Newsletter', 'Customer list'],
      contacts: [
        { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', lists: ['Newsletter'] },
        {
          email: 'grace@example.com',
          first_name: 'Grace',
          last_name: 'Hopper',
          company_name: 'Navy',
          lists: ['Customer list'],
        },
        { email: 'alan@example.com', first_name: 'Alan', last_name: 'Turing' },
      ],
    },
  ],
});

console.log(`Constant Contact sandbox listening on ${emulator.url}
  API:            ${emulator.url}/v3
  Authorize:      ${emulator.url}/oauth2/default/v1/authorize
  Token:          ${emulator.url}/oauth2/default/v1/token
  Web app:        ${emulator.url}/app
  Client id:      ${client.clientId}
  Client secret:  ${client.clientSecret}
  Redirect URIs:  ${client.redirectUris.join(', ')}
  Demo login:     ${demo.username} / ${demo.password} (account ${demo.accountId})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
