import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** What a spent token is: a SAML assertion used to sign in, or a session signed out. */
export type SpentTokenKind = 'saml-assertion' | 'session';

export type SpentTokenRepository = ReturnType<typeof spentTokenRepository>;

/**
 * One-time tokens, spent once: kept until they expire (after which what they stood for is refused anyway),
 * in the database so a restart or another process still knows them.
 */
export function spentTokenRepository(db: Kysely<Database>, now: () => Date) {
  /** Forgets expired tokens; returns how many. */
  const purgeExpired = async (): Promise<number> => {
    const result = await db
      .deleteFrom('spent_tokens')
      .where('expires_at', '<=', now().toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };

  return {
    /**
     * Spends a token until `expiresAt`; false when it was already spent and has not expired. Of two
     * processes spending the same token at once, exactly one gets true (the primary key decides).
     */
    async spend(kind: SpentTokenKind, key: string, expiresAt: Date): Promise<boolean> {
      // Expired rows no longer count: they go (this one too, so it may be spent again: what it stood for is
      // refused for its age before it gets here), which keeps the table to the tokens still alive.
      await purgeExpired();
      const inserted = await db
        .insertInto('spent_tokens')
        .values({ kind, key, expires_at: expiresAt.toISOString() })
        .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async isSpent(kind: SpentTokenKind, key: string): Promise<boolean> {
      const row = await db
        .selectFrom('spent_tokens')
        .select('key')
        .where('kind', '=', kind)
        .where('key', '=', key)
        .where('expires_at', '>', now().toISOString())
        .executeTakeFirst();
      return row !== undefined;
    },

    purgeExpired,
  };
}
