import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SharedStateStore } from '../../../src/web/shared-state/shared-state-store.ts';

/**
 * What every kind of shared state promises, proved against one kind. `stores(n)` gives n handles on one
 * shared state (for Redis, n connections, as n web processes would hold).
 */
export function sharedStateContract(stores: (count: number) => SharedStateStore[]): void {
  it('puts a key once, reads it back, and deletes it', async () => {
    const [store] = stores(1);
    assert.equal(await store!.putIfAbsent('k', 'first', 60_000), true);
    assert.equal(await store!.putIfAbsent('k', 'second', 60_000), false, 'a held key is not overwritten');
    assert.equal(await store!.get('k'), 'first');
    assert.equal(await store!.delete('k'), true);
    assert.equal(await store!.get('k'), null);
    assert.equal(await store!.delete('k'), false, 'nothing left to delete');
    assert.equal(await store!.putIfAbsent('k', 'again', 60_000), true, 'a deleted key can be put again');
  });

  it('lets exactly one of several holders win a key put by all at the same moment', async () => {
    const holders = stores(4);
    const results = await Promise.all(
      holders.flatMap((store, i) => [1, 2, 3].map((j) => store.putIfAbsent('race', `${i}-${j}`, 60_000))),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('shows what one holder put to the others', async () => {
    const [one, other] = stores(2);
    await one!.putIfAbsent('seen', 'by all', 60_000);
    assert.equal(await other!.get('seen'), 'by all');
    assert.equal(await other!.putIfAbsent('seen', 'mine', 60_000), false);
    assert.equal(await other!.delete('seen'), true);
    assert.equal(await one!.get('seen'), null);
  });
}
