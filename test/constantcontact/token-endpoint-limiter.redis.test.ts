import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultCcClient } from '../../sandbox/constantcontact/index.ts';
import { createCcBudgetLimiter } from '../../src/constantcontact/budget-limiter.ts';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { createTokenEndpointLimiter } from '../../src/constantcontact/token-endpoint-limiter.ts';
import type { SharedRedis } from '../../src/redis/redis-connection.ts';
import { startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { testRedis } from '../helpers/redis.ts';
import { MemoryTokenStore, redirectUri } from './harness.ts';

const TOKEN = 'POST /oauth2/default/v1/token';
const PER_PROCESS = 2;

describe('the token endpoint limiter in scale-out mode', () => {
  it('two processes on one Redis key space refresh a second apart, never meeting a 429', async () => {
    const accounts = Array.from({ length: 2 * PER_PROCESS }, (_, i) => ({
      accountId: `acct-shared-${i}`,
      username: `owner${i}@example.com`,
      password: 'pw',
      organizationName: `Shop ${i}`,
    }));
    const emulator = await startCcEmulatorForTest({ ratePerSecond: 10_000, accounts });
    const root = await testRedis();
    // Each process holds its own connection to the deployment's Redis and its own limiter.
    const connections: SharedRedis[] = [root.duplicate(), root.duplicate()];
    try {
      assert.equal(emulator.knobs.tokenRatePerSecond, 1, 'CC’s limit, not a relaxed one');
      const processes = connections.map((redis, p) => {
        const store = new MemoryTokenStore();
        for (let i = 0; i < PER_PROCESS; i++) {
          const account = accounts[p * PER_PROCESS + i]!;
          const granted = emulator.grantTokens({
            accountId: account.accountId,
            clientId: defaultCcClient.clientId,
          });
          // Expired, as after a restart: the first call of each organization refreshes.
          store.tokens.set(account.accountId, {
            accessToken: granted.access_token,
            refreshToken: granted.refresh_token,
            expiresAt: new Date(Date.now() - 1000),
          });
        }
        const client = new ConstantContactClient({
          config: {
            clientId: defaultCcClient.clientId,
            clientSecret: defaultCcClient.clientSecret,
            redirectUri,
            apiBaseUrl: emulator.url,
            authBaseUrl: emulator.url,
          },
          tokenStore: store,
          rateLimiter: createCcBudgetLimiter({ perSecond: 100, perDay: 1_000_000 }, { redis }),
          tokenRateLimiter: createTokenEndpointLimiter({ redis }),
        });
        return { client, organizations: accounts.slice(p * PER_PROCESS, (p + 1) * PER_PROCESS) };
      });

      const summaries = await Promise.all(
        processes.flatMap(({ client, organizations }) =>
          organizations.map((a) => client.forOrganization(a.accountId).account.getSummary([])),
        ),
      );
      assert.deepEqual(
        summaries.map((s) => s.organization_name).sort(),
        accounts.map((a) => a.organizationName).sort(),
      );
      const refreshes = emulator.requestLog.entries.filter((e) => e.endpoint === TOKEN);
      assert.deepEqual(
        refreshes.map((e) => e.status),
        Array(accounts.length).fill(200),
        'one refresh per organization, none throttled',
      );
      const times = refreshes.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) {
        assert.ok(times[i]! - times[i - 1]! >= 1000, `refreshes ${i - 1} and ${i} a second apart`);
      }
      emulator.assertConformant();
    } finally {
      for (const connection of connections) await connection.close();
      await root.close();
      await emulator.close();
    }
  });

  it('keeps a budget of its own: a token request waiting does not hold back the API', async () => {
    const redis = await testRedis();
    try {
      const tokens = createTokenEndpointLimiter({ redis });
      const api = createCcBudgetLimiter({ perSecond: 1, perDay: 100 }, { redis });
      (await tokens.acquire()).release();
      const started = Date.now();
      (await api.acquire()).release();
      assert.ok(Date.now() - started < 500, 'the API slot was free');
      assert.equal(await api.usedToday(), 1, 'the token request did not count against the API day');
    } finally {
      await redis.close();
    }
  });
});
