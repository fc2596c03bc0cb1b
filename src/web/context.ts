import type { AlertNotices } from '../alerts/alert-monitor.ts';
import type { Config } from '../config/config.ts';
import type { ConstantContactClient } from '../constantcontact/client.ts';
import type { Store } from '../db/database.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { SyncScheduler } from '../jobs/sync-scheduler.ts';
import { type LifecycleDeps, lifecycleDeps } from '../lifecycle/organization-lifecycle.ts';
import type { Logger } from '../logger.ts';
import type { SessionOptions } from './session/session.ts';
import type { SharedStateStore } from './shared-state/shared-state-store.ts';

/** What the web plugins share. `cc` and `scheduler` are null until Constant Contact credentials are set. */
export interface WebContext {
  config: Config;
  store: Store;
  repos: Repositories;
  logger: Logger;
  cc: ConstantContactClient | null;
  scheduler: SyncScheduler | null;
  session: SessionOptions;
  /** What every web process must see alike (SAML request ids, login rate limits). */
  sharedState: SharedStateStore;
  /** Told when a link changes (a reconnect asked for or done); none in tests that do not look. */
  alerts: AlertNotices | null;
  now: () => Date;
}

/** What the organization lifecycle needs, from the web app's context. */
export function lifecycleOf(ctx: WebContext): LifecycleDeps {
  return lifecycleDeps(ctx);
}
