import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CcNeedsReconnectError } from '../../src/constantcontact/errors.ts';
import { organizationTokenStore } from '../../src/db/cc-token-store.ts';
import { CcAccountAlreadyLinkedError } from '../../src/db/db-errors.ts';
import { createRepositories } from '../../src/db/repositories/index.ts';
import { type LifecycleDeps, settleExpiredLinks } from '../../src/lifecycle/organization-lifecycle.ts';
import { createLogger } from '../../src/logger.ts';
import { describeEachDatabase } from '../helpers/databases.ts';
import { RecordingScheduler } from '../helpers/web-app.ts';

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
  it('keeps the tokens encrypted, hands them once to the session that asked, and keeps expired ones for the sweep', async () => {
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
    const expired = await pendingLinks.takeExpired();
    assert.deepEqual(
      expired.map((p) => [p.id, p.tokens]),
      [[late.id, fresh]],
      'an expired link is kept for the sweep, with its tokens',
    );
    assert.deepEqual(await pendingLinks.takeExpired(), [], 'and taken once');
  });

  it('of two processes sweeping at once, each expired link goes to exactly one', async () => {
    const { organizations } = db().repos;
    const org = await organizations.upsert({ tenant: 't', groupUid: 'cld-sweep', name: 'Sweep' });
    // Two processes: repositories of their own over the same database.
    const [one, two] = [0, 1].map(
      () => createRepositories(db().store.db, db().cipher, () => db().clock.now()).pendingLinks,
    );
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const link = await one!.create({
        organizationId: org.id,
        sessionId: `sid-${i}`,
        account: { ...account, id: `cc-sweep-${i}` },
        tokens: fresh,
        ttlMs: 1_000,
      });
      ids.push(link.id);
    }
    db().clock.advance(1_001);
    const [a, b] = await Promise.all([one!.takeExpired(), two!.takeExpired()]);
    const taken = [...a, ...b].map((p) => p.id).sort();
    assert.deepEqual(taken, [...ids].sort(), 'every link taken, none twice');
  });

  it('a newer authorization of the account supersedes the links waiting with older ones', async () => {
    const { organizations, pendingLinks } = db().repos;
    const org = await organizations.upsert({ tenant: 't', groupUid: 'cld-super', name: 'Super' });
    const input = { organizationId: org.id, sessionId: 'sid-s', tokens: fresh, ttlMs: 60_000 };
    const older = await pendingLinks.create({ ...input, account: { ...account, id: 'cc-super' } });
    const other = await pendingLinks.create({ ...input, account: { ...account, id: 'cc-not-this' } });
    assert.equal(await pendingLinks.supersede('cc-super'), 1);
    const owner = { organizationId: org.id, sessionId: 'sid-s' };
    assert.equal(await pendingLinks.take(older.id, owner), null);
    assert.equal((await pendingLinks.take(other.id, owner))?.id, other.id);
  });
});

describeEachDatabase('confirmations nobody answered', (db) => {
  const revoked: string[] = [];
  const scheduler = new RecordingScheduler();
  const deps = (): LifecycleDeps => ({
    repos: db().repos,
    scheduler,
    logger: createLogger('silent'),
    revoke: async (refreshToken) => {
      revoked.push(refreshToken);
    },
  });

  /** The holder of an account, and another organization whose user authorized it and walked away. */
  async function walkedAway(tag: string) {
    const { organizations, pendingLinks } = db().repos;
    const shared = { id: `cc-${tag}`, name: `${tag} CC` };
    const holder = await organizations.upsert({ tenant: 't', groupUid: `cld-${tag}-h`, name: 'Holder' });
    const asker = await organizations.upsert({ tenant: 't', groupUid: `cld-${tag}-a`, name: 'Asker' });
    await organizations.link(holder.id, shared, tokens);
    const granted = { ...fresh, refreshToken: `refresh-${tag}` };
    await pendingLinks.create({
      organizationId: asker.id,
      sessionId: 'sid',
      account: shared,
      tokens: granted,
      ttlMs: 10 * 60_000,
    });
    return { holder, asker, shared, granted };
  }

  it('hands an expired authorization to the holder, which goes on sharing, and audits it', async () => {
    const { holder, asker, shared, granted } = await walkedAway('expired');
    assert.equal(await settleExpiredLinks(deps()), 0, 'nothing before it expires');
    assert.deepEqual(await db().repos.organizations.getTokens(holder.id), tokens);

    db().clock.advance(10 * 60_000 + 1);
    assert.equal(await settleExpiredLinks(deps()), 1);
    assert.deepEqual(await db().repos.organizations.getTokens(holder.id), granted);
    assert.equal((await db().repos.organizations.get(holder.id)).needsReconnect, null);
    assert.ok(!revoked.includes(granted.refreshToken));
    const [entry] = await db().repos.auditLog.listForOrganization(holder.id, 1);
    assert.equal(entry?.event, 'organization.authorization_renewed');
    assert.equal(entry?.actor, 'connector');
    assert.deepEqual(entry?.details, { ccAccountId: shared.id, fromOrganizationId: asker.id });
    assert.equal(await settleExpiredLinks(deps()), 0, 'handed over once');
  });

  it('a holder already waiting for a reconnect is no longer, and its runs start again', async () => {
    const { holder, granted } = await walkedAway('waiting');
    await db().repos.organizations.markNeedsReconnect(holder.id, 'refused');
    db().clock.advance(10 * 60_000 + 1);
    await settleExpiredLinks(deps());
    assert.deepEqual(await db().repos.organizations.getTokens(holder.id), granted);
    assert.equal((await db().repos.organizations.get(holder.id)).needsReconnect, null);
    assert.ok(
      scheduler.calls.some(
        (c) => c.method === 'request' && c.organizationId === holder.id && c.trigger === 'first_link',
      ),
    );
  });

  it('revokes the authorization when the holder let the account go meanwhile', async () => {
    const { holder, granted } = await walkedAway('gone');
    await db().repos.organizations.unlink(holder.id);
    db().clock.advance(10 * 60_000 + 1);
    assert.equal(await settleExpiredLinks(deps()), 1);
    assert.ok(revoked.includes(granted.refreshToken));
    assert.equal(await db().repos.organizations.getTokens(holder.id), null);
  });
});
