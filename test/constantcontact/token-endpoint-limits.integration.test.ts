import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { defaultCcClient } from '../../sandbox/constantcontact/index.ts';
import { ConstantContactClient } from '../../src/constantcontact/client.ts';
import { CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import { InMemoryRateLimiter } from '../../src/constantcontact/rate-limiter.ts';
import { createTokenEndpointLimiter } from '../../src/constantcontact/token-endpoint-limiter.ts';
import { type CcTestEmulator, startCcEmulatorForTest } from '../helpers/cc-emulator.ts';
import { MemoryTokenStore, redirectUri } from './harness.ts';
import { ManualClientClock } from './manual-client-clock.ts';

const TOKEN = 'POST /oauth2/default/v1/token';

/**
 * `count` organizations, each linked to its own CC account, whose access tokens all expired (as after a
 * restart); the emulator and the client share one manual clock, so spacing is measured, not waited for.
 */
async function organizationsWithExpiredTokens(count: number, clock: ManualClientClock) {
  const accounts = Array.from({ length: count }, (_, i) => ({
    accountId: `acct-${i}`,
    username: `owner${i}@example.com`,
    password: 'pw',
    organizationName: `Shop ${i}`,
  }));
  const emulator = await startCcEmulatorForTest({
    clock: { now: () => new Date(clock.now()) },
    ratePerSecond: 10_000,
    accounts,
  });
  const store = new MemoryTokenStore();
  for (const [i, account] of accounts.entries()) {
    const granted = emulator.grantTokens({
      accountId: account.accountId,
      clientId: defaultCcClient.clientId,
    });
    store.tokens.set(`org-${i}`, {
      accessToken: granted.access_token,
      refreshToken: granted.refresh_token,
      expiresAt: new Date(clock.now() - 1000),
    });
  }
  return { emulator, store };
}

function clientFor(
  emulator: CcTestEmulator,
  store: MemoryTokenStore,
  clock: ManualClientClock,
  tokenRateLimiter = createTokenEndpointLimiter({ clock }),
  maxAttempts = 6,
) {
  return new ConstantContactClient({
    config: {
      clientId: defaultCcClient.clientId,
      clientSecret: defaultCcClient.clientSecret,
      redirectUri,
      apiBaseUrl: emulator.url,
      authBaseUrl: emulator.url,
    },
    tokenStore: store,
    rateLimiter: new InMemoryRateLimiter({ perSecond: 1000, clock }),
    tokenRateLimiter,
    retryPolicy: { maxAttempts, baseDelayMs: 500, maxDelayMs: 8000 },
    clock,
    // No jitter: every loser comes back together, the hardest case for the retries.
    random: () => 0.5,
    timeoutMs: 5000,
  });
}

/** Moves the manual clock in small steps, letting real HTTP round trips finish, until `work` settles. */
async function drive<T>(clock: ManualClientClock, work: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  for (let step = 0; !settled && step < 20_000; step++) {
    await clock.advance(50);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return tracked;
}

describe('the token endpoint limit against the emulator', () => {
  let emulator: CcTestEmulator | undefined;
  afterEach(async () => {
    emulator?.assertConformant();
    await emulator?.close();
  });

  it('20 organizations refreshing at once all succeed, none unlinked, token requests spaced a second apart', async () => {
    const clock = new ManualClientClock();
    const setup = await organizationsWithExpiredTokens(20, clock);
    emulator = setup.emulator;
    assert.equal(emulator.knobs.tokenRatePerSecond, 1, 'CC’s limit, not a relaxed one');
    const client = clientFor(emulator, setup.store, clock);
    const started = clock.now();
    const summaries = await drive(
      clock,
      Promise.all(
        Array.from({ length: 20 }, (_, i) => client.forOrganization(`org-${i}`).account.getSummary([])),
      ),
    );
    assert.deepEqual(
      summaries.map((s) => s.organization_name),
      Array.from({ length: 20 }, (_, i) => `Shop ${i}`),
    );
    const tokenRequests = emulator.requestLog.entries.filter((e) => e.endpoint === TOKEN);
    assert.deepEqual(
      tokenRequests.map((e) => e.status),
      Array(20).fill(200),
      'one refresh per organization, no 429',
    );
    const seconds = tokenRequests.map((e) => Math.floor(Date.parse(e.at) / 1000));
    assert.equal(new Set(seconds).size, 20, 'never two token requests in one second');
    assert.ok(clock.now() - started >= 19_000, 'spread over about 20 s');
    assert.equal(setup.store.saved.length, 20, 'every organization keeps a fresh pair');
  });

  it('retries a 429 from the token endpoint with back-off, never as a refused grant', async () => {
    const clock = new ManualClientClock();
    const setup = await organizationsWithExpiredTokens(6, clock);
    emulator = setup.emulator;
    // A limiter that lets 6 refreshes go at once stands for another process spending the same budget.
    const client = clientFor(
      emulator,
      setup.store,
      clock,
      new InMemoryRateLimiter({ perSecond: 100, clock }),
      8,
    );
    const outcomes = await drive(
      clock,
      Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => client.forOrganization(`org-${i}`).account.getSummary([])),
      ),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.deepEqual(refused, [], 'every organization got through');
    assert.ok(!outcomes.some((o) => o.status === 'rejected' && o.reason instanceof CcNeedsReconnectError));
    const statuses = emulator.requestLog.entries.filter((e) => e.endpoint === TOKEN).map((e) => e.status);
    assert.ok(statuses.filter((s) => s === 429).length >= 5, `the emulator throttled: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 200).length, 6);
  });
});
