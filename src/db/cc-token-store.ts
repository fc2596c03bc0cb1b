import type { TokenStore } from '../constantcontact/token-refresh-coordinator.ts';
import type { CcTokenSet } from '../constantcontact/types.ts';
import { grantRefusedReason } from '../model/reconnect-reasons.ts';
import type { OrganizationRepository } from './repositories/organizations.ts';

/**
 * Constant Contact tokens kept encrypted on the organization, as the CC client reads and rotates them. A
 * refused refresh token marks the organization as needing a reconnect, with the reason its page shows.
 */
export function organizationTokenStore(
  organizations: OrganizationRepository,
  now: () => Date = () => new Date(),
): TokenStore {
  return {
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
