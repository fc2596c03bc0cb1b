import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personContact } from '../../../src/mapping/person-contact.ts';
import type { SharedContact } from '../../../src/mapping/shared-contact.ts';
import type { ContactSnapshot } from '../../../src/sync/contact-snapshot.ts';
import { planChangeToHub } from '../../../src/sync/planner/change-to-hub-plan.ts';
import { ann } from '../../helpers/shared-contacts.ts';

const snapshot: ContactSnapshot = {
  hub: ann,
  cc: ann,
  roles: ['customer'],
  active: true,
  hubRaw: { first_name: 'Ann', last_name: 'Lee', job_title: 'Buyer', email: { address: 'ann@example.com' } },
};

const cases: Array<{
  rule: string;
  cc: Partial<SharedContact>;
  primary?: boolean;
  toHub?: boolean;
  expected: { toHub: string[]; patch: Record<string, unknown> };
}> = [
  {
    rule: 'a field changed in CC is written to the hub at the mapping path',
    cc: { job_title: 'Owner' },
    expected: { toHub: ['job_title'], patch: { job_title: 'Owner' } },
  },
  { rule: 'the contact read back as last written is no change', cc: {}, expected: { toHub: [], patch: {} } },
  {
    rule: 'an email only re-spelled in CC is no change',
    cc: { email: 'ANN@example.com' },
    expected: { toHub: [], patch: {} },
  },
  {
    rule: 'an email the hub would refuse stays out of the hub',
    cc: { email: 'ann@localhost', job_title: 'Owner' },
    expected: { toHub: ['job_title'], patch: { job_title: 'Owner' } },
  },
  {
    rule: 'a record that is not the primary one keeps its own fields',
    cc: { job_title: 'Owner' },
    primary: false,
    expected: { toHub: [], patch: {} },
  },
  {
    rule: 'nothing comes in when the direction from CC is off',
    cc: { job_title: 'Owner' },
    toHub: false,
    expected: { toHub: [], patch: {} },
  },
];

describe('the planner: a change read from CC for a linked record', () => {
  for (const c of cases) {
    it(c.rule, () => {
      const plan = planChangeToHub(
        {
          mapping: personContact,
          snapshot,
          cc: { ...ann, ...c.cc },
          ccUpdatedAt: '2026-06-02T10:00:00.000Z',
          primary: c.primary ?? true,
        },
        { winner: 'newest', toHub: c.toHub ?? true },
      );
      assert.deepEqual({ toHub: plan.toHub, patch: plan.patch }, c.expected);
      assert.deepEqual(plan.nextHub, { ...ann, ...Object.fromEntries(plan.toHub.map((f) => [f, c.cc[f]])) });
    });
  }
});
