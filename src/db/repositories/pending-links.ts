import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { CcAccount, CcTokens } from '../../model/organization.ts';
import type { TokenCipher } from '../../security/token-cipher.ts';
import type { CcPendingLinksTable, Database } from '../schema.ts';

/** An authorization of a CC account that is linked to another organization, waiting for the user's answer. */
export interface PendingLink {
  id: string;
  organizationId: string;
  account: CcAccount;
  tokens: CcTokens;
  expiresAt: string;
}

// Binds a token to its pending link, so a ciphertext copied to another row does not decrypt.
const tokenContext = (id: string, column: 'access' | 'refresh') => `pending-link:${id}:${column}_token`;

export type PendingLinkRepository = ReturnType<typeof pendingLinkRepository>;

/**
 * Fresh tokens kept server side, encrypted, for the few minutes a user takes to confirm moving a Constant
 * Contact account from another organization. Only the session that started the link can take them, once,
 * before they expire; after that they are the sweep's (`takeExpired`), which hands them back to the holder.
 */
export function pendingLinkRepository(db: Kysely<Database>, cipher: TokenCipher, now: () => Date) {
  function toPendingLink(row: Selectable<CcPendingLinksTable>): PendingLink {
    return {
      id: row.id,
      organizationId: row.organization_id,
      account: { id: row.cc_account_id, name: row.cc_account_name, timeZone: row.cc_time_zone },
      tokens: {
        accessToken: cipher.decrypt(row.access_token_enc, tokenContext(row.id, 'access')),
        refreshToken: cipher.decrypt(row.refresh_token_enc, tokenContext(row.id, 'refresh')),
        expiresAt: row.token_expires_at,
      },
      expiresAt: row.expires_at,
    };
  }

  return {
    /** Keeps the authorization until `ttlMs` from now; returns its id for the confirmation form. */
    async create(input: {
      organizationId: string;
      sessionId: string;
      account: CcAccount;
      tokens: CcTokens;
      ttlMs: number;
    }): Promise<PendingLink> {
      const at = now();
      const id = randomBytes(18).toString('base64url');
      const expiresAt = new Date(at.getTime() + input.ttlMs).toISOString();
      await db
        .insertInto('cc_pending_links')
        .values({
          id,
          organization_id: input.organizationId,
          session_id: input.sessionId,
          cc_account_id: input.account.id,
          cc_account_name: input.account.name,
          cc_time_zone: input.account.timeZone ?? null,
          access_token_enc: cipher.encrypt(input.tokens.accessToken, tokenContext(id, 'access')),
          refresh_token_enc: cipher.encrypt(input.tokens.refreshToken, tokenContext(id, 'refresh')),
          token_expires_at: input.tokens.expiresAt,
          expires_at: expiresAt,
          created_at: at.toISOString(),
        })
        .execute();
      return {
        id,
        organizationId: input.organizationId,
        account: input.account,
        tokens: input.tokens,
        expiresAt,
      };
    },

    /**
     * Removes and returns the pending link if it belongs to this organization and session and has not
     * expired; null otherwise (a second answer to the same form finds nothing, and an expired one stays
     * for the sweep to hand back).
     */
    async take(
      id: string,
      owner: { organizationId: string; sessionId: string },
    ): Promise<PendingLink | null> {
      const row = await db
        .deleteFrom('cc_pending_links')
        .where('id', '=', id)
        .where('organization_id', '=', owner.organizationId)
        .where('session_id', '=', owner.sessionId)
        .where('expires_at', '>', now().toISOString())
        .returningAll()
        .executeTakeFirst();
      return row ? toPendingLink(row) : null;
    },

    /**
     * Removes and returns the pending links whose user did not answer in time, oldest first. The delete
     * returns what it removed, so of two processes sweeping at once each link goes to exactly one.
     */
    async takeExpired(): Promise<PendingLink[]> {
      const rows = await db
        .deleteFrom('cc_pending_links')
        .where('expires_at', '<=', now().toISOString())
        .returningAll()
        .execute();
      return rows.sort((a, b) => a.created_at.localeCompare(b.created_at)).map(toPendingLink);
    },

    /**
     * Forgets every pending link of the account: CC has just issued a newer authorization of it, which
     * ended theirs, and handing one back later would replace a working authorization with a dead one.
     * Returns how many.
     */
    async supersede(ccAccountId: string): Promise<number> {
      const result = await db
        .deleteFrom('cc_pending_links')
        .where('cc_account_id', '=', ccAccountId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
