import type { OrganizationSettings } from '../model/organization.ts';

/**
 * A record created before the organization started sharing, while it has not opted in to sharing
 * historical data: it is matched and linked, but not created on the other side and not rewritten.
 */
export function isHistorical(settings: OrganizationSettings, createdAt: string | null | undefined): boolean {
  const { shareHistorical, sharingStartsAt } = settings;
  if (shareHistorical || !sharingStartsAt || !createdAt) return false;
  return createdAt < sharingStartsAt;
}
