import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import {
  DIRECTIONS,
  type Direction,
  HUB_COLLECTIONS,
  type HubCollection,
} from '../../model/hub-collections.ts';
import {
  CONFLICT_WINNERS,
  type ConflictWinner,
  type OrganizationSettingsInput,
} from '../../model/organization.ts';
import { adminAccess, memberAccess } from '../access.ts';
import type { WebContext } from '../context.ts';
import { FormInvalidError } from '../errors.ts';
import type { NoticeKey } from '../views/notices.ts';

type Form = Record<string, string | undefined>;
type Params = { organizationId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, field: string): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new FormInvalidError(`${field} must be one of ${allowed.join(', ')}.`);
}

/** Reads the settings form into a patch: every field is one the page offers, or the form is refused. */
export function settingsFromForm(form: Form): OrganizationSettingsInput {
  const directions = Object.fromEntries(
    HUB_COLLECTIONS.map((c) => [c, oneOf(DIRECTIONS, form[`direction_${c}`], `direction_${c}`)]),
  ) as Record<HubCollection, Direction>;
  return {
    directions,
    conflictWinner: oneOf<ConflictWinner>(CONFLICT_WINNERS, form.conflict_winner, 'conflict_winner'),
    hardDeletes: form.hard_deletes === 'yes',
  };
}

/**
 * What users do on the connector page; each is a plain form (CSRF-checked by the app's hook) that ends with
 * a redirect back to the page and a notice. Members may synchronize and retry; only admins change what is
 * shared (connect, disconnect, settings, historical data).
 */
export const organizationActions: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  const back = (
    reply: FastifyReply,
    organizationId: string,
    notice: NoticeKey,
    options: { follow?: boolean; anchor?: string } = {},
  ) => {
    const after = options.follow ? `&after=${encodeURIComponent(ctx.now().toISOString())}` : '';
    return reply.redirect(
      `/organizations/${organizationId}?notice=${notice}${after}${options.anchor ? `#${options.anchor}` : ''}`,
      303,
    );
  };

  app.post<{ Params: Params }>('/organizations/:organizationId/sync', async (req, reply) => {
    const { organization } = await memberAccess(ctx, req, req.params.organizationId);
    if (!organization.ccAccount) return reply.redirect(`/organizations/${organization.id}`, 303);
    const reply303 = back(reply, organization.id, 'sync_requested', { follow: true });
    ctx.scheduler?.request(organization.id, 'manual');
    return reply303;
  });

  app.post<{ Params: Params; Body: Form }>('/organizations/:organizationId/retry', async (req, reply) => {
    const { organization } = await memberAccess(ctx, req, req.params.organizationId);
    const id = req.body?.id;
    if (id !== undefined && !UUID.test(id)) throw new FormInvalidError('id is not a record of this page.');
    await ctx.repos.idMaps.retryNow(organization.id, id);
    const reply303 = back(reply, organization.id, 'retry_requested', { follow: true, anchor: 'not-shared' });
    if (organization.ccAccount) ctx.scheduler?.request(organization.id, 'manual');
    return reply303;
  });

  app.post<{ Params: Params }>(
    '/organizations/:organizationId/constantcontact/disconnect',
    async (req, reply) => {
      const { organization, session } = await adminAccess(ctx, req, req.params.organizationId);
      // No run may go on writing with a link that is being taken away.
      await ctx.scheduler?.cancel(organization.id);
      const tokens = await ctx.repos.organizations.getTokens(organization.id);
      if (tokens && ctx.cc) {
        // Best effort: a token CC no longer knows is as good as revoked, and the link is erased anyway.
        await ctx.cc.oauth.revoke(tokens.refreshToken).catch((error: unknown) => {
          req.log.warn(
            { organizationId: organization.id, err: error },
            'revoking the Constant Contact token failed',
          );
        });
      }
      await ctx.repos.organizations.unlink(organization.id);
      // What the connector knew of the account goes with the link: a later link is a first link again.
      await ctx.repos.idMaps.clear(organization.id);
      await ctx.repos.ccMirror.clear(organization.id);
      await ctx.repos.cursors.reset(organization.id);
      await ctx.repos.auditLog.record({
        tenant: organization.tenant,
        organizationId: organization.id,
        actor: session.userId,
        event: 'organization.unlinked',
        details: { ccAccountId: organization.ccAccount?.id ?? null },
      });
      return back(reply, organization.id, 'disconnected');
    },
  );

  app.post<{ Params: Params; Body: Form }>('/organizations/:organizationId/settings', async (req, reply) => {
    const { organization, session } = await adminAccess(ctx, req, req.params.organizationId);
    const patch = settingsFromForm(req.body ?? {});
    const updated = await ctx.repos.organizations.updateSettings(organization.id, patch);
    const before = organization.settings;
    const changed = [
      ...HUB_COLLECTIONS.filter((c) => before.directions[c] !== updated.settings.directions[c]).map(
        (c) => `directions.${c}`,
      ),
      ...(before.conflictWinner !== updated.settings.conflictWinner ? ['conflictWinner'] : []),
      ...(before.hardDeletes !== updated.settings.hardDeletes ? ['hardDeletes'] : []),
    ];
    if (changed.length > 0) {
      await ctx.repos.auditLog.record({
        tenant: organization.tenant,
        organizationId: organization.id,
        actor: session.userId,
        event: 'organization.settings_changed',
        details: { changed },
      });
      if (organization.ccAccount) ctx.scheduler?.request(organization.id, 'manual');
    }
    return back(reply, organization.id, 'settings_saved', { anchor: 'settings' });
  });

  app.post<{ Params: Params; Body: Form }>(
    '/organizations/:organizationId/historical',
    async (req, reply) => {
      const { organization, session } = await adminAccess(ctx, req, req.params.organizationId);
      if (req.body?.confirm !== 'yes') {
        throw new FormInvalidError('Tick the box confirming that sharing historical data cannot be undone.');
      }
      if (!organization.settings.shareHistorical) {
        await ctx.repos.organizations.updateSettings(organization.id, { shareHistorical: true });
        // Records older than the cursors were skipped as historical: both sides are read again from the start.
        await ctx.repos.cursors.reset(organization.id);
        await ctx.repos.auditLog.record({
          tenant: organization.tenant,
          organizationId: organization.id,
          actor: session.userId,
          event: 'organization.settings_changed',
          details: { changed: ['shareHistorical'] },
        });
      }
      const reply303 = back(reply, organization.id, 'historical_on', { follow: true, anchor: 'settings' });
      if (organization.ccAccount) ctx.scheduler?.request(organization.id, 'historical');
      return reply303;
    },
  );
};
