import type { FastifyInstance } from 'fastify';
import { renderSummary, renderSummaryPut } from './account-summary.ts';
import { accountOf } from './api-auth.ts';
import { ccError, sendCcErrors } from './cc-errors.ts';
import { parseBody, physicalAddressBody, summaryBody, withoutNulls } from './request-bodies.ts';

const extraFieldNames = new Set(['physical_address', 'company_logo']);

/** /v3/account/summary (GET with extra_fields, partial PUT) and its physical address. */
export async function accountRoutes(api: FastifyInstance): Promise<void> {
  api.get<{ Querystring: { extra_fields?: string } }>(
    '/account/summary',
    { config: { ccScope: 'account_read' } },
    async (req, reply) => {
      const extra = new Set(
        (req.query.extra_fields ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      for (const field of extra) {
        if (!extraFieldNames.has(field)) {
          return sendCcErrors(reply, 400, [
            ccError('account.api.validation.error', `extra_fields "${field}" is not valid.`),
          ]);
        }
      }
      return renderSummary(accountOf(req).summary, extra);
    },
  );

  api.put('/account/summary', { config: { ccScope: 'account_update' } }, async (req, reply) => {
    const parsed = parseBody(summaryBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const account = accountOf(req);
    // A partial update: fields the body leaves out keep their value (unlike contacts).
    account.updateSummary(withoutNulls(parsed.value));
    return renderSummaryPut(account.summary);
  });

  api.get(
    '/account/summary/physical_address',
    { config: { ccScope: 'account_read' } },
    async (req, reply) => {
      const address = accountOf(req).summary.physical_address;
      // Every CC account has one (it is required to send email); the seeding always sets it.
      if (!address)
        return sendCcErrors(reply, 400, [
          ccError('account.api.validation.error', 'No physical address is set.'),
        ]);
      return address;
    },
  );

  api.put(
    '/account/summary/physical_address',
    { config: { ccScope: 'account_update' } },
    async (req, reply) => {
      const parsed = parseBody(physicalAddressBody, req.body);
      if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
      const address = withoutNulls(parsed.value) as typeof parsed.value & {
        address_line1: string;
        city: string;
        country_code: string;
      };
      accountOf(req).updateSummary({ physical_address: address as never });
      return accountOf(req).summary.physical_address;
    },
  );
}
