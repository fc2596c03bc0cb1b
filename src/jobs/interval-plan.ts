import type { Repositories } from '../db/repositories/index.ts';
import type { PollPlanning } from './poll-planning.ts';

/**
 * The simplest plan: every syncable organization whose last run started more than `intervalMs` ago is
 * polled. Reads the runs table, so any worker can make it.
 */
export function intervalPlan(repos: Repositories, intervalMs: number): PollPlanning {
  return {
    runFinished: async () => {},
    due: async (now) => {
      const due: string[] = [];
      for (const organization of await repos.organizations.listSyncable()) {
        const [last] = await repos.syncRuns.listRecent(organization.id, 1);
        if (!last || Date.parse(last.startedAt) <= now.getTime() - intervalMs) due.push(organization.id);
      }
      return due;
    },
  };
}
