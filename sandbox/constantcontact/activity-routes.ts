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

/**
 * Queues the activity and answers 201 with it, or 429 when the account already has as many unfinished
 * activities as CC allows ("1,000 queued activities for this user account").
 */
function startActivity(
  reply: FastifyReply,
  runner: ActivityRunner,
  input: Parameters<ActivityRunner['start']>[0],
): FastifyReply {
  if (runner.queueFull(input.accountId)) {
    // A single object, as CC's other 429 answers are.
    return reply
      .code(429)
      .send(
        ccError(
          queueFullKey,
          `Too many requests: this account has ${runner.queuedCount(input.accountId)} queued activities, ` +
            'the most it may have. Try again once some have completed.',
        ),
      );
  }
  return reply.code(201).send(renderActivity(runner.start(input)));
}

/** /v3/activities: the four bulk activities the connector uses, and their status. */
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
