import type { TokenStore } from '../constantcontact/token-refresh-coordinator.ts';
import type { CcTokenSet } from '../constantcontact/types.ts';
import type { OrganizationRepository } from './repositories/organizations.ts';

/** Constant Contact tokens kept encrypted on the organization, as the CC client reads and rotates them. */
export function organizationTokenStore(organizations: OrganizationRepository): TokenStore {
  return {
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
