import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CcAccount } from './account-state.ts';
import { type ActivityRunner, renderActivity } from './activity-runner.ts';
import { accountOf } from './api-auth.ts';
import {
  importLimits,
  resolveSource,
  runAddListMemberships,
  runContactDelete,
  runContactsImport,
  runRemoveListMemberships,
} from './bulk-work.ts';
import {
  type CcErrorEntry,
  ccError,
  notFoundErrorKey,
  sendCcErrors,
  validationErrorKey,
} from './cc-errors.ts';
import { contactDeleteBody, jsonImportBody, listMembershipBody, parseBody } from './request-bodies.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Size of the raw JSON body in bytes (CC's 4 MB import limit is on the payload). */
    rawBodyBytes?: number;
  }
}

const activityErrorKey = 'activities.api.validation.error';

function unknownLists(account: CcAccount, listIds: readonly string[]): CcErrorEntry[] {
  return listIds
    .filter((id) => !account.storedList(id))
    .map((id) => ccError(activityErrorKey, `list_id ${id} was not found.`));
}

// CC documents the 429 but not its body; the key is ours (fidelity: a guess).
const queueFullKey = 'activities.api.queue.full';

/** The 429 body for an account whose activity queue is full: a single object, as CC's other 429s are. */
export function activityQueueFull(runner: ActivityRunner, accountId: string) {
  return ccError(
    queueFullKey,
    `Too many requests: this account has ${runner.queuedCount(accountId)} queued activities, ` +
      'the most it may have. Try again once some have completed.',
  );
}

/**
 * Queues the activity and answers 201 with it, or 429 when the account already has as many unfinished
 * activities as CC allows ("1,000 queued activities for this user account").
 */
function startActivity(
  reply: FastifyReply,
  runner: ActivityRunner,
  input: Parameters<ActivityRunner['start']>[0],
): FastifyReply {
  if (runner.queueFull(input.accountId))
    return reply.code(429).send(activityQueueFull(runner, input.accountId));
  return reply.code(201).send(renderActivity(runner.start(input)));
}

/** GET /v3/activities lists "the activities submitted by the account over the past 10 days". */
const activityRetentionMs = 10 * 24 * 60 * 60_000;
const listableStates = ['processing', 'completed', 'cancelled', 'failed', 'timed_out'];

// The cursor carries the first page's filters, as CC's opaque cursors do.
function activityCursor(offset: number, limit: number, state: string | undefined): string {
  return Buffer.from(JSON.stringify({ offset, limit, state })).toString('base64url');
}

function parseActivityPage(
  query: Record<string, string | undefined>,
): { ok: true; offset: number; limit: number; state: string | undefined } | { ok: false; message: string } {
  let raw: { offset?: unknown; limit?: unknown; state?: unknown } = {
    offset: 0,
    limit: query.limit === undefined ? 50 : Number(query.limit),
    state: query.state,
  };
  if (query.cursor) {
    try {
      raw = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, message: 'cursor does not have a valid value' };
    }
  }
  const { offset, limit, state } = raw;
  if (!Number.isInteger(offset) || (offset as number) < 0) {
    return { ok: false, message: 'cursor does not have a valid value' };
  }
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 500) {
    return { ok: false, message: 'limit does not have a valid value' };
  }
  if (state !== undefined && (typeof state !== 'string' || !listableStates.includes(state))) {
    return { ok: false, message: 'state does not have a valid value' };
  }
  return { ok: true, offset: offset as number, limit: limit as number, state: state as string | undefined };
}

/** /v3/activities: the bulk activities the connector uses, their status, and the account's recent ones. */
export async function activityRoutes(
  api: FastifyInstance,
  options: { runner: ActivityRunner },
): Promise<void> {
  const { runner } = options;
  const config = { ccScope: 'contact_data' as const };

  api.post('/activities/contacts_json_import', { config }, async (req, reply) => {
    const bytes = req.rawBodyBytes ?? 0;
    if (bytes > importLimits.maxBytes) {
      return sendCcErrors(reply, 400, [
        ccError(
          activityErrorKey,
          `The request body is ${bytes} bytes; an import accepts at most 4 MB (${importLimits.maxBytes} bytes).`,
        ),
      ]);
    }
    const parsed = parseBody(jsonImportBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const { import_data: rows, list_ids: listIds } = parsed.value;
    if (rows.length === 0 || rows.length > importLimits.maxRows) {
      return sendCcErrors(reply, 400, [
        ccError(
          activityErrorKey,
          `import_data must have 1 to ${importLimits.maxRows} contacts; it has ${rows.length}.`,
        ),
      ]);
    }
    const account = accountOf(req);
    const listErrors = unknownLists(account, listIds);
    if (listErrors.length > 0) return sendCcErrors(reply, 400, listErrors);
    return startActivity(reply, runner, {
      accountId: account.id,
      kind: 'contacts_json_import',
      initialCounts: { items_total_count: rows.length, person_count: 0, error_count: 0 },
      work: () => runContactsImport(account, rows, listIds),
    });
  });

  for (const kind of ['add_list_memberships', 'remove_list_memberships'] as const) {
    api.post(`/activities/${kind}`, { config }, async (req, reply) => {
      const parsed = parseBody(listMembershipBody, req.body);
      if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
      const { source, list_ids: listIds, exclude } = parsed.value;
      const sourceKinds = [
        source.contact_ids?.length,
        source.list_ids?.length,
        source.all_active_contacts,
      ].filter(Boolean);
      if (sourceKinds.length !== 1) {
        return sendCcErrors(reply, 400, [
          ccError(
            activityErrorKey,
            'source must name exactly one of contact_ids, list_ids or all_active_contacts.',
          ),
        ]);
      }
      if ((source.contact_ids?.length ?? 0) > 500) {
        return sendCcErrors(reply, 400, [
          ccError(activityErrorKey, 'source.contact_ids accepts at most 500 ids.'),
        ]);
      }
      const account = accountOf(req);
      const listErrors = unknownLists(account, [...listIds, ...(source.list_ids ?? [])]);
      if (listErrors.length > 0) return sendCcErrors(reply, 400, listErrors);
      const contactIds = resolveSource(
        account,
        {
          contact_ids: source.contact_ids ?? [],
          list_ids: source.list_ids ?? [],
          all_active_contacts: source.all_active_contacts ?? false,
        },
        exclude?.contact_ids ?? [],
      );
      return startActivity(reply, runner, {
        accountId: account.id,
        kind,
        initialCounts: {
          items_total_count: contactIds.length,
          items_completed_count: 0,
          list_count: listIds.length,
        },
        work: () =>
          kind === 'add_list_memberships'
            ? runAddListMemberships(account, contactIds, listIds)
            : runRemoveListMemberships(account, contactIds, listIds),
      });
    });
  }

  api.post('/activities/contact_delete', { config }, async (req, reply) => {
    const parsed = parseBody(contactDeleteBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const contactIds = parsed.value.contact_ids ?? [];
    const listIds = parsed.value.list_ids ?? [];
    if ((contactIds.length === 0) === (listIds.length === 0)) {
      return sendCcErrors(reply, 400, [
        ccError(validationErrorKey, 'Give either contact_ids (up to 500) or list_ids (up to 50).'),
      ]);
    }
    if (contactIds.length > 500 || listIds.length > 50) {
      return sendCcErrors(reply, 400, [
        ccError(validationErrorKey, 'At most 500 contact_ids or 50 list_ids.'),
      ]);
    }
    const account = accountOf(req);
    const listErrors = unknownLists(account, listIds);
    if (listErrors.length > 0) return sendCcErrors(reply, 400, listErrors);
    const targets = contactIds.length > 0 ? contactIds : resolveSource(account, { list_ids: listIds });
    return startActivity(reply, runner, {
      accountId: account.id,
      kind: 'contact_delete',
      initialCounts: {
        items_total_count: targets.length,
        items_completed_count: 0,
        list_count: listIds.length,
      },
      work: () => runContactDelete(account, targets, listIds.length),
    });
  });

  api.get<{ Querystring: Record<string, string | undefined> }>(
    '/activities',
    { config },
    async (req, reply) => {
      const page = parseActivityPage(req.query);
      if (!page.ok) return sendCcErrors(reply, 400, [ccError(activityErrorKey, page.message)]);
      const { offset, limit, state } = page;
      const since = runner.clock.now().getTime() - activityRetentionMs;
      // Newest first; an activity older than CC's 10-day window is no longer listed.
      const all = runner
        .forAccount(accountOf(req).id)
        .filter((a) => Date.parse(a.created_at) >= since && (!state || a.state === state))
        .reverse();
      const body: Record<string, unknown> = {
        activities: all.slice(offset, offset + limit).map(renderActivity),
      };
      const nextOffset = offset + limit;
      body._links =
        nextOffset < all.length
          ? { next: { href: `/v3/activities?cursor=${activityCursor(nextOffset, limit, state)}` } }
          : {};
      return body;
    },
  );

  api.get<{ Params: { activity_id: string } }>('/activities/:activity_id', { config }, async (req, reply) => {
    const activity = runner.get(accountOf(req).id, req.params.activity_id);
    if (!activity) {
      return sendCcErrors(reply, 404, [
        ccError(notFoundErrorKey, `Activity ${req.params.activity_id} was not found.`),
      ]);
    }
    return renderActivity(activity);
  });
}
