import { MAPPINGS } from '../../src/mapping/registry.ts';
import { emptyCounts } from '../../src/model/sync-run.ts';
import { CcListDirectory } from '../../src/sync/cc-list-directory.ts';
import { RunCallBudget } from '../../src/sync/run-call-budget.ts';
import type { SyncContext } from '../../src/sync/sync-context.ts';
import type { SyncHarness } from './sync-harness.ts';

/**
 * The context of a run of the harness's organization, as the engine builds it, for tests that drive one
 * step of a run (applying a plan, recording results) without running the rest.
 */
export async function runContextFor(h: SyncHarness): Promise<SyncContext> {
  const organization = await h.repos.organizations.get(h.organization.id);
  if (!organization.ccAccount) throw new Error('the harness organization is not linked');
  const cc = h.engine.cc.forOrganization(organization.id);
  return {
    organization,
    trigger: 'manual',
    realm: organization.ccAccount.id,
    mappings: h.engine.mappings ?? MAPPINGS,
    repos: h.repos,
    connec: h.engine.connecFor(organization),
    cc,
    callBudget: new RunCallBudget(),
    lists: await CcListDirectory.load(organization.id, h.repos.ccMirror, cc.lists),
    now: h.engine.now,
    logger: h.engine.logger,
    options: h.engine.options,
    counts: emptyCounts(),
    notices: [],
    progress: {},
    async reportProgress() {},
  };
}
