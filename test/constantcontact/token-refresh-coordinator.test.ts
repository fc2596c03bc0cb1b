import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import {
  TokenRefreshCoordinator,
  type TokenStore,
} from '../../src/constantcontact/token-refresh-coordinator.ts';
import type { CcTokenSet } from '../../src/constantcontact/types.ts';
import { ManualClientClock } from './manual-client-clock.ts';

class MemoryStore implements TokenStore {
  readonly tokens = new Map<string, CcTokenSet>();
  readonly saves: string[] = [];
  async load(org: string) {
    return this.tokens.get(org) ?? null;
  }
  async save(org: string, tokens: CcTokenSet) {
    await new Promise((r) => setTimeout(r, 5));
    this.saves.push(tokens.accessToken);
    this.tokens.set(org, tokens);
  }
}

const clock = new ManualClientClock('2026-03-10T12:00:00.000Z');
const at = (offsetMs: number) => new Date(clock.now() + offsetMs);

/** A refresh endpoint with CC's rotation: each refresh token works once. */
function rotatingRefresh(store: MemoryStore) {
  const spent = new Set<string>();
  let issued = 0;
  const refresh = async (org: string, refreshToken: string): Promise<CcTokenSet> => {
    await new Promise((r) => setTimeout(r, 10));
    if (spent.has(refreshToken)) throw new CcNeedsReconnectError(org, 'invalid_grant');
    spent.add(refreshToken);
    issued += 1;
    // The new pair must reach the store before any caller gets the access token.
    assert.ok(![...store.tokens.values()].some((t) => t.accessToken === `access-${issued}`));
    return { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, expiresAt: at(86_400_000) };
  };
  return { refresh, calls: () => issued };
}

describe('TokenRefreshCoordinator', () => {
  it('returns a fresh stored token without refreshing', async () => {
    const store = new MemoryStore();
    store.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(3600_000) });
    const endpoint = rotatingRefresh(store);
    const coordinator = new TokenRefreshCoordinator({ store, refresh: endpoint.refresh, clock });
    assert.equal(await coordinator.accessToken('org'), 'a0');
    assert.equal(endpoint.calls(), 0);
  });

  it('lets 20 concurrent callers share one refresh of an expired token, saved before use', async () => {
    const store = new MemoryStore();
    store.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(30_000) });
    const endpoint = rotatingRefresh(store);
    const coordinator = new TokenRefreshCoordinator({ store, refresh: endpoint.refresh, clock });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => coordinator.accessToken('org')));
    assert.deepEqual(new Set(tokens), new Set(['access-1']));
    assert.equal(endpoint.calls(), 1);
    assert.deepEqual(store.saves, ['access-1']);
  });

  it('after a 401, reuses a token someone else refreshed meanwhile instead of spending another', async () => {
    const store = new MemoryStore();
    store.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(3600_000) });
    const endpoint = rotatingRefresh(store);
    const coordinator = new TokenRefreshCoordinator({ store, refresh: endpoint.refresh, clock });
    assert.equal(await coordinator.renewAfterRejection('org', 'a0'), 'access-1');
    // A caller that sent a0 before the refresh gets its 401 late:
    assert.equal(await coordinator.renewAfterRejection('org', 'a0'), 'access-1');
    assert.equal(endpoint.calls(), 1);
  });

  it('keeps organizations apart', async () => {
    const store = new MemoryStore();
    store.tokens.set('a', { accessToken: 'a0', refreshToken: 'ra', expiresAt: at(-1) });
    store.tokens.set('b', { accessToken: 'b0', refreshToken: 'rb', expiresAt: at(-1) });
    const endpoint = rotatingRefresh(store);
    const coordinator = new TokenRefreshCoordinator({ store, refresh: endpoint.refresh, clock });
    const [a, b] = await Promise.all([coordinator.accessToken('a'), coordinator.accessToken('b')]);
    assert.notEqual(a, b);
    assert.equal(endpoint.calls(), 2);
  });

  it('says the organization needs reconnecting when nothing is stored', async () => {
    const store = new MemoryStore();
    const coordinator = new TokenRefreshCoordinator({
      store,
      refresh: rotatingRefresh(store).refresh,
      clock,
    });
    await assert.rejects(coordinator.accessToken('org'), CcNeedsReconnectError);
  });

  it('runs the refresh inside the store lock when it offers one', async () => {
    const store = new MemoryStore();
    const locked: string[] = [];
    const lockingStore: TokenStore = {
      load: (org) => store.load(org),
      save: (org, t) => store.save(org, t),
      withRefreshLock: async (org, fn) => {
        locked.push(org);
        return fn();
      },
    };
    store.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(-1) });
    const coordinator = new TokenRefreshCoordinator({
      store: lockingStore,
      refresh: rotatingRefresh(store).refresh,
      clock,
    });
    await coordinator.accessToken('org');
    assert.deepEqual(locked, ['org']);
  });
});
