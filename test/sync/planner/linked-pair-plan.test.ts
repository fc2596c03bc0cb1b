import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListRole } from '../../../src/mapping/list-roles.ts';
import { personContact } from '../../../src/mapping/person-contact.ts';
import type { SharedContact } from '../../../src/mapping/shared-contact.ts';
import { DEFAULT_SETTINGS, type OrganizationSettings } from '../../../src/model/organization.ts';
import type { ContactSnapshot } from '../../../src/sync/contact-snapshot.ts';
import { type HubItem, toItem } from '../../../src/sync/hub-item.ts';
import {
  type LinkedPairFacts,
  type LinkedPairPlan,
  planLinkedPair,
} from '../../../src/sync/planner/linked-pair-plan.ts';
import { ann } from '../../helpers/shared-contacts.ts';

const BEFORE = '2026-04-01T00:00:00.000Z';
const STARTED = '2026-05-01T00:00:00.000Z';
const HUB_AT = '2026-06-02T10:00:00.000Z';

function hubRecord(fields: Partial<SharedContact> & Record<string, unknown> = {}): HubItem {
  const { email, first_name, last_name, job_title, ...rest } = { ...ann, ...fields };
  const item = toItem(personContact, {
    id: [{ id: 'hub-1', provider: 'connec', realm: 'org-1' }],
    email: { address: email },
    first_name,
    last_name,
    job_title,
    is_customer: true,
    created_at: '2026-06-01T00:00:00.000Z',
    updated_at: HUB_AT,
    ...rest,
  } as never);
  assert.ok(item);
  return item;
}

const base: ContactSnapshot = { hub: ann, cc: ann, roles: ['customer'], active: true, hubRaw: {} };

interface Row {
  rule: string;
  item?: HubItem;
  cc?: Partial<SharedContact>;
  ccUpdatedAt?: string;
  ccCreatedAt?: string;
  snapshot?: ContactSnapshot | null;
  mapState?: 'linked' | null;
  unsubscribed?: boolean;
  listRoles?: ListRole[];
  sharing?: Partial<LinkedPairFacts['sharing']>;
  settings?: Partial<OrganizationSettings>;
  flows?: { toCc: boolean; toHub: boolean };
  expected: (plan: LinkedPairPlan) => void;
}

const merged = (plan: LinkedPairPlan) => {
  assert.equal(plan.kind, 'merge');
  return plan as Extract<LinkedPairPlan, { kind: 'merge' }>;
};
const writes = (plan: LinkedPairPlan) => {
  const m = merged(plan);
  return { toHub: m.merge.toHub, toCc: m.toCc, lists: m.lists };
};

const rows: Row[] = [
  {
    rule: 'a field changed in the hub goes to CC',
    item: hubRecord({ job_title: 'Owner' }),
    expected: (p) =>
      assert.deepEqual(writes(p), {
        toHub: [],
        toCc: { job_title: 'Owner' },
        lists: { roles: ['customer'], change: false },
      }),
  },
  {
    rule: 'a field changed in CC goes to the hub',
    cc: { last_name: 'Lee-Smith' },
    expected: (p) => assert.deepEqual(writes(p).toHub, ['last_name']),
  },
  {
    rule: 'changed on both sides, the newer side wins by default',
    item: hubRecord({ job_title: 'Owner' }),
    cc: { job_title: 'Chef' },
    ccUpdatedAt: '2026-06-02T11:00:00.000Z',
    expected: (p) => {
      assert.deepEqual(writes(p).toHub, ['job_title']);
      assert.deepEqual(
        merged(p).merge.conflicts.map((c) => [c.field, c.chosen, c.rule]),
        [['job_title', 'cc', 'newer']],
      );
    },
  },
  {
    rule: 'changed on both sides, the winning-side setting decides',
    item: hubRecord({ job_title: 'Owner' }),
    cc: { job_title: 'Chef' },
    ccUpdatedAt: '2026-06-02T11:00:00.000Z',
    settings: { conflictWinner: 'hub' },
    expected: (p) => assert.deepEqual(writes(p).toCc, { job_title: 'Owner' }),
  },
  {
    rule: 'an email changed only in case is no change on either side',
    item: hubRecord({ email: 'Ann@Example.COM' }),
    expected: (p) =>
      assert.deepEqual(writes(p), { toHub: [], toCc: {}, lists: { roles: ['customer'], change: false } }),
  },
  {
    rule: 'a record that is not the primary one adds its lists but writes no field',
    item: hubRecord({ job_title: 'Owner' }),
    listRoles: [],
    sharing: { primary: false },
    expected: (p) =>
      assert.deepEqual(writes(p), { toHub: [], toCc: {}, lists: { roles: ['customer'], change: true } }),
  },
  {
    rule: 'an unsubscribed contact keeps its lists, whatever the hub wants',
    unsubscribed: true,
    listRoles: [],
    item: hubRecord({ job_title: 'Owner' }),
    expected: (p) => assert.deepEqual(writes(p), { toHub: [], toCc: { job_title: 'Owner' }, lists: null }),
  },
  {
    rule: 'an inactive record leaves the lists (no hard deletes)',
    item: hubRecord({ status: 'INACTIVE' }),
    sharing: { wantedRoles: [] },
    expected: (p) => assert.deepEqual(writes(p).lists, { roles: [], change: true }),
  },
  {
    rule: 'an inactive record with hard deletes on deletes its contact',
    item: hubRecord({ status: 'INACTIVE' }),
    sharing: { wantedRoles: [] },
    settings: { hardDeletes: true },
    expected: (p) => assert.equal(p.kind, 'hard-delete'),
  },
  {
    rule: 'hard deletes keep a contact another record still shares',
    item: hubRecord({ status: 'INACTIVE' }),
    sharing: { wantedRoles: ['supplier'], sharedWithOthers: true },
    settings: { hardDeletes: true },
    expected: (p) => assert.deepEqual(writes(p).lists, { roles: ['supplier'], change: true }),
  },
  {
    rule: 'the direction to CC off: nothing goes to CC, lists included',
    item: hubRecord({ job_title: 'Owner' }),
    listRoles: [],
    flows: { toCc: false, toHub: true },
    expected: (p) =>
      assert.deepEqual(writes(p), { toHub: [], toCc: {}, lists: { roles: [], change: false } }),
  },
  {
    rule: 'first match: a blank on one side is filled from the other',
    snapshot: null,
    mapState: null,
    item: hubRecord({ job_title: null }),
    expected: (p) => assert.deepEqual(writes(p).toHub, ['job_title']),
  },
  {
    rule: 'first match of two records that existed before sharing: linked as they are',
    snapshot: null,
    mapState: null,
    item: hubRecord({ job_title: null, created_at: BEFORE }),
    ccCreatedAt: BEFORE,
    expected: (p) => assert.deepEqual(p, { kind: 'link-as-is', rule: 'historical', differs: true }),
  },
  {
    rule: 'first match of two equal records from before sharing: nothing to settle later',
    snapshot: null,
    mapState: null,
    item: hubRecord({ created_at: BEFORE }),
    ccCreatedAt: BEFORE,
    expected: (p) => assert.deepEqual(p, { kind: 'link-as-is', rule: 'historical', differs: false }),
  },
  {
    rule: 'with history shared, a pair linked as it was is settled like a first match',
    snapshot: { ...base, hub: { ...ann, job_title: null }, keptAsIs: true },
    item: hubRecord({ job_title: null, created_at: BEFORE }),
    ccCreatedAt: BEFORE,
    settings: { shareHistorical: true },
    expected: (p) => assert.deepEqual(writes(p).toHub, ['job_title']),
  },
];

describe('the planner: a hub record and its contact', () => {
  for (const row of rows) {
    it(row.rule, () => {
      const plan = planLinkedPair(
        {
          mapping: personContact,
          item: row.item ?? hubRecord(),
          mapState: row.mapState === undefined ? 'linked' : row.mapState,
          snapshot: row.snapshot === undefined ? base : row.snapshot,
          contact: {
            shared: { ...ann, ...row.cc },
            createdAt: row.ccCreatedAt ?? '2026-06-01T00:00:00.000Z',
            updatedAt: row.ccUpdatedAt ?? '2026-06-02T09:00:00.000Z',
            unsubscribed: row.unsubscribed ?? false,
            listRoles: row.listRoles ?? ['customer'],
          },
          sharing: { wantedRoles: ['customer'], primary: true, sharedWithOthers: false, ...row.sharing },
        },
        {
          settings: { ...DEFAULT_SETTINGS, sharingStartsAt: STARTED, ...row.settings },
          flows: row.flows ?? { toCc: true, toHub: true },
        },
      );
      row.expected(plan);
    });
  }
});
