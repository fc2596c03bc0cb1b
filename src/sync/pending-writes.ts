import type { CcContact } from '../constantcontact/types.ts';
import type { SharedContact } from '../mapping/shared-contact.ts';
import type { HubItem } from './hub-item.ts';

// The CC writes a run holds back to send together (see creation-buffer.ts), and what each reports back.

/** One contact to create, for one or more hub records sharing its email. */
export interface NewContact {
  email: string;
  items: HubItem[];
}

/** A contact whose fields change: the new values (as CC will hold them) and the lists it must end in. */
export interface ContactUpdate {
  contact: CcContact;
  changed: Partial<SharedContact>;
  /** The connector's lists the contact must be in; null leaves its lists alone (an unsubscribed contact). */
  listIds: string[] | null;
  outcomes: MembershipOutcome[];
}

export interface FailureOptions {
  /** The failure is CC's bulk job, not the record: make it due on the next run instead of backing off. */
  retryNextRun?: boolean;
}

export interface MembershipOutcome {
  done: (written: CcContact) => Promise<void>;
  failed: (reason: string, options?: FailureOptions) => Promise<void>;
}

/** What one contact's lists must become: the connector's lists to add and to leave. */
export interface MembershipChange {
  contact: CcContact;
  add: Set<string>;
  remove: Set<string>;
  outcomes: MembershipOutcome[];
}
