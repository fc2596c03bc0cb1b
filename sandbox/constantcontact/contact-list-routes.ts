import type { FastifyInstance } from 'fastify';
import { activityQueueFull } from './activity-routes.ts';
import { type ActivityRunner, renderActivity } from './activity-runner.ts';
import { accountOf } from './api-auth.ts';
import { ccError, notFoundErrorKey, sendCcErrors, validationErrorKey } from './cc-errors.ts';
import type { CcKnobs } from './cc-knobs.ts';
import { renderList } from './contact-representation.ts';
import { listBody, listPutBody, parseBody } from './request-bodies.ts';

type Query = Record<string, string | undefined>;

/**
 * /v3/contact_lists: list, create, rename and delete (names unique per account, case-insensitive). A delete
 * is CC's asynchronous activity: the list and its memberships go when the activity completes.
 */
export async function contactListRoutes(
  api: FastifyInstance,
  options: { runner: ActivityRunner; knobs: CcKnobs },
): Promise<void> {
  const config = { ccScope: 'contact_data' as const };

  api.get<{ Querystring: Query }>('/contact_lists', { config }, async (req, reply) => {
    const account = accountOf(req);
    const cursor = req.query.cursor;
    const offset = cursor
      ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace('offset=', ''))
      : 0;
    const limit = Number(req.query.limit ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
      return sendCcErrors(reply, 400, [
        ccError(validationErrorKey, 'limit must be an integer from 1 to 1000.'),
      ]);
    }
    const membership = req.query.include_membership_count;
    let lists = account.storedLists();
    if (req.query.name) lists = lists.filter((l) => l.name.toLowerCase() === req.query.name?.toLowerCase());
    const page = lists.slice(offset, offset + limit);
    const body: Record<string, unknown> = {
      lists: page.map((l) =>
        renderList(l, membership ? account.membershipCount(l.list_id, membership === 'active') : undefined),
      ),
    };
    if (req.query.include_count === 'true') body.lists_count = lists.length;
    const next =
      offset + limit < lists.length ? Buffer.from(`offset=${offset + limit}`).toString('base64url') : null;
    body._links = next ? { next: { href: `/v3/contact_lists?cursor=${next}&limit=${limit}` } } : {};
    return body;
  });

  api.get<{ Params: { list_id: string } }>('/contact_lists/:list_id', { config }, async (req, reply) => {
    const account = accountOf(req);
    const list = account.storedList(req.params.list_id);
    if (!list)
      return sendCcErrors(reply, 404, [
        ccError(notFoundErrorKey, `List ${req.params.list_id} was not found.`),
      ]);
    return renderList(list, account.membershipCount(list.list_id));
  });

  api.post('/contact_lists', { config }, async (req, reply) => {
    const parsed = parseBody(listBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const input: { name: string; favorite?: boolean; description?: string } = { name: parsed.value.name };
    if (parsed.value.favorite != null) input.favorite = parsed.value.favorite;
    if (parsed.value.description != null) input.description = parsed.value.description;
    const outcome = accountOf(req).addList(input);
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return reply.code(201).send(renderList(outcome.list));
  });

  api.put<{ Params: { list_id: string } }>('/contact_lists/:list_id', { config }, async (req, reply) => {
    const parsed = parseBody(listPutBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const input: { name: string; favorite?: boolean; description?: string } = { name: parsed.value.name };
    if (parsed.value.favorite != null) input.favorite = parsed.value.favorite;
    if (parsed.value.description != null) input.description = parsed.value.description;
    const outcome = accountOf(req).replaceList(req.params.list_id, input);
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return renderList(outcome.list);
  });

  api.delete<{ Params: { list_id: string } }>('/contact_lists/:list_id', { config }, async (req, reply) => {
    const account = accountOf(req);
    const listId = req.params.list_id;
    if (!account.storedList(listId)) {
      return sendCcErrors(reply, 404, [ccError(notFoundErrorKey, `List ${listId} was not found.`)]);
    }
    if (options.runner.queueFull(account.id)) {
      return reply.code(429).send(activityQueueFull(options.runner, account.id));
    }
    const activity = options.runner.start({
      accountId: account.id,
      kind: 'list_delete',
      initialCounts: { items_total_count: 1, items_completed_count: 0, list_count: 1 },
      work: () => {
        const removed = account.removeList(listId, options.knobs.listDeleteTouchesContacts);
        return {
          counts: { items_total_count: 1, items_completed_count: removed === false ? 0 : 1, list_count: 1 },
          errors: removed === false ? [`List ${listId} was not found.`] : [],
        };
      },
    });
    const { status: _status, ...body } = renderActivity(activity);
    return reply.code(202).header('location', `/v3/activities/${activity.activity_id}`).send(body);
  });
}
