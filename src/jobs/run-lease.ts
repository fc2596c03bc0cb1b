import { randomUUID } from 'node:crypto';
import type { Repositories } from '../db/repositories/index.ts';
import type { Logger } from '../logger.ts';
import { LeaseLostError } from '../sync/lease-lost-error.ts';

export { LeaseLostError };

export interface LeaseTimings {
  /** How long a lease lives without a heartbeat: a dead process frees its organization after this. */
  ttlMs: number;
  /** How often a live run renews its lease, on a timer (not per page, so a long page cannot let it lapse). */
  heartbeatMs: number;
}

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { ttlMs: 30_000, heartbeatMs: 10_000 };

/**
 * An organization's sync lease, held by one run. The holder name is unique per run, so it is also the
 * fencing token: once another process takes the lease over, `assertHeld` fails for the old run at its
 * next cursor move or at its finish, and nothing it does after that is recorded.
 */
export interface RunLease {
  readonly holder: string;
  /** Throws `LeaseLostError` when another holder has the organization now. */
  assertHeld(): Promise<void>;
  /** Stops the heartbeat and frees the organization (only if still ours). */
  release(): Promise<void>;
}

/**
 * Takes the organization's lease for one run, or returns null when a live run of another process has it.
 * A heartbeat renews it every `heartbeatMs`; if the renewal finds it taken over, `onLost` is told at once
 * so the run can be aborted.
 */
export async function takeRunLease(
  repos: Repositories,
  organizationId: string,
  options: { owner: string; timings: LeaseTimings; logger: Logger; onLost: (error: LeaseLostError) => void },
): Promise<RunLease | null> {
  const holder = `${options.owner}/${randomUUID().slice(0, 8)}`;
  const { ttlMs, heartbeatMs } = options.timings;
  if (!(await repos.organizations.acquireLease(organizationId, holder, ttlMs))) return null;
  const lost = () =>
    new LeaseLostError(
      'Another process took this organization over after this one stopped renewing its lease; this run stopped writing.',
    );
  let released = false;
  const heartbeat = setInterval(() => {
    repos.organizations.renewLease(organizationId, holder, ttlMs).then(
      (held) => {
        if (!held && !released) options.onLost(lost());
      },
      (error: unknown) => options.logger.warn({ err: error, organizationId }, 'lease renewal failed'),
    );
  }, heartbeatMs);
  heartbeat.unref();
  return {
    holder,
    async assertHeld() {
      if (!(await repos.organizations.holdsLease(organizationId, holder))) throw lost();
    },
    async release() {
      released = true;
      clearInterval(heartbeat);
      await repos.organizations.releaseLease(organizationId, holder);
    },
  };
}
