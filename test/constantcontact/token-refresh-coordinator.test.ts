import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import {
  TokenRefreshCoordinator,
  type TokenRefreshOutcome,
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

  describe('two processes sharing one store and its refresh lock', () => {
    /** A lock like the PostgreSQL one: one holder at a time, the others queue. */
    function lockedStore(store: MemoryStore): TokenStore {
      let tail = Promise.resolve();
      return {
        load: (org) => store.load(org),
        save: (org, t) => store.save(org, t),
        refreshRefused: async () => {},
        withRefreshLock: <T>(_org: string, fn: () => Promise<T>) => {
          const run = tail.then(fn);
          tail = run.then(
            () => undefined,
            () => undefined,
          );
          return run;
        },
      };
    }

    function processOn(store: TokenStore, refresh: ReturnType<typeof rotatingRefresh>['refresh']) {
      const outcomes: TokenRefreshOutcome[] = [];
      const coordinator = new TokenRefreshCoordinator({
        store,
        refresh,
        clock,
        onRefresh: (outcome) => outcomes.push(outcome),
      });
      return { coordinator, outcomes };
    }

    it('refreshes once for both when the token expires in each at once', async () => {
      const memory = new MemoryStore();
      memory.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(-1) });
      const endpoint = rotatingRefresh(memory);
      const store = lockedStore(memory);
      const one = processOn(store, endpoint.refresh);
      const two = processOn(store, endpoint.refresh);
      const tokens = await Promise.all([
        one.coordinator.accessToken('org'),
        two.coordinator.accessToken('org'),
      ]);
      assert.deepEqual(tokens, ['access-1', 'access-1']);
      assert.equal(endpoint.calls(), 1);
      assert.deepEqual([...one.outcomes, ...two.outcomes].sort(), ['ok', 'skipped_already_rotated']);
    });

    it('after a 401, takes the pair another process already saved instead of spending its refresh token', async () => {
      const memory = new MemoryStore();
      memory.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(3600_000) });
      const endpoint = rotatingRefresh(memory);
      const store = lockedStore(memory);
      const one = processOn(store, endpoint.refresh);
      const two = processOn(store, endpoint.refresh);
      // Process two read a0 and sent it; meanwhile process one rotated (CC revoked a0) and saved access-1.
      assert.equal(await two.coordinator.accessToken('org'), 'a0');
      assert.equal(await one.coordinator.renewAfterRejection('org', 'a0'), 'access-1');
      // CC now answers process two's request with 401:
      assert.equal(await two.coordinator.renewAfterRejection('org', 'a0'), 'access-1');
      assert.equal(endpoint.calls(), 1);
      assert.deepEqual(one.outcomes, ['ok']);
      assert.deepEqual(two.outcomes, ['skipped_already_rotated']);
    });

    it('counts a refused refresh token as refused and any other failure as failed', async () => {
      const memory = new MemoryStore();
      memory.tokens.set('org', { accessToken: 'a0', refreshToken: 'r0', expiresAt: at(-1) });
      const store = lockedStore(memory);
      const refused = processOn(store, async (org) => {
        throw new CcNeedsReconnectError(org, 'invalid_grant');
      });
      await assert.rejects(refused.coordinator.accessToken('org'), CcNeedsReconnectError);
      const unreachable = processOn(store, async () => {
        throw new Error('connect ECONNREFUSED');
      });
      await assert.rejects(unreachable.coordinator.accessToken('org'), /ECONNREFUSED/);
      assert.deepEqual(refused.outcomes, ['refused']);
      assert.deepEqual(unreachable.outcomes, ['failed']);
    });
  });
});
