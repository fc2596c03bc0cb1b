import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { CcAccountAlreadyLinkedError } from '../../src/db/db-errors.ts';
import { describeEachDatabase } from '../helpers/databases.ts';

const tokens = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: '2026-03-02T09:00:00.000Z' };
const fresh = { accessToken: 'access-2', refreshToken: 'refresh-2', expiresAt: '2026-03-02T10:00:00.000Z' };
const account = { id: 'cc-acct-move', name: 'Shared CC', timeZone: 'Europe/Paris' };

describeEachDatabase('moving a Constant Contact account between organizations', (db) => {
  it('moves the account in one step: the earlier organization is unlinked and says why', async () => {
    const { organizations } = db().repos;
    const earlier = await organizations.upsert({ tenant: 't', groupUid: 'cld-from', name: 'From' });
    const later = await organizations.upsert({ tenant: 't', groupUid: 'cld-to', name: 'To' });
    await organizations.link(earlier.id, account, tokens);

    const moved = await organizations.transferAccount(earlier.id, later.id, account, fresh, 'moved to To');
    assert.deepEqual(moved.ccAccount, { id: account.id, name: account.name });
    assert.equal(moved.timeZone, 'Europe/Paris', "the account's time zone comes with it");
    assert.equal(moved.needsReconnect, null);
    assert.deepEqual(await organizations.getTokens(later.id), fresh);
    const left = await organizations.get(earlier.id);
    assert.equal(left.ccAccount, null);
    assert.equal(await organizations.getTokens(earlier.id), null);
    assert.deepEqual(left.needsReconnect, { reason: 'moved to To', since: db().clock.now().toISOString() });
    assert.equal((await organizations.findByCcAccount(account.id))?.id, later.id);

    // Linking again (to any account) ends the wait.
    await organizations.link(earlier.id, { id: 'cc-other', name: 'Other' }, tokens);
    assert.equal((await organizations.get(earlier.id)).needsReconnect, null);
  });

  it('refuses a move when a third organization took the account meanwhile, changing nothing', async () => {
    const { organizations } = db().repos;
    const gone = await organizations.upsert({ tenant: 't', groupUid: 'cld-gone', name: 'Gone' });
    const third = await organizations.upsert({ tenant: 't', groupUid: 'cld-third', name: 'Third' });
    const mover = await organizations.upsert({ tenant: 't', groupUid: 'cld-mover', name: 'Mover' });
    const raced = { id: 'cc-raced', name: 'Raced' };
    await organizations.link(third.id, raced, tokens);
    await assert.rejects(
      organizations.transferAccount(gone.id, mover.id, raced, fresh, 'moved'),
      CcAccountAlreadyLinkedError,
    );
    assert.equal((await organizations.get(mover.id)).ccAccount, null);
    assert.equal((await organizations.findByCcAccount(raced.id))?.id, third.id);
    assert.equal((await organizations.get(gone.id)).needsReconnect, null);
  });

  it('marks a linked organization as needing a reconnect, keeps the first reason, and pauses its schedule', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 't', groupUid: 'cld-refused', name: 'Refused' });
    await organizations.link(org.id, { id: 'cc-refused', name: 'Refused CC' }, tokens);
    assert.ok((await organizations.listSyncable()).some((o) => o.id === org.id));

    await organizations.markNeedsReconnect(org.id, 'first reason');
    db().clock.advance(60_000);
    await organizations.markNeedsReconnect(org.id, 'second reason');
    assert.equal((await organizations.get(org.id)).needsReconnect?.reason, 'first reason');
    assert.ok(!(await organizations.listSyncable()).some((o) => o.id === org.id), 'the schedule skips it');

    await organizations.unlink(org.id);
    assert.equal((await organizations.get(org.id)).needsReconnect, null, 'a disconnect clears it');
    await organizations.markNeedsReconnect(org.id, 'not linked');
    assert.equal((await organizations.get(org.id)).needsReconnect, null, 'ignored once unlinked');
  });

  it('renews the holder with an unused authorization only while it still holds the account', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 't', groupUid: 'cld-renew', name: 'Renew' });
    await organizations.link(org.id, { id: 'cc-renew', name: 'Renew CC' }, tokens);
    await organizations.markNeedsReconnect(org.id, 'refused');
    assert.equal(await organizations.renewAuthorization(org.id, 'cc-renew', fresh), true);
    assert.deepEqual(await organizations.getTokens(org.id), fresh);
    assert.equal((await organizations.get(org.id)).needsReconnect, null);
    assert.equal(await organizations.renewAuthorization(org.id, 'cc-someone-else', tokens), false);
    assert.deepEqual(await organizations.getTokens(org.id), fresh);
  });

  it('a refused refresh token marks the organization with a reason naming the account', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 't', groupUid: 'cld-store', name: 'Store' });
    await organizations.link(org.id, { id: 'cc-store', name: 'Store CC' }, tokens);
    const store = organizationTokenStore(organizations, () => db().clock.now());
    await store.refreshRefused?.(org.id, new CcNeedsReconnectError(org.id, 'invalid_grant'));
    const marked = await organizations.get(org.id);
    assert.match(
      marked.needsReconnect?.reason ?? '',
      /^Constant Contact stopped accepting this organization's authorization of account "Store CC" on 2026-03-01 \d\d:\d\d UTC, .*authorized again.*; reconnect to share again\.$/,
    );
  });
});

describeEachDatabase('pending account links', (db) => {
  it('keeps the tokens encrypted, hands them once to the session that asked, and forgets expired ones', async () => {
    const { organizations, pendingLinks } = db().repos;
    const org = await organizations.upsert({ tenant: 't', groupUid: 'cld-pending', name: 'Pending' });
    const waiting = await pendingLinks.create({
      organizationId: org.id,
      sessionId: 'sid-1',
      account,
      tokens: fresh,
      ttlMs: 10 * 60_000,
    });
    const row = await db()
      .store.db.selectFrom('cc_pending_links')
      .selectAll()
      .where('id', '=', waiting.id)
      .executeTakeFirstOrThrow();
    assert.ok(
      !row.access_token_enc.includes(fresh.accessToken) && !row.refresh_token_enc.includes('refresh-2'),
    );

    assert.equal(await pendingLinks.take(waiting.id, { organizationId: org.id, sessionId: 'sid-2' }), null);
    const taken = await pendingLinks.take(waiting.id, { organizationId: org.id, sessionId: 'sid-1' });
    assert.deepEqual(taken?.tokens, fresh);
    assert.deepEqual(taken?.account, account);
    assert.equal(await pendingLinks.take(waiting.id, { organizationId: org.id, sessionId: 'sid-1' }), null);

    const late = await pendingLinks.create({
      organizationId: org.id,
      sessionId: 'sid-1',
      account,
      tokens: fresh,
      ttlMs: 60_000,
    });
    db().clock.advance(60_001);
    assert.equal(await pendingLinks.take(late.id, { organizationId: org.id, sessionId: 'sid-1' }), null);
  });
});
