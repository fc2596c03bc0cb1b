import type { FastifyInstance } from 'fastify';
import { accountOf } from './api-auth.ts';
import { ccError, notFoundErrorKey, sendCcErrors, validationErrorKey } from './cc-errors.ts';
import { parseContactSearch, runContactSearch } from './contact-query.ts';
import { contactIncludes, renderContact } from './contact-representation.ts';
import { checkSource } from './contact-validation.ts';
import { parseContactBody } from './request-bodies.ts';

type Params = { contact_id: string };

/** The sub-resources a POST or PUT answer carries: everything the body could have set. */
const writeAnswerIncludes = new Set([
  'custom_fields',
  'list_memberships',
  'phone_numbers',
  'street_addresses',
]);
type Query = Record<string, string | undefined>;

function includesFrom(
  raw: string | undefined,
): { ok: true; include: Set<string> } | { ok: false; bad: string } {
  const include = new Set(
    (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const i of include)
    if (!(contactIncludes as readonly string[]).includes(i)) return { ok: false, bad: i };
  return { ok: true, include };
}

/** /v3/contacts and /v3/contacts/{contact_id}, with CC's semantics (see CcAccount for the rules). */
export async function contactRoutes(api: FastifyInstance): Promise<void> {
  const config = { ccScope: 'contact_data' as const };

  api.get('/contacts', { config }, async (req, reply) => {
    const parsed = parseContactSearch(req.query as Query);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const result = runContactSearch(accountOf(req), parsed.search);
    const include = new Set(parsed.search.include);
    const body: Record<string, unknown> = { contacts: result.page.map((c) => renderContact(c, include)) };
    if (result.total !== undefined) body.contacts_count = result.total;
    body._links = result.nextCursor ? { next: { href: `/v3/contacts?cursor=${result.nextCursor}` } } : {};
    return body;
  });

  api.post('/contacts', { config }, async (req, reply) => {
    const parsed = parseContactBody(req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const sourceError = checkSource('create_source', parsed.createSource);
    if (sourceError) return sendCcErrors(reply, 400, [sourceError]);
    const outcome = accountOf(req).createContact(parsed.write, parsed.createSource!);
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return reply.code(201).send(renderContact(outcome.contact, writeAnswerIncludes));
  });

  api.get<{ Params: Params; Querystring: Query }>('/contacts/:contact_id', { config }, async (req, reply) => {
    const include = includesFrom(req.query.include);
    if (!include.ok)
      return sendCcErrors(reply, 400, [
        ccError(validationErrorKey, `include "${include.bad}" is not valid.`),
      ]);
    const contact = accountOf(req).storedContact(req.params.contact_id);
    if (!contact) {
      return sendCcErrors(reply, 404, [
        ccError(notFoundErrorKey, `Contact ${req.params.contact_id} was not found.`),
      ]);
    }
    return renderContact(contact, include.include);
  });

  api.put<{ Params: Params }>('/contacts/:contact_id', { config }, async (req, reply) => {
    const parsed = parseContactBody(req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const sourceError = checkSource('update_source', parsed.updateSource);
    if (sourceError) return sendCcErrors(reply, 400, [sourceError]);
    const account = accountOf(req);
    // The swagger: "To restore a deleted contact you must specify the update_source as Account."
    if (account.storedContact(req.params.contact_id)?.deleted_at && parsed.updateSource !== 'Account') {
      return sendCcErrors(reply, 400, [
        ccError(validationErrorKey, 'To restore a deleted contact, update_source must be Account.'),
      ]);
    }
    const outcome = account.replaceContact(req.params.contact_id, parsed.write, parsed.updateSource!);
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return renderContact(outcome.contact, writeAnswerIncludes);
  });

  api.delete<{ Params: Params }>('/contacts/:contact_id', { config }, async (req, reply) => {
    const outcome = accountOf(req).deleteContact(req.params.contact_id);
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return reply.code(204).send();
  });
}
