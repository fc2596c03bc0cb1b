import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.ts';

const minutes = (n: number) => n * 60_000;

describeEachDatabase('spent tokens and access changes', (db) => {
  it('spends a token once while it is kept, for every process on the database, then forgets it', async () => {
    const { spentTokens } = db().repos;
    const clock = db().clock;
    const until = new Date(clock.now().getTime() + minutes(5));
    assert.equal(await spentTokens.spend('saml-assertion', 'acme:_a1', until), true);
    assert.equal(await spentTokens.spend('saml-assertion', 'acme:_a1', until), false, 'a replay is refused');
    assert.equal(await spentTokens.isSpent('saml-assertion', 'acme:_a1'), true);
    assert.equal(await spentTokens.spend('session', 'acme:_a1', until), true, 'kinds are apart');
    assert.equal(await spentTokens.spend('saml-assertion', 'other:_a1', until), true, 'tenants are apart');

    clock.advance(minutes(5));
    assert.equal(await spentTokens.isSpent('saml-assertion', 'acme:_a1'), false, 'expired');
    assert.equal(await spentTokens.purgeExpired(), 3);
    assert.equal(
      await spentTokens.spend('saml-assertion', 'acme:_a1', new Date(clock.now().getTime() + minutes(5))),
      true,
      'an expired token may be spent again: what it stood for is refused for its age first',
    );
  });

  it('lets exactly one of two simultaneous spends of one token win', async () => {
    const { spentTokens } = db().repos;
    const until = new Date(db().clock.now().getTime() + minutes(5));
    const results = await Promise.all([
      spentTokens.spend('saml-assertion', 'acme:_same', until),
      spentTokens.spend('saml-assertion', 'acme:_same', until),
    ]);
    assert.deepEqual(results.sort(), [false, true]);
  });

  it('keeps the latest time a member lost access, by the platform ids', async () => {
    const { accessChanges } = db().repos;
    const ann = { tenant: 'acme', userUid: 'usr-ann', groupUid: 'cld-1' };
    assert.equal(await accessChanges.lastLowered(ann), null);
    await accessChanges.recordLowered(ann, new Date('2026-03-01T10:00:00Z'));
    await accessChanges.recordLowered(ann, new Date('2026-03-01T09:00:00Z'));
    assert.equal(
      (await accessChanges.lastLowered(ann))?.toISOString(),
      '2026-03-01T10:00:00.000Z',
      'an older one never wins',
    );
    await accessChanges.recordLowered(ann, new Date('2026-03-01T11:00:00Z'));
    assert.equal((await accessChanges.lastLowered(ann))?.toISOString(), '2026-03-01T11:00:00.000Z');
    assert.equal(await accessChanges.lastLowered({ ...ann, groupUid: 'cld-2' }), null);
    await accessChanges.removeGroup('acme', 'cld-1');
    assert.equal(await accessChanges.lastLowered(ann), null);
  });
});
