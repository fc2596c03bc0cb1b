import type { FastifyPluginAsync } from 'fastify';
import type { Tenant } from '../../config/tenants.ts';
import type { ConnecNotification } from '../../connec/notification.ts';
import { MAPPINGS } from '../../mapping/registry.ts';
import type { WebContext } from '../context.ts';
import { connecNotificationsRoutes } from './connec-notifications.ts';

/**
 * What a Connec! notification does: for each group it names, a debounced run of that organization. Groups
 * the connector does not know, deleted organizations and unlinked ones are acknowledged and dropped; the
 * records themselves are never stored (the run reads the hub).
 */
export function notificationHandler(ctx: Pick<WebContext, 'repos' | 'scheduler' | 'logger'>) {
  return async (tenant: Tenant, notification: ConnecNotification): Promise<void> => {
    const groups = new Set(notification.entries.map((e) => e.groupId));
    for (const groupId of groups) {
      const organization = await ctx.repos.organizations.findByGroup(tenant.id, groupId);
      if (!organization || organization.deletedAt || !organization.ccAccount || !ctx.scheduler) {
        ctx.logger.debug(
          {
            tenant: tenant.id,
            groupId,
            known: Boolean(organization),
            deleted: Boolean(organization?.deletedAt),
          },
          'notification dropped: nothing to share for this group',
        );
        continue;
      }
      ctx.scheduler.notify(organization.id);
    }
  };
}

export const platformNotifications: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  await app.register(connecNotificationsRoutes, {
    tenants: ctx.config.tenants,
    collections: MAPPINGS.collections,
    onNotification: notificationHandler(ctx),
  });
};
