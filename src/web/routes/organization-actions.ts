import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { changeSettings, disconnect, shareHistorical } from '../../lifecycle/organization-lifecycle.ts';
import { MAPPINGS } from '../../mapping/registry.ts';
import { DIRECTIONS } from '../../model/hub-collections.ts';
import {
  CONFLICT_WINNERS,
  type ConflictWinner,
  type OrganizationSettingsInput,
} from '../../model/organization.ts';
import { adminAccess, memberAccess } from '../access.ts';
import { lifecycleOf, type WebContext } from '../context.ts';
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
    MAPPINGS.collections.map((c) => [c, oneOf(DIRECTIONS, form[`direction_${c}`], `direction_${c}`)]),
  );
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
      await disconnect(lifecycleOf(ctx), organization, session.userId);
      return back(reply, organization.id, 'disconnected');
    },
  );

  app.post<{ Params: Params; Body: Form }>('/organizations/:organizationId/settings', async (req, reply) => {
    const { organization, session } = await adminAccess(ctx, req, req.params.organizationId);
    await changeSettings(lifecycleOf(ctx), organization, settingsFromForm(req.body ?? {}), session.userId);
    return back(reply, organization.id, 'settings_saved', { anchor: 'settings' });
  });

  app.post<{ Params: Params; Body: Form }>(
    '/organizations/:organizationId/historical',
    async (req, reply) => {
      const { organization, session } = await adminAccess(ctx, req, req.params.organizationId);
      if (req.body?.confirm !== 'yes') {
        throw new FormInvalidError('Tick the box confirming that sharing historical data cannot be undone.');
      }
      const reply303 = back(reply, organization.id, 'historical_on', { follow: true, anchor: 'settings' });
      await shareHistorical(lifecycleOf(ctx), organization, session.userId);
      return reply303;
    },
  );
};
