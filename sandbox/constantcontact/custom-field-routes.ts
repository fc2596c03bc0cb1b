import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { accountOf } from './api-auth.ts';
import { ccError, notFoundErrorKey, sendCcErrors, validationErrorKey } from './cc-errors.ts';
import { type CustomFieldInput, renderCustomField } from './custom-fields.ts';
import { parseBody } from './request-bodies.ts';

const choice = z.object({
  choice_id: z.number().int().nullish(),
  choice_label: z.string().nullish(),
  display_order: z.number().int().nullish(),
});

const customFieldBody = z.object({
  label: z.string().nullish(),
  type: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  version: z.number().int().nullish(),
  choices: z.array(choice).nullish(),
});

type Params = { custom_field_id: string };
type Query = Record<string, string | undefined>;

/** The offset a custom fields cursor carries (CC's cursors are opaque; ours is a base64url offset). */
function offsetOf(cursor: string | undefined): number | null {
  if (!cursor) return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString('utf8').replace('offset=', ''));
  return Number.isInteger(offset) && offset >= 0 ? offset : null;
}

/** /v3/contact_custom_fields: an account's custom field definitions (values live on contacts). */
export async function customFieldRoutes(api: FastifyInstance): Promise<void> {
  const config = { ccScope: 'contact_data' as const };

  api.get<{ Querystring: Query }>('/contact_custom_fields', { config }, async (req, reply) => {
    const limit = Number(req.query.limit ?? '50');
    const offset = offsetOf(req.query.cursor);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return sendCcErrors(reply, 400, [
        ccError(validationErrorKey, 'limit must be an integer from 1 to 100.'),
      ]);
    }
    if (offset === null) {
      return sendCcErrors(reply, 400, [ccError(validationErrorKey, 'The cursor is not valid.')]);
    }
    const all = accountOf(req).customFields.all();
    const next =
      offset + limit < all.length ? Buffer.from(`offset=${offset + limit}`).toString('base64url') : null;
    return {
      custom_fields: all.slice(offset, offset + limit).map(renderCustomField),
      _links: next ? { next: { href: `/v3/contact_custom_fields?cursor=${next}&limit=${limit}` } } : {},
    };
  });

  api.post('/contact_custom_fields', { config }, async (req, reply) => {
    const parsed = parseBody(customFieldBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const outcome = accountOf(req).customFields.create(parsed.value as CustomFieldInput);
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return reply.code(201).send(renderCustomField(outcome.field));
  });

  api.get<{ Params: Params }>('/contact_custom_fields/:custom_field_id', { config }, async (req, reply) => {
    const field = accountOf(req).customFields.get(req.params.custom_field_id);
    if (!field) {
      return sendCcErrors(reply, 404, [
        ccError(notFoundErrorKey, `Custom field ${req.params.custom_field_id} was not found.`),
      ]);
    }
    return renderCustomField(field);
  });

  api.put<{ Params: Params }>('/contact_custom_fields/:custom_field_id', { config }, async (req, reply) => {
    const parsed = parseBody(customFieldBody.pick({ label: true, choices: true }), req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const outcome = accountOf(req).customFields.update(
      req.params.custom_field_id,
      parsed.value as CustomFieldInput,
    );
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    return renderCustomField(outcome.field);
  });

  api.delete<{ Params: Params }>(
    '/contact_custom_fields/:custom_field_id',
    { config },
    async (req, reply) => {
      const outcome = accountOf(req).deleteCustomField(req.params.custom_field_id);
      if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
      return reply.code(204).send();
    },
  );
}
