import type { TokenStore } from '../constantcontact/token-refresh-coordinator.ts';
import type { CcTokenSet } from '../constantcontact/types.ts';
import { grantRefusedReason } from '../model/reconnect-reasons.ts';
import type { AdvisoryLocks } from './advisory-locks.ts';
import type { OrganizationRepository } from './repositories/organizations.ts';

/** The advisory lock namespace of token refreshes, one lock per organization. */
export const TOKEN_REFRESH_LOCK = 'cc-token-refresh';

/**
 * Constant Contact tokens kept encrypted on the organization, as the CC client reads and rotates them. A
 * refused refresh token marks the organization as needing a reconnect, with the reason its page shows.
 *
 * With `locks` (the store's `advisoryLocks` on PostgreSQL), a refresh holds the organization's lock across
 * processes, so two processes never spend the same rotating refresh token. Without (SQLite, one process),
 * the client's in-process coordination is all there is.
 */
export function organizationTokenStore(
  organizations: OrganizationRepository,
  now: () => Date = () => new Date(),
  locks: AdvisoryLocks | null = null,
): TokenStore {
  return {
    ...(locks
      ? {
          withRefreshLock: <T>(organizationId: string, refresh: () => Promise<T>) =>
            locks.withLock(TOKEN_REFRESH_LOCK, organizationId, refresh),
        }
      : {}),
    async refreshRefused(organizationId: string): Promise<void> {
      const organization = await organizations.get(organizationId);
      if (!organization.ccAccount) return;
      const accountName = organization.ccAccount.name || organization.ccAccount.id;
      await organizations.markNeedsReconnect(organizationId, grantRefusedReason({ accountName, at: now() }));
    },
    async load(organizationId: string): Promise<CcTokenSet | null> {
      const tokens = await organizations.getTokens(organizationId);
      return tokens
        ? {
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresAt: new Date(tokens.expiresAt),
          }
        : null;
    },
    async save(organizationId: string, tokens: CcTokenSet): Promise<void> {
      await organizations.saveTokens(organizationId, {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt.toISOString(),
      });
    },
  };
}
