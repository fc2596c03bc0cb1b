import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { createRepositories } from '../../src/db/repositories/index.ts';
import { SecretUnreadableError, TokenCipher } from '../../src/security/token-cipher.ts';
import { describeEachDatabase, TEST_KEY } from '../helpers/databases.ts';

const ACCESS = `access-${randomBytes(12).toString('hex')}`;
const REFRESH = `refresh-${randomBytes(12).toString('hex')}`;
const tokens = { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: '2026-03-02T09:00:00.000Z' };

describeEachDatabase('secrets at rest', (db) => {
  it('stores no token in readable form', async () => {
    const { repos, store, config } = db();
    const org = await repos.organizations.upsert({
      tenant: 'maestrano',
      groupUid: 'cld-secret',
      name: 'Secret',
    });
    await repos.organizations.link(org.id, { id: 'cc-secret', name: 'Secret' }, tokens);

    const row = await store.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    assert.ok(!stored.includes(ACCESS) && !stored.includes(REFRESH), 'the row holds ciphertext only');
    assert.match(row.access_token_enc ?? '', /^enc1\./);

    if (config.kind === 'sqlite') {
      // The database file and its write-ahead log, byte for byte.
      const folder = dirname(config.file);
      for (const name of readdirSync(folder)) {
        const bytes = readFileSync(join(folder, name)).toString('latin1');
        assert.ok(!bytes.includes(ACCESS) && !bytes.includes(REFRESH), `${name} holds no token`);
      }
    }
  });

  it('refuses to hand out a token whose ciphertext was altered in the database', async () => {
    const { repos, store } = db();
    const org = await repos.organizations.upsert({
      tenant: 'maestrano',
      groupUid: 'cld-tamper',
      name: 'Tamper',
    });
    await repos.organizations.link(org.id, { id: 'cc-tamper', name: 'Tamper' }, tokens);
    const other = await repos.organizations.upsert({
      tenant: 'maestrano',
      groupUid: 'cld-tamper-2',
      name: 'Other',
    });
    await repos.organizations.link(
      other.id,
      { id: 'cc-tamper-2', name: 'Other' },
      {
        ...tokens,
        accessToken: 'other-access',
      },
    );
    // Copy another organization's ciphertext into this row: it must not decrypt as this row's token.
    const stolen = await store.db
      .selectFrom('organizations')
      .select('access_token_enc')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('organizations')
      .set({ access_token_enc: stolen.access_token_enc })
      .where('id', '=', org.id)
      .execute();
    await assert.rejects(repos.organizations.getTokens(org.id), SecretUnreadableError);
    // Relinking is the way out for the user; it leaves no unreadable row for the tests that follow.
    await repos.organizations.unlink(org.id);
  });

  it('re-encrypts every stored token under a new key, after which the old key is no longer needed', async () => {
    const { repos, store, clock } = db();
    const org = await repos.organizations.upsert({
      tenant: 'maestrano',
      groupUid: 'cld-rotate',
      name: 'Rotate',
    });
    await repos.organizations.link(org.id, { id: 'cc-rotate', name: 'Rotate' }, tokens);

    const newKey = randomBytes(32).toString('base64');
    const rotating = createRepositories(store.db, new TokenCipher(newKey, [TEST_KEY]), () => clock.now());
    assert.ok((await rotating.organizations.reencryptTokens()) >= 1);
    assert.equal(await rotating.organizations.reencryptTokens(), 0, 'nothing stale is left');

    const newOnly = createRepositories(store.db, new TokenCipher(newKey), () => clock.now());
    assert.deepEqual(await newOnly.organizations.getTokens(org.id), tokens);
  });
});
