import { connecIdOf } from '../connec/ids.ts';
import {
  accountToShared,
  COMPANY_FIELDS,
  companyToShared,
  type SharedCompany,
  sharedToAccountPut,
  sharedToCompanyPatch,
  sharedToPhysicalAddress,
} from '../mapping/company-account.ts';
import { contentHash, sameField, sameValue } from '../mapping/shared-contact.ts';
import { historyAfter } from './record-history.ts';
import { type CompanySnapshot, readCompanySnapshot } from './snapshot-codec.ts';
import { count, flowsFor, type SyncContext } from './sync-context.ts';
import { pickFields, threeWayMerge } from './three-way-merge.ts';

const COMPANY = 'company';

/**
 * Keeps the hub's company profile and the CC account summary aligned, both ways, field by field. CC has
 * no change date for the account, so it is read when the hub company changed, on every manual run
 * ("Synchronize now"), and otherwise once per poll interval; a change found goes to the hub in that run.
 */
export async function syncCompany(ctx: SyncContext): Promise<void> {
  const flows = flowsFor(ctx, 'company');
  if (!flows.toCc && !flows.toHub) return;
  const orgId = ctx.organization.id;
  const company = await ctx.connec.getCompany();
  const hubId = connecIdOf(company.id);
  if (!hubId) return;
  const hub = companyToShared(company);
  const map = await ctx.repos.idMaps.findByHub(orgId, 'company', hubId);
  const hubHash = contentHash(hub);

  const lastPoll = await ctx.repos.cursors.get(orgId, 'cc', 'account');
  const pollDue =
    ctx.trigger === 'manual' ||
    !lastPoll ||
    ctx.now().getTime() - new Date(lastPoll).getTime() >= ctx.options.accountPollMs;
  if (map?.state === 'linked' && map.hubHash === hubHash && !pollDue) {
    count(ctx, 'cc', 'unchanged');
    return;
  }

  const summary = await ctx.cc.account.getSummary();
  await ctx.repos.cursors.set(orgId, 'cc', 'account', ctx.now().toISOString());
  const cc = accountToShared(summary);
  const snapshot = map?.state === 'linked' ? readCompanySnapshot(map.snapshot) : null;
  const { settings } = ctx.organization;
  // Both profiles existed before sharing started: linked as they are unless history is shared.
  if (!snapshot && !settings.shareHistorical) {
    const differs = COMPANY_FIELDS.some((f) => !sameField(f, hub[f], cc[f]));
    await linkCompany(ctx, hubId, { hub, cc, ...(differs ? { keptAsIs: true as const } : {}) });
    count(ctx, 'cc', 'linked');
    return;
  }
  const dates = { hubUpdatedAt: company.updated_at ?? null, ccUpdatedAt: null };
  const merge = threeWayMerge<SharedCompany>({
    base: snapshot?.keptAsIs && settings.shareHistorical ? null : snapshot,
    hub,
    cc,
    fields: COMPANY_FIELDS,
    ccView: (v) => v,
    winner: settings.conflictWinner,
    ...dates,
    flows: { toCc: flows.toCc, toHub: flows.toHub },
  });
  // CC's API cannot set a logo: it only ever comes from CC.
  const toCc = merge.toCc.filter((f) => f !== 'logo_url');
  const nextCc = { ...merge.nextBase.cc, logo_url: cc.logo_url };

  if (toCc.some((f) => f !== 'address')) {
    await ctx.cc.account.updateSummary(sharedToAccountPut(merge.merged, summary));
  }
  if (toCc.includes('address')) {
    const address = sharedToPhysicalAddress(merge.merged.address);
    if (address) await ctx.cc.account.updatePhysicalAddress(address);
    else nextCc.address = cc.address;
  }
  if (toCc.length > 0) count(ctx, 'cc', 'updated');
  else count(ctx, 'cc', 'unchanged');

  if (merge.toHub.length > 0) {
    const patch = sharedToCompanyPatch(pickFields(merge.merged, merge.toHub), company);
    await ctx.connec.updateCompany(patch);
    count(ctx, 'hub', 'updated');
  }
  const history = historyAfter(
    snapshot?.history,
    { ...merge, toCc, winner: settings.conflictWinner, ...dates },
    ctx.now(),
  );
  const next: CompanySnapshot = { hub: merge.nextBase.hub, cc: nextCc, ...(history ? { history } : {}) };
  if (!map || !sameValue(map.snapshot, next) || map.hubHash !== contentHash(next.hub)) {
    await linkCompany(ctx, hubId, next);
  }
}

async function linkCompany(ctx: SyncContext, hubId: string, snapshot: CompanySnapshot): Promise<void> {
  await ctx.repos.idMaps.link({
    organizationId: ctx.organization.id,
    hubCollection: COMPANY,
    hubId,
    ccContactId: ctx.realm,
    email: null,
    hubHash: contentHash(snapshot.hub),
    ccHash: contentHash(snapshot.cc),
    snapshot: snapshot,
  });
}
