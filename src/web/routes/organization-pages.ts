import type { FastifyPluginAsync } from 'fastify';
import { ConnecClient } from '../../connec/connec-client.ts';
import { recordUserOnPage } from '../../jobs/budget-aware-planning.ts';
import { nextPollDue } from '../../jobs/poll-interval.ts';
import { mappingOverview } from '../../mapping/mapping-overview.ts';
import { COMPANY_COLLECTION, MAPPINGS } from '../../mapping/registry.ts';
import type { IdMap } from '../../model/id-map.ts';
import type { Organization } from '../../model/organization.ts';
import { previewHistorical } from '../../sync/historical-preview.ts';
import { localTimes } from '../../time-text.ts';
import { memberAccess } from '../access.ts';
import { contactListsOf, contactsOnPage } from '../contact-lists.ts';
import type { WebContext } from '../context.ts';
import { toCsv } from '../csv.ts';
import { RecordNotFoundError } from '../errors.ts';
import { html } from '../html.ts';
import { renderHistoricalPreview } from '../views/historical.ts';
import { layout } from '../views/layout.ts';
import { renderMapping } from '../views/mapping.ts';
import { isNoticeKey } from '../views/notices.ts';
import { HISTORY_ROWS, renderOrganizationPage } from '../views/organization-page.ts';
import { renderRecordDetail } from '../views/record-detail.ts';
import { PAGE_SIZE, STATE_LABELS } from '../views/records.ts';
import { CHART_RUNS } from '../views/run-history.ts';
import { type ProgressState, renderProgress, shouldPoll } from '../views/sync-progress.ts';

interface PageQuery {
  notice?: string;
  after?: string;
  q?: string;
  offset?: string;
  noffset?: string;
  /** Shows only the records not shared for this reason. */
  reason?: string;
}

const NOT_SHARED = ['excluded', 'failed', 'unlinked'] as const;
/** Records read per query while writing the CSV export. */
const CSV_PAGE = 1_000;

const offsetOf = (value: string | undefined) => {
  const n = Number.parseInt(value ?? '0', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

const validInstant = (value: string | undefined) =>
  value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;

/**
 * Names of records the connector keeps no snapshot of (those never shared), read from Connec! for the rows
 * on screen only. Best effort: a slow or failing hub leaves the name out rather than the page.
 */
async function lookUpNames(ctx: WebContext, organization: Organization, items: readonly IdMap[]) {
  const names = new Map<string, string>();
  const tenant = ctx.config.tenants.find((t) => t.id === organization.tenant);
  const wanted = items.filter((m) => !m.snapshot && m.hubId && m.hubCollection !== COMPANY_COLLECTION);
  if (!tenant || wanted.length === 0) return names;
  const connec = new ConnecClient({ tenant, groupId: organization.groupUid, timeoutMs: 3000, maxRetries: 0 });
  await Promise.all(
    wanted.map(async (m) => {
      try {
        const record = await connec.get(m.hubCollection, m.hubId!);
        const name =
          [record.first_name, record.last_name].filter((v) => typeof v === 'string' && v).join(' ') ||
          (typeof record.name === 'string' ? record.name : '');
        if (name) names.set(m.id, name);
      } catch (error) {
        ctx.logger.debug(
          { organizationId: organization.id, idMapId: m.id, err: error },
          'name lookup failed',
        );
      }
    }),
  );
  return names;
}

/** The connector page, its live progress fragment, the home page and the historical-data preview. */
export const organizationPages: FastifyPluginAsync<{ ctx: WebContext }> = async (app, { ctx }) => {
  const progressState = async (
    organization: Organization,
    csrfToken: string,
    awaitingSince: string | null,
  ): Promise<ProgressState> => {
    const [running, recent, poll] = await Promise.all([
      ctx.repos.syncRuns.findRunning(organization.id),
      ctx.repos.syncRuns.listRecent(organization.id, 1),
      ctx.repos.pollStates.get(organization.id),
    ]);
    const now = ctx.now();
    const linked = Boolean(organization.ccAccount);
    const nextPollAt =
      linked && poll && organization.syncEnabled && !organization.needsReconnect
        ? new Date(nextPollDue(poll, now.getTime(), ctx.config.polling))
        : null;
    return {
      organizationId: organization.id,
      running,
      latest: recent[0] ?? null,
      awaitingSince,
      now,
      times: localTimes(organization.timeZone, now),
      linked,
      csrfToken,
      nextPollAt,
    };
  };

  // A user on the page is activity: the planner polls the organization's CC side at the minimum interval.
  // Only a hint, so a failure to record it is logged and the page is shown anyway.
  const userOnPage = async (organizationId: string): Promise<void> => {
    try {
      await recordUserOnPage(ctx.repos.pollStates, organizationId, ctx.config.polling, ctx.now());
    } catch (error) {
      ctx.logger.warn({ err: error, organizationId }, 'could not record the user on the page for polling');
    }
  };

  app.get('/', async (req, reply) => {
    const session = req.session;
    if (!session) {
      return reply.type('text/html').send(
        layout({
          title: 'Open from your dashboard',
          body: html`<h1>Constant Contact connector</h1><p>Open the connector from your platform dashboard: its Launch button signs you in here.</p>`,
        }),
      );
    }
    const memberships = await ctx.repos.users.listMemberships(session.userId);
    const organizations = (
      await Promise.all(memberships.map((m) => ctx.repos.organizations.get(m.organizationId)))
    ).filter((o) => !o.deletedAt && o.tenant === session.tenant);
    const items = organizations.map(
      (o) =>
        html`<li><strong>${o.name}</strong> — ${o.needsReconnect ? 'needs reconnect' : o.ccAccount ? `connected to ${o.ccAccount.name || 'Constant Contact'}` : 'not connected'} · <a href="/organizations/${o.id}">Settings</a></li>`,
    );
    return reply.type('text/html').send(
      layout({
        title: 'Your organizations',
        body: html`<h1>Your organizations</h1><section class="card"><ul>${items.length > 0 ? items : html`<li>You belong to no organization.</li>`}</ul></section>`,
        csrfToken: session.csrf,
      }),
    );
  });

  app.get<{ Params: { organizationId: string }; Querystring: PageQuery }>(
    '/organizations/:organizationId',
    async (req, reply) => {
      const { organization, membership, canChange, session } = await memberAccess(
        ctx,
        req,
        req.params.organizationId,
      );
      const q = req.query;
      const search = (q.q ?? '').slice(0, 100);
      const offset = offsetOf(q.offset);
      const notSharedOffset = offsetOf(q.noffset);
      const reason = q.reason ? q.reason.slice(0, 500) : null;
      const [progress, runs, shared, companyProfile, notShared, counts, reasons] = await Promise.all([
        progressState(organization, session.csrf, validInstant(q.after)),
        ctx.repos.syncRuns.listRecent(organization.id, Math.max(CHART_RUNS, HISTORY_ROWS)),
        ctx.repos.sharedContacts.page(organization.id, { search, limit: PAGE_SIZE, offset }),
        ctx.repos.sharedContacts.companyProfile(organization.id),
        ctx.repos.idMaps.page(organization.id, {
          states: NOT_SHARED,
          reason,
          limit: PAGE_SIZE,
          offset: notSharedOffset,
        }),
        ctx.repos.sharedContacts.counts(organization.id),
        ctx.repos.idMaps.reasonCounts(organization.id, NOT_SHARED),
        userOnPage(organization.id),
      ]);
      const names = await lookUpNames(ctx, organization, notShared.items);
      const contacts = await contactsOnPage(
        ctx.repos,
        organization.id,
        shared.items.map((c) => c.ccContactId),
      );
      const base = `/organizations/${organization.id}`;
      const href = (params: Record<string, string | number>) => {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(params)) if (value) query.set(key, String(value));
        const text = query.toString();
        return text ? `${base}?${text}` : base;
      };
      return reply.type('text/html').send(
        renderOrganizationPage({
          organization,
          role: membership.role,
          canChange,
          csrfToken: session.csrf,
          notice: isNoticeKey(q.notice) ? q.notice : null,
          progress,
          times: progress.times,
          runs,
          shared: {
            items: shared.items,
            contacts,
            totals: { contacts: shared.contacts, records: shared.records },
            search,
            companyProfile,
            links: {
              href: (o) => href({ q: search, offset: o, noffset: notSharedOffset, reason: reason ?? '' }),
              offset,
              total: shared.contacts,
              anchor: 'shared',
            },
          },
          notShared: {
            items: notShared.items,
            names,
            reasons,
            reason,
            links: {
              href: (o) => href({ q: search, offset, noffset: o, reason: reason ?? '' }),
              offset: notSharedOffset,
              total: notShared.total,
              anchor: 'not-shared',
            },
          },
          counts,
          ccConfigured: Boolean(ctx.cc),
        }),
      );
    },
  );

  app.get<{ Params: { organizationId: string }; Querystring: { after?: string } }>(
    '/organizations/:organizationId/progress',
    async (req, reply) => {
      const { organization, session } = await memberAccess(ctx, req, req.params.organizationId);
      const state = await progressState(organization, session.csrf, validInstant(req.query.after));
      // htmx only asks while polling; an answer that stops polling means a run just ended, so the page
      // reloads to show it in the history and the lists.
      if (req.headers['hx-request'] && !shouldPoll(state)) reply.header('HX-Refresh', 'true');
      return reply.type('text/html').send(renderProgress(state).value);
    },
  );

  app.get<{ Params: { organizationId: string; recordId: string } }>(
    '/organizations/:organizationId/records/:recordId',
    async (req, reply) => {
      const { organization, session } = await memberAccess(ctx, req, req.params.organizationId);
      const map = await ctx.repos.idMaps.get(organization.id, req.params.recordId);
      if (!map)
        throw new RecordNotFoundError('No such record in this organization: it may have been removed.');
      const [lists, alsoSharedFrom] = await Promise.all([
        contactListsOf(ctx.repos, organization.id, [map]),
        ctx.repos.sharedContacts.othersSharing(map),
      ]);
      return reply.type('text/html').send(
        layout({
          title: 'Record',
          body: renderRecordDetail(
            map,
            map.ccContactId ? lists.get(map.ccContactId) : undefined,
            `/organizations/${organization.id}`,
            localTimes(organization.timeZone, ctx.now()),
            alsoSharedFrom,
          ),
          csrfToken: session.csrf,
        }),
      );
    },
  );

  app.get<{ Params: { organizationId: string }; Querystring: { reason?: string } }>(
    '/organizations/:organizationId/not-shared.csv',
    async (req, reply) => {
      const { organization } = await memberAccess(ctx, req, req.params.organizationId);
      const reason = req.query.reason ? req.query.reason.slice(0, 500) : null;
      const rows: Array<Array<string | null>> = [
        ['Email', 'In Connec!', 'Connec! id', 'Constant Contact id', 'Status', 'Reason', 'Next try (UTC)'],
      ];
      for (let offset = 0; ; offset += CSV_PAGE) {
        const page = await ctx.repos.idMaps.page(organization.id, {
          states: NOT_SHARED,
          reason,
          limit: CSV_PAGE,
          offset,
        });
        for (const m of page.items) {
          rows.push([
            m.email,
            MAPPINGS.recordLabel(m.hubCollection),
            m.hubId,
            m.ccContactId,
            STATE_LABELS[m.state] ?? m.state,
            m.reason,
            m.state === 'failed' ? m.nextRetryAt : null,
          ]);
        }
        if (page.items.length < CSV_PAGE) break;
      }
      const day = ctx.now().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="not-shared-${day}.csv"`)
        .send(toCsv(rows));
    },
  );

  app.get<{ Params: { organizationId: string } }>(
    '/organizations/:organizationId/mapping',
    async (req, reply) => {
      const { organization, session } = await memberAccess(ctx, req, req.params.organizationId);
      const overview = mappingOverview(MAPPINGS, organization.settings.directions);
      return reply.type('text/html').send(
        layout({
          title: 'What maps to what',
          body: renderMapping(organization, overview, `/organizations/${organization.id}`),
          csrfToken: session.csrf,
        }),
      );
    },
  );

  app.get<{ Params: { organizationId: string } }>(
    '/organizations/:organizationId/historical',
    async (req, reply) => {
      const { organization, canChange, session } = await memberAccess(ctx, req, req.params.organizationId);
      const preview = await previewHistorical(ctx.store.db, organization.id);
      return reply.type('text/html').send(
        layout({
          title: 'Share historical data',
          body: renderHistoricalPreview(organization, preview, {
            canChange,
            csrfToken: session.csrf,
            base: `/organizations/${organization.id}`,
            times: localTimes(organization.timeZone, ctx.now()),
          }),
          csrfToken: session.csrf,
        }),
      );
    },
  );
};
