import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySharedState } from '../../../src/web/shared-state/memory-shared-state.ts';
import { sharedStateContract } from './shared-state-contract.ts';

describe('shared state in memory (embedded mode)', () => {
  sharedStateContract((count) => {
    const store = new MemorySharedState();
    return Array.from({ length: count }, () => store);
  });

  it('forgets an entry once its time is up, and drops expired entries as new ones come', async () => {
    let now = 1_000;
    const store = new MemorySharedState(() => now);
    await store.putIfAbsent('short', 'a', 500);
    await store.putIfAbsent('long', 'b', 5_000);
    now = 1_499;
    assert.equal(await store.get('short'), 'a', 'still there just before its end');
    now = 1_500;
    assert.equal(await store.get('short'), null);
    assert.equal(await store.putIfAbsent('short', 'again', 500), true, 'an expired key can be put again');
    now = 6_000;
    await store.putIfAbsent('other', 'c', 500);
    assert.equal(store.size, 1, 'only the entry just put is kept');
  });

  it('leaves the login rate limit to the in-process store of @fastify/rate-limit', () => {
    assert.deepEqual(new MemorySharedState().rateLimitOptions(), {});
  });
});
