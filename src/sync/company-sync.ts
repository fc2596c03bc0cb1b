import { connecIdOf } from '../connec/ids.ts';
import type { ConnecCompany } from '../connec/records.ts';
import type { CcAccountSummary } from '../constantcontact/types.ts';
import {
  accountToShared,
  companyToShared,
  type SharedCompany,
  sharedToAccountPut,
  sharedToCompanyPatch,
  sharedToPhysicalAddress,
} from '../mapping/company-account.ts';
import { COMPANY_COLLECTION } from '../mapping/registry.ts';
import { contentHash, sameValue } from '../mapping/shared-contact.ts';
import { knownTimeZone } from '../time-text.ts';
import { type CompanyPlan, planCompany } from './planner/company-plan.ts';
import { historyAfter } from './record-history.ts';
import { type CompanySnapshot, readCompanySnapshot } from './snapshot-codec.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';
import { pickFields } from './three-way-merge.ts';

/**
 * Keeps the hub's company profile and the CC account summary aligned, both ways, field by field. CC has
 * no change date for the account, so it is read when the hub company changed, on every manual run
 * ("Synchronize now"), and otherwise once per poll interval; a change found goes to the hub in that run.
 */
export async function syncCompany(ctx: SyncContext): Promise<void> {
  const flows = flowsFor(ctx, COMPANY_COLLECTION);
  if (!flows.toCc && !flows.toHub) return;
  const company = await ctx.connec.getCompany();
  const hubId = connecIdOf(company.id);
  if (!hubId) return;
  const hub = companyToShared(company);
  const map = await ctx.repos.idMaps.findByHub(ctx.organization.id, COMPANY_COLLECTION, hubId);
  if (map?.state === 'linked' && map.hubHash === contentHash(hub) && !(await accountPollDue(ctx))) {
    count(ctx, 'cc', 'unchanged');
    return;
  }
  const summary = await ctx.cc.account.getSummary();
  await ctx.repos.cursors.set(ctx.organization.id, 'cc', 'account', ctx.now().toISOString());
  const snapshot = map?.state === 'linked' ? readCompanySnapshot(map.snapshot) : null;
  const cc = accountToShared(summary);
  const plan = planCompany(
    { hub, cc, hubUpdatedAt: company.updated_at ?? null, snapshot },
    { settings: ctx.organization.settings, flows },
  );
  if (plan.kind === 'link-as-is') {
    await linkCompany(ctx, hubId, { hub, cc, ...(plan.differs ? { keptAsIs: true as const } : {}) });
    count(ctx, 'cc', 'linked');
    await keepAccountFacts(ctx, cc);
    return;
  }
  const next = await applyCompanyMerge(ctx, { company, summary, cc, snapshot }, plan);
  if (!map || !sameValue(map.snapshot, next) || map.hubHash !== contentHash(next.hub)) {
    await linkCompany(ctx, hubId, next);
  }
  await keepAccountFacts(ctx, next.cc);
}

/**
 * The account card names the CC account as CC now does, after a rename in CC or by the merge, and pages
 * show times in the account's zone as CC now gives it.
 */
async function keepAccountFacts(ctx: SyncContext, cc: SharedCompany): Promise<void> {
  const timeZone = knownTimeZone(cc.timezone);
  const { ccAccount, timeZone: known } = ctx.organization;
  if ((cc.name && cc.name !== ccAccount?.name) || (timeZone && timeZone !== known)) {
    await ctx.repos.organizations.keepCcAccountFacts(ctx.organization.id, { name: cc.name, timeZone });
  }
}

/** CC has no change date for the account: it is read on manual runs, and otherwise once per poll interval. */
async function accountPollDue(ctx: SyncContext): Promise<boolean> {
  if (ctx.trigger === 'manual') return true;
  const lastPoll = await ctx.repos.cursors.get(ctx.organization.id, 'cc', 'account');
  return !lastPoll || ctx.now().getTime() - new Date(lastPoll).getTime() >= ctx.options.accountPollMs;
}

/** Writes a merge's changes to CC's account and the hub's company; returns the snapshot to record. */
async function applyCompanyMerge(
  ctx: SyncContext,
  read: {
    company: ConnecCompany;
    summary: CcAccountSummary;
    cc: SharedCompany;
    snapshot: CompanySnapshot | null;
  },
  plan: Extract<CompanyPlan, { kind: 'merge' }>,
): Promise<CompanySnapshot> {
  const { merge, toCc } = plan;
  const { cc } = read;
  const nextCc = { ...merge.nextBase.cc, logo_url: cc.logo_url };
  if (toCc.some((f) => f !== 'address')) {
    await ctx.cc.account.updateSummary(sharedToAccountPut(merge.merged, read.summary));
  }
  if (toCc.includes('address')) {
    const address = sharedToPhysicalAddress(merge.merged.address);
    if (address) await ctx.cc.account.updatePhysicalAddress(address);
    else nextCc.address = cc.address;
  }
  count(ctx, 'cc', toCc.length > 0 ? 'updated' : 'unchanged');
  if (merge.toHub.length > 0) {
    await ctx.connec.updateCompany(sharedToCompanyPatch(pickFields(merge.merged, merge.toHub), read.company));
    count(ctx, 'hub', 'updated');
  }
  const { conflictWinner } = ctx.organization.settings;
  const history = historyAfter(
    read.snapshot?.history,
    {
      ...merge,
      toCc,
      winner: conflictWinner,
      hubUpdatedAt: read.company.updated_at ?? null,
      ccUpdatedAt: null,
    },
    ctx.now(),
  );
  return { hub: merge.nextBase.hub, cc: nextCc, ...(history ? { history } : {}) };
}

async function linkCompany(ctx: SyncContext, hubId: string, snapshot: CompanySnapshot): Promise<void> {
  await ctx.repos.idMaps.link({
    organizationId: ctx.organization.id,
    hubCollection: COMPANY_COLLECTION,
    hubId,
    ccContactId: ctx.realm,
    email: null,
    hubHash: contentHash(snapshot.hub),
    ccHash: contentHash(snapshot.cc),
    snapshot: snapshot,
  });
}
