/** Why a run started; `historical` reads both sides again once an admin turned historical sharing on. */
export const RUN_TRIGGERS = ['schedule', 'notification', 'manual', 'first_link', 'historical'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** A run's states and the moves allowed between them; anything else is a bug and is refused. */
export const RUN_TRANSITIONS = {
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
} as const satisfies Record<string, readonly string[]>;
export type RunStatus = keyof typeof RUN_TRANSITIONS;
export type FinishedRunStatus = (typeof RUN_TRANSITIONS)['running'][number];

export const COUNT_KINDS = ['created', 'updated', 'linked', 'excluded', 'failed', 'unchanged'] as const;
export type SideCounts = Record<(typeof COUNT_KINDS)[number], number>;
/** What a run did on each side: `hub` counts writes to Connec!, `cc` writes to Constant Contact. */
export interface RunCounts {
  hub: SideCounts;
  cc: SideCounts;
}

export function emptyCounts(): RunCounts {
  const side = (): SideCounts => ({
    created: 0,
    updated: 0,
    linked: 0,
    excluded: 0,
    failed: 0,
    unchanged: 0,
  });
  return { hub: side(), cc: side() };
}

export interface SyncRun {
  id: string;
  organizationId: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: RunCounts;
  progress: Record<string, number> | null;
  error: { code: string; message: string } | null;
  /**
   * What the run did besides moving records, in sentences for the user (e.g. a list deleted in Constant
   * Contact that it re-created); empty when there is nothing to tell.
   */
  notices: string[];
  /** Constant Contact requests the run sent (retries not counted); null for runs recorded before it was kept. */
  ccCalls: number | null;
  /** The run stopped at its call budget with work left: later runs go on where it stopped. */
  moreWork: boolean;
}
