import type { CcContact } from '../../constantcontact/types.ts';
import type { HubWriteResult } from './hub-writes.ts';
import type { ContactDeletion, ContactUpdate, ListChange, NewContact } from './write-plan.ts';

/** What became of one write to CC: the contact as CC now holds it, or why it failed. */
export type CcWriteResult<W> =
  | { write: W; ok: true; contact: CcContact }
  | {
      write: W;
      ok: false;
      reason: string;
      /** The failure is CC's bulk job, not the record: due on the next run instead of backing off. */
      retryNextRun: boolean;
    };

/** A creation ends created, or finds CC already holding the email (a contact to merge with instead). */
export type CreationResult =
  | CcWriteResult<NewContact>
  | { write: NewContact; ok: 'exists'; contact: CcContact };

/** What became of every write of a plan, by kind. */
export interface WriteResults {
  hub: HubWriteResult[];
  deletions: CcWriteResult<ContactDeletion>[];
  creations: CreationResult[];
  updates: CcWriteResult<ContactUpdate>[];
  listChanges: CcWriteResult<ListChange>[];
}

export function failed<W>(write: W, reason: string, retryNextRun = false): CcWriteResult<W> {
  return { write, ok: false, reason, retryNextRun };
}
