import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySharedState } from '../../../src/web/shared-state/memory-shared-state.ts';
import { SamlRequestCache } from '../../../src/web/sso/saml-request-cache.ts';

describe('SAML request ids in the shared state (node-saml cache provider)', () => {
  it('keeps a request id for its lifetime, answers it from any cache on the store, and removes it once', async () => {
    let now = 10_000;
    const store = new MemorySharedState(() => now);
    const sent = new SamlRequestCache(store, 'acme', 1_000, () => now);
    const answering = new SamlRequestCache(store, 'acme', 1_000, () => now);
    assert.deepEqual(await sent.saveAsync('_req1', '2030-01-01T00:00:00Z'), {
      value: '2030-01-01T00:00:00Z',
      createdAt: 10_000,
    });
    assert.equal(await sent.saveAsync('_req1', 'again'), null, 'an id is saved once');
    assert.equal(await answering.getAsync('_req1'), '2030-01-01T00:00:00Z');
    assert.equal(await answering.removeAsync('_req1'), '_req1');
    assert.equal(await answering.removeAsync('_req1'), null);
    assert.equal(await answering.removeAsync(null), null);

    await sent.saveAsync('_req2', 'x');
    now += 1_000;
    assert.equal(await answering.getAsync('_req2'), null, 'an unanswered request expires');
  });

  it("does not let one tenant's IdP answer another tenant's request", async () => {
    const store = new MemorySharedState();
    await new SamlRequestCache(store, 'acme', 60_000).saveAsync('_req', 'x');
    assert.equal(await new SamlRequestCache(store, 'other', 60_000).getAsync('_req'), null);
  });
});
