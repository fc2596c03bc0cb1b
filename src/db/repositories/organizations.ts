import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import {
  type CcAccount,
  type CcTokens,
  type Organization,
  type OrganizationSettings,
  type OrganizationSettingsInput,
  organizationSettingsSchema,
} from '../../model/organization.ts';
import type { TokenCipher } from '../../security/token-cipher.ts';
import {
  CcAccountAlreadyLinkedError,
  InvalidSettingsError,
  isUniqueViolation,
  NotFoundError,
  OrganizationDeletedError,
} from '../db-errors.ts';
import type { Database, OrganizationsTable } from '../schema.ts';

type Row = Selectable<OrganizationsTable>;

function toOrganization(row: Row): Organization {
  return {
    id: row.id,
    tenant: row.tenant,
    groupUid: row.group_uid,
    name: row.name,
    ccAccount: row.cc_account_id ? { id: row.cc_account_id, name: row.cc_account_name ?? '' } : null,
    settings: organizationSettingsSchema.parse(JSON.parse(row.settings)),
    syncEnabled: row.sync_enabled === 1,
    linkedAt: row.linked_at,
    needsReconnect: row.reconnect_reason
      ? { reason: row.reconnect_reason, since: row.reconnect_since ?? row.updated_at }
      : null,
    timeZone: row.time_zone,
    deletedAt: row.deleted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns of an organization without a Constant Contact link. */
const unlinkedColumns = {
  cc_account_id: null,
  cc_account_name: null,
  access_token_enc: null,
  refresh_token_enc: null,
  token_expires_at: null,
  linked_at: null,
} as const;

// Binds a token to its organization and column, so a ciphertext copied elsewhere does not decrypt.
const tokenContext = (orgId: string, column: 'access' | 'refresh') => `organization:${orgId}:${column}_token`;

export type OrganizationRepository = ReturnType<typeof organizationRepository>;

export function organizationRepository(db: Kysely<Database>, cipher: TokenCipher, now: () => Date) {
  const iso = () => now().toISOString();

  async function find(id: string): Promise<Organization | null> {
    const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toOrganization(row) : null;
  }

  async function get(id: string): Promise<Organization> {
    const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`Organization ${id} does not exist.`);
    return toOrganization(row);
  }

  async function getLive(id: string): Promise<Organization> {
    const org = await get(id);
    if (org.deletedAt)
      throw new OrganizationDeletedError(`Organization ${org.groupUid} was deleted on the platform.`);
    return org;
  }

  function encryptTokens(orgId: string, tokens: CcTokens) {
    return {
      access_token_enc: cipher.encrypt(tokens.accessToken, tokenContext(orgId, 'access')),
      refresh_token_enc: cipher.encrypt(tokens.refreshToken, tokenContext(orgId, 'refresh')),
      token_expires_at: tokens.expiresAt,
    };
  }

  /** Sets the link on `id` through `executor` (the database or a transaction). */
  async function linkWith(
    executor: Kysely<Database>,
    id: string,
    account: CcAccount,
    tokens: CcTokens,
  ): Promise<Organization> {
    const row = await executor
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`Organization ${id} does not exist.`);
    const org = toOrganization(row);
    if (org.deletedAt) {
      throw new OrganizationDeletedError(`Organization ${org.groupUid} was deleted on the platform.`);
    }
    const at = iso();
    const settings: OrganizationSettings = {
      ...org.settings,
      sharingStartsAt: org.settings.sharingStartsAt ?? at,
    };
    const updated = await executor
      .updateTable('organizations')
      .set({
        cc_account_id: account.id,
        cc_account_name: account.name,
        // A link without a readable zone keeps the one known before.
        ...(account.timeZone ? { time_zone: account.timeZone } : {}),
        ...encryptTokens(id, tokens),
        settings: JSON.stringify(settings),
        linked_at: at,
        reconnect_reason: null,
        reconnect_since: null,
        updated_at: at,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOrganization(updated);
  }

  return {
    get,
    /** The organization, or null when there is none with that id. */
    find,

    async findByGroup(tenant: string, groupUid: string): Promise<Organization | null> {
      const row = await db
        .selectFrom('organizations')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('group_uid', '=', groupUid)
        .executeTakeFirst();
      return row ? toOrganization(row) : null;
    },

    async findByCcAccount(ccAccountId: string): Promise<Organization | null> {
      const row = await db
        .selectFrom('organizations')
        .selectAll()
        .where('cc_account_id', '=', ccAccountId)
        .executeTakeFirst();
      return row ? toOrganization(row) : null;
    },

    /**
     * Creates the organization on first sight (an SSO launch) or refreshes its name. One row per
     * (tenant, group uid), whatever the number of concurrent launches.
     */
    async upsert(input: { tenant: string; groupUid: string; name: string }): Promise<Organization> {
      const at = iso();
      const row = await db
        .insertInto('organizations')
        .values({
          id: randomUUID(),
          tenant: input.tenant,
          group_uid: input.groupUid,
          name: input.name,
          settings: JSON.stringify(organizationSettingsSchema.parse({})),
          sync_enabled: 1,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc.columns(['tenant', 'group_uid']).doUpdateSet({ name: input.name, updated_at: at }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toOrganization(row);
    },

    /** Organizations whose sync should run: linked, enabled, not deleted, not waiting for a reconnect. */
    async listSyncable(): Promise<Organization[]> {
      const rows = await db
        .selectFrom('organizations')
        .selectAll()
        .where('deleted_at', 'is', null)
        .where('sync_enabled', '=', 1)
        .where('cc_account_id', 'is not', null)
        .where('reconnect_reason', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(toOrganization);
    },

    /**
     * Links a Constant Contact account. The first link fixes the date sharing starts from; relinking keeps
     * it, and ends any wait for a reconnect. Throws `CcAccountAlreadyLinkedError` when another organization
     * holds that account.
     */
    async link(id: string, account: CcAccount, tokens: CcTokens): Promise<Organization> {
      try {
        return await linkWith(db, id, account, tokens);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new CcAccountAlreadyLinkedError(
            `The Constant Contact account "${account.name}" is already linked to another organization. Disconnect it there first, or sign in to Constant Contact with another account.`,
            { cause: error },
          );
        }
        throw error;
      }
    },

    /**
     * Moves a Constant Contact account from the organization holding it to `toId`, in one transaction: the
     * earlier one is unlinked and waits for a reconnect with `reason`, the new one is linked. Throws
     * `CcAccountAlreadyLinkedError` when a third organization took the account meanwhile.
     */
    async transferAccount(
      fromId: string,
      toId: string,
      account: CcAccount,
      tokens: CcTokens,
      reason: string,
    ): Promise<Organization> {
      const move = db.transaction().execute(async (trx) => {
        const at = iso();
        await trx
          .updateTable('organizations')
          .set({
            ...unlinkedColumns,
            reconnect_reason: reason,
            reconnect_since: at,
            updated_at: at,
          })
          .where('id', '=', fromId)
          .where('cc_account_id', '=', account.id)
          .execute();
        return linkWith(trx, toId, account, tokens);
      });
      return move.catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
        throw new CcAccountAlreadyLinkedError(
          `The Constant Contact account "${account.name}" was just linked to another organization. Start connecting again to see where.`,
          { cause: error },
        );
      });
    },

    /**
     * Records that only a user can restore the organization's link, and why. Keeps the first reason given:
     * the earliest cause is the one to show. Ignored for an organization that is no longer linked.
     */
    async markNeedsReconnect(id: string, reason: string): Promise<void> {
      const at = iso();
      await db
        .updateTable('organizations')
        .set({ reconnect_reason: reason, reconnect_since: at, updated_at: at })
        .where('id', '=', id)
        .where('cc_account_id', 'is not', null)
        .where('reconnect_reason', 'is', null)
        .execute();
    },

    /**
     * Gives the organization still holding `accountId` a fresh authorization of that account (one made
     * elsewhere for it and not used there), ending any wait for a reconnect. False when it no longer holds
     * the account.
     */
    async renewAuthorization(id: string, accountId: string, tokens: CcTokens): Promise<boolean> {
      const result = await db
        .updateTable('organizations')
        .set({
          ...encryptTokens(id, tokens),
          reconnect_reason: null,
          reconnect_since: null,
          updated_at: iso(),
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .where('cc_account_id', '=', accountId)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** A user disconnected the organization: the link, its tokens and any wait for a reconnect go. */
    async unlink(id: string): Promise<Organization> {
      const row = await db
        .updateTable('organizations')
        .set({ ...unlinkedColumns, reconnect_reason: null, reconnect_since: null, updated_at: iso() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`Organization ${id} does not exist.`);
      return toOrganization(row);
    },

    /** Stores a refreshed token pair. Refuses a deleted or unlinked organization. */
    async saveTokens(id: string, tokens: CcTokens): Promise<void> {
      const result = await db
        .updateTable('organizations')
        .set({ ...encryptTokens(id, tokens), updated_at: iso() })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .where('cc_account_id', 'is not', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw new NotFoundError(
          `Organization ${id} is not linked to Constant Contact; its tokens were not saved.`,
        );
      }
    },

    /** The decrypted tokens, or null when not linked. Throws `SecretUnreadableError` on a tampered value. */
    async getTokens(id: string): Promise<CcTokens | null> {
      const row = await db
        .selectFrom('organizations')
        .select(['access_token_enc', 'refresh_token_enc', 'token_expires_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row?.access_token_enc || !row.refresh_token_enc || !row.token_expires_at) return null;
      return {
        accessToken: cipher.decrypt(row.access_token_enc, tokenContext(id, 'access')),
        refreshToken: cipher.decrypt(row.refresh_token_enc, tokenContext(id, 'refresh')),
        expiresAt: row.token_expires_at,
      };
    },

    /** Re-encrypts tokens written under a previous key; returns how many organizations were rewritten. */
    async reencryptTokens(): Promise<number> {
      const rows = await db
        .selectFrom('organizations')
        .select(['id', 'access_token_enc', 'refresh_token_enc', 'token_expires_at'])
        .where('access_token_enc', 'is not', null)
        .execute();
      let rewritten = 0;
      for (const row of rows) {
        if (!row.access_token_enc || !row.refresh_token_enc || !row.token_expires_at) continue;
        if (!cipher.isStale(row.access_token_enc) && !cipher.isStale(row.refresh_token_enc)) continue;
        const tokens: CcTokens = {
          accessToken: cipher.decrypt(row.access_token_enc, tokenContext(row.id, 'access')),
          refreshToken: cipher.decrypt(row.refresh_token_enc, tokenContext(row.id, 'refresh')),
          expiresAt: row.token_expires_at,
        };
        await db
          .updateTable('organizations')
          .set(encryptTokens(row.id, tokens))
          .where('id', '=', row.id)
          .where('access_token_enc', '=', row.access_token_enc)
          .execute();
        rewritten++;
      }
      return rewritten;
    },

    /**
     * Applies a settings change. Sharing historical data cannot be switched off once on: records already
     * shared cannot be taken back.
     */
    async updateSettings(id: string, patch: OrganizationSettingsInput): Promise<Organization> {
      const org = await getLive(id);
      const merged = organizationSettingsSchema.safeParse({
        ...org.settings,
        ...patch,
        directions: { ...org.settings.directions, ...patch.directions },
      });
      if (!merged.success) {
        const issue = merged.error.issues[0]!;
        throw new InvalidSettingsError(`Setting ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      if (org.settings.shareHistorical && !merged.data.shareHistorical) {
        throw new InvalidSettingsError('Sharing historical data cannot be turned off once it was turned on.');
      }
      const row = await db
        .updateTable('organizations')
        .set({ settings: JSON.stringify(merged.data), updated_at: iso() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toOrganization(row);
    },

    async setSyncEnabled(id: string, enabled: boolean): Promise<void> {
      await db
        .updateTable('organizations')
        .set({ sync_enabled: enabled ? 1 : 0, updated_at: iso() })
        .where('id', '=', id)
        .execute();
    },

    /**
     * The linked CC account as CC now describes it: its name (the account card shows it) and its time zone
     * (pages show times in it). Only what changed is written.
     */
    async keepCcAccountFacts(
      id: string,
      facts: { name: string | null; timeZone: string | null },
    ): Promise<void> {
      if (facts.name) {
        await db
          .updateTable('organizations')
          .set({ cc_account_name: facts.name, updated_at: iso() })
          .where('id', '=', id)
          .where('cc_account_id', 'is not', null)
          .where('cc_account_name', 'is distinct from', facts.name)
          .execute();
      }
      if (facts.timeZone) {
        await db
          .updateTable('organizations')
          .set({ time_zone: facts.timeZone, updated_at: iso() })
          .where('id', '=', id)
          .where('time_zone', 'is distinct from', facts.timeZone)
          .execute();
      }
    },

    /**
     * The platform deleted the organization: sharing stops for good. Tokens and the account link are erased
     * (the caller revokes the token at CC first); the row stays so later notifications are recognised and
     * dropped.
     */
    async markDeleted(id: string): Promise<Organization> {
      const at = iso();
      const row = await db
        .updateTable('organizations')
        .set({
          deleted_at: at,
          sync_enabled: 0,
          cc_account_id: null,
          access_token_enc: null,
          refresh_token_enc: null,
          token_expires_at: null,
          linked_at: null,
          lease_holder: null,
          lease_expires_at: null,
          updated_at: at,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`Organization ${id} does not exist.`);
      return toOrganization(row);
    },

    /**
     * Takes the organization's sync lease if it is free or expired, in one atomic update: two workers
     * racing for it cannot both win. Returns true when `holder` now has it.
     */
    async acquireLease(id: string, holder: string, ttlMs: number): Promise<boolean> {
      const at = now();
      const result = await db
        .updateTable('organizations')
        .set({ lease_holder: holder, lease_expires_at: new Date(at.getTime() + ttlMs).toISOString() })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('lease_holder', 'is', null),
            eb('lease_expires_at', '<', at.toISOString()),
            eb('lease_holder', '=', holder),
          ]),
        )
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /**
     * Extends the lease while `holder` still has it. False once another holder took it over (it expired
     * and was taken): the holder's run must stop writing.
     */
    async renewLease(id: string, holder: string, ttlMs: number): Promise<boolean> {
      const at = now();
      const result = await db
        .updateTable('organizations')
        .set({ lease_expires_at: new Date(at.getTime() + ttlMs).toISOString() })
        .where('id', '=', id)
        .where('lease_holder', '=', holder)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** Whether `holder` still has the organization's lease (expired but not taken over counts). */
    async holdsLease(id: string, holder: string): Promise<boolean> {
      const row = await db
        .selectFrom('organizations')
        .select('id')
        .where('id', '=', id)
        .where('lease_holder', '=', holder)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Who holds the organization's lease and until when; null when it is free. */
    async leaseOf(id: string): Promise<{ holder: string; expiresAt: string } | null> {
      const row = await db
        .selectFrom('organizations')
        .select(['lease_holder', 'lease_expires_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.lease_holder && row.lease_expires_at
        ? { holder: row.lease_holder, expiresAt: row.lease_expires_at }
        : null;
    },

    async releaseLease(id: string, holder: string): Promise<void> {
      await db
        .updateTable('organizations')
        .set({ lease_holder: null, lease_expires_at: null })
        .where('id', '=', id)
        .where('lease_holder', '=', holder)
        .execute();
    },
  };
}
