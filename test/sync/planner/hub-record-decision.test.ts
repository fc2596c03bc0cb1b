import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personContact } from '../../../src/mapping/person-contact.ts';
import type { IdMap } from '../../../src/model/id-map.ts';
import { DEFAULT_SETTINGS, type OrganizationSettings } from '../../../src/model/organization.ts';
import { type HubItem, toItem } from '../../../src/sync/hub-item.ts';
import {
  decideHubRecord,
  type HubRecordDecision,
  type HubRecordFacts,
} from '../../../src/sync/planner/hub-record-decision.ts';
import { EXISTED_BEFORE_SHARING, NO_ROLE } from '../../../src/sync/reasons.ts';

const SHARING_STARTED = '2026-05-01T00:00:00.000Z';

function person(fields: Record<string, unknown> = {}): HubItem {
  const item = toItem(personContact, {
    id: [{ id: 'hub-1', provider: 'connec', realm: 'org-1' }],
    first_name: 'Ann',
    last_name: 'Lee',
    email: { address: 'Ann@Example.com' },
    is_customer: true,
    created_at: '2026-06-01T00:00:00.000Z',
    updated_at: '2026-06-01T00:00:00.000Z',
    ...fields,
  } as never);
  assert.ok(item);
  return item;
}

function idMap(state: IdMap['state'], item: HubItem, extra: Partial<IdMap> = {}): IdMap {
  const base = {
    id: 'map-1',
    organizationId: 'org-1',
    hubCollection: 'people' as const,
    email: 'ann@example.com',
    hubHash: item.fingerprint,
    ccHash: 'cc',
    snapshot: null,
    attempts: 0,
    lastSyncedAt: null,
    createdAt: SHARING_STARTED,
    updatedAt: SHARING_STARTED,
  };
  switch (state) {
    case 'linked':
      return {
        ...base,
        state,
        hubId: 'hub-1',
        ccContactId: 'cc-1',
        reason: null,
        nextRetryAt: null,
        ...extra,
      } as IdMap;
    case 'failed':
      return {
        ...base,
        state,
        hubId: 'hub-1',
        ccContactId: 'cc-1',
        reason: 'refused',
        nextRetryAt: SHARING_STARTED,
        ...extra,
      } as IdMap;
    default:
      return {
        ...base,
        state,
        hubId: 'hub-1',
        ccContactId: null,
        reason: 'why',
        nextRetryAt: null,
        ...extra,
      } as IdMap;
  }
}

interface Row {
  rule: string;
  item?: HubItem;
  map?: (item: HubItem) => IdMap;
  holder?: { contactId: string; deleted: boolean };
  force?: boolean;
  settings?: Partial<OrganizationSettings>;
  toCc?: boolean;
  expected: Partial<HubRecordDecision>;
}

const changed = person({ job_title: 'Owner' });

const rows: Row[] = [
  // Echo suppression (section 4.4)
  {
    rule: 'a record equal to what was last shared is skipped',
    map: (i) => idMap('linked', i),
    expected: { kind: 'skip', rule: 'unchanged' },
  },
  {
    rule: 'a changed linked record is merged with its contact',
    item: changed,
    map: () => idMap('linked', person()),
    expected: { kind: 'merge', rule: 'linked', contactId: 'cc-1' },
  },
  {
    rule: 'a retry merges even an unchanged record',
    map: (i) => idMap('linked', i),
    force: true,
    expected: { kind: 'merge', rule: 'linked' },
  },
  {
    rule: 'a failed record is tried again though unchanged',
    map: (i) => idMap('failed', i),
    expected: { kind: 'merge', rule: 'linked' },
  },
  // Eligibility (section 3)
  {
    rule: 'no email: excluded, with the reason',
    item: person({ email: null }),
    expected: { kind: 'exclude', rule: 'eligibility', reason: 'no email', recorded: false },
  },
  {
    rule: 'an invalid email: excluded',
    item: person({ email: { address: 'ann@' } }),
    expected: { kind: 'exclude', rule: 'eligibility' },
  },
  {
    rule: 'an exclusion already recorded is not written again',
    item: person({ email: null }),
    map: (i) => idMap('excluded', i, { reason: 'no email' }),
    force: true,
    expected: { kind: 'exclude', recorded: true },
  },
  // Identity (section 4.1)
  {
    rule: 'a new record whose email a contact holds is matched to it',
    holder: { contactId: 'cc-9', deleted: false },
    expected: { kind: 'merge', rule: 'matched-by-email', contactId: 'cc-9' },
  },
  {
    rule: 'a contact deleted in CC is no match: a new contact is made',
    holder: { contactId: 'cc-9', deleted: true },
    expected: { kind: 'create', email: 'Ann@Example.com' },
  },
  {
    rule: 'a new record with a role becomes a new contact',
    expected: { kind: 'create', rule: 'new-record' },
  },
  // Deletions (section 4.6)
  {
    rule: 'a record whose contact was deleted in CC waits for Retry',
    map: () => idMap('unlinked', person({ job_title: 'x' })),
    expected: { kind: 'skip', rule: 'deleted-in-cc' },
  },
  {
    rule: 'Retry shares a record whose contact was deleted in CC again',
    map: () => idMap('unlinked', person()),
    force: true,
    expected: { kind: 'create' },
  },
  {
    rule: 'an inactive record is not created in CC',
    item: person({ status: 'INACTIVE' }),
    expected: { kind: 'skip', rule: 'inactive' },
  },
  {
    rule: 'an inactive linked record is merged (it leaves the lists)',
    item: person({ status: 'INACTIVE' }),
    map: () => idMap('linked', person()),
    expected: { kind: 'merge', rule: 'linked' },
  },
  // Historical data (section 4.2)
  {
    rule: 'a record from before sharing started is kept back',
    item: person({ created_at: '2026-04-01T00:00:00.000Z' }),
    expected: { kind: 'exclude', rule: 'historical', reason: EXISTED_BEFORE_SHARING },
  },
  {
    rule: 'a record from before sharing started is still matched by email',
    item: person({ created_at: '2026-04-01T00:00:00.000Z' }),
    holder: { contactId: 'cc-9', deleted: false },
    expected: { kind: 'merge', rule: 'matched-by-email' },
  },
  {
    rule: 'with history shared, an old record is created',
    item: person({ created_at: '2026-04-01T00:00:00.000Z' }),
    settings: { shareHistorical: true },
    expected: { kind: 'create' },
  },
  {
    rule: 'with history shared, a record kept back is looked at again though unchanged',
    item: person({ created_at: '2026-04-01T00:00:00.000Z' }),
    map: (i) => idMap('excluded', i, { reason: EXISTED_BEFORE_SHARING }),
    settings: { shareHistorical: true },
    expected: { kind: 'create' },
  },
  {
    rule: 'with history shared, a pair linked as it was is merged though unchanged',
    map: (i) => idMap('linked', i, { snapshot: { hub: {}, cc: {}, keptAsIs: true } }),
    settings: { shareHistorical: true },
    expected: { kind: 'merge', rule: 'linked' },
  },
  // Directions and lists (sections 3 and 4)
  {
    rule: 'a new record does not go to CC when the direction is off',
    toCc: false,
    expected: { kind: 'skip', rule: 'direction-off' },
  },
  {
    rule: 'a record in no list is excluded',
    item: person({ is_customer: false }),
    expected: { kind: 'exclude', rule: 'no-role', reason: NO_ROLE },
  },
];

describe('the planner: one hub record read for sharing with CC', () => {
  for (const row of rows) {
    it(row.rule, () => {
      const item = row.item ?? person();
      const facts: HubRecordFacts = {
        item,
        map: row.map?.(item) ?? null,
        emailHolder: row.holder ?? null,
        force: row.force ?? false,
      };
      const settings = { ...DEFAULT_SETTINGS, sharingStartsAt: SHARING_STARTED, ...row.settings };
      const decision = decideHubRecord(facts, { settings, toCc: row.toCc ?? true });
      assert.deepEqual(
        Object.fromEntries(Object.keys(row.expected).map((k) => [k, decision[k as keyof HubRecordDecision]])),
        row.expected,
      );
    });
  }
});
