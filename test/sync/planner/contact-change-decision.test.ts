import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAPPINGS } from '../../../src/mapping/registry.ts';
import type { IdMap } from '../../../src/model/id-map.ts';
import { DEFAULT_SETTINGS } from '../../../src/model/organization.ts';
import {
  type CcBornRules,
  decideContactChange,
  decideNewContact,
  type NewContactFacts,
} from '../../../src/sync/planner/contact-change-decision.ts';

const SHARING_STARTED = '2026-05-01T00:00:00.000Z';

/** An id map of contact cc-1: `id` doubles as the hub id, so the primary record is the smallest id. */
function map(
  id: string,
  state: 'linked' | 'failed',
  options: { ccHash?: string; hubId?: string | null; collection?: IdMap['hubCollection'] } = {},
): IdMap {
  return {
    id,
    organizationId: 'org-1',
    hubCollection: options.collection ?? 'people',
    email: 'ann@example.com',
    hubHash: 'hub',
    ccHash: options.ccHash ?? 'old',
    snapshot: null,
    attempts: 0,
    lastSyncedAt: null,
    createdAt: SHARING_STARTED,
    updatedAt: SHARING_STARTED,
    state,
    hubId: options.hubId === undefined ? id : options.hubId,
    ccContactId: 'cc-1',
    reason: state === 'failed' ? 'refused' : null,
    nextRetryAt: state === 'failed' ? SHARING_STARTED : null,
  } as IdMap;
}

const summary = (d: ReturnType<typeof decideContactChange>) => ({
  isNew: d.isNew,
  actions: d.actions.map(
    (a) => `${a.map.id}:${a.kind}${a.kind === 'merge-to-hub' ? (a.primary ? '(primary)' : '') : ''}`,
  ),
});

describe('the planner: a contact changed in CC', () => {
  const cases: Array<{
    rule: string;
    deleted?: boolean;
    maps: IdMap[];
    expected: ReturnType<typeof summary>;
  }> = [
    {
      rule: 'a contact no hub record holds is new to the hub',
      maps: [],
      expected: { isNew: true, actions: [] },
    },
    {
      rule: 'a contact deleted in CC that the hub never held is dropped',
      deleted: true,
      maps: [],
      expected: { isNew: false, actions: [] },
    },
    {
      rule: 'a contact deleted in CC unlinks every record sharing it (none is deleted in the hub)',
      deleted: true,
      maps: [map('a', 'linked'), map('b', 'failed')],
      expected: { isNew: false, actions: ['a:unlink', 'b:unlink'] },
    },
    {
      rule: "the connector's own write read back is no change (echo)",
      maps: [map('a', 'linked', { ccHash: 'now' })],
      expected: { isNew: false, actions: ['a:unchanged'] },
    },
    {
      rule: 'a change reaches every record sharing the contact; the fields follow the primary one',
      maps: [map('b', 'linked', { collection: 'organizations' }), map('a', 'linked')],
      expected: { isNew: false, actions: ['b:merge-to-hub', 'a:merge-to-hub(primary)'] },
    },
    {
      rule: 'a failed record waits for its retry, which merges both ways',
      maps: [map('a', 'failed')],
      expected: { isNew: false, actions: ['a:wait-for-retry'] },
    },
    {
      rule: 'a contact whose hub creation failed is still new to the hub',
      maps: [map('a', 'failed', { hubId: null })],
      expected: { isNew: true, actions: [] },
    },
  ];
  for (const c of cases) {
    it(c.rule, () => {
      const decision = decideContactChange(
        { deleted: c.deleted ?? false, fingerprint: 'now', maps: c.maps },
        MAPPINGS.primacyRank,
      );
      assert.deepEqual(summary(decision), c.expected);
    });
  }
});

describe('the planner: a contact new to the hub', () => {
  const rules: CcBornRules = {
    settings: { ...DEFAULT_SETTINGS, sharingStartsAt: SHARING_STARTED },
    toHub: true,
    roles: ['customer', 'supplier', 'lead'],
    defaultRole: 'customer',
  };
  const facts = (extra: Partial<NewContactFacts> = {}): NewContactFacts => ({
    email: 'walk.in@example.com',
    createdAt: '2026-06-01T00:00:00.000Z',
    listRoles: [],
    holders: [],
    ...extra,
  });
  const cases: Array<{
    rule: string;
    facts: NewContactFacts;
    rules?: Partial<CcBornRules>;
    expected: unknown;
  }> = [
    {
      rule: 'in no list: becomes a customer',
      facts: facts(),
      expected: { kind: 'create', roles: ['customer'] },
    },
    {
      rule: 'in "Supplier list": becomes a supplier',
      facts: facts({ listRoles: ['supplier'] }),
      expected: { kind: 'create', roles: ['supplier'] },
    },
    {
      rule: 'in "Employee list" only: a role the receiving collection cannot hold, so a customer',
      facts: facts({ listRoles: ['employee'] }),
      expected: { kind: 'create', roles: ['customer'] },
    },
    {
      rule: 'a hub record holds its email: matched, never duplicated',
      facts: facts({ holders: [map('a', 'linked')] }),
      expected: { kind: 'match' },
    },
    {
      rule: 'created before sharing started: not shared',
      facts: facts({ createdAt: '2026-04-01T00:00:00.000Z' }),
      expected: { kind: 'skip', rule: 'historical' },
    },
    {
      rule: 'created before sharing started, history shared: created',
      facts: facts({ createdAt: '2026-04-01T00:00:00.000Z' }),
      rules: { settings: { ...rules.settings, shareHistorical: true } },
      expected: { kind: 'create' },
    },
    {
      rule: 'the direction to the hub is off: not shared',
      facts: facts(),
      rules: { toHub: false },
      expected: { kind: 'skip', rule: 'direction-off' },
    },
    {
      rule: 'no email: nothing to match or create by',
      facts: facts({ email: null }),
      expected: { kind: 'skip', rule: 'no-email' },
    },
  ];
  for (const c of cases) {
    it(c.rule, () => {
      const decision = decideNewContact(c.facts, { ...rules, ...c.rules });
      const expected = c.expected as Record<string, unknown>;
      assert.deepEqual(
        Object.fromEntries(Object.keys(expected).map((k) => [k, (decision as Record<string, unknown>)[k]])),
        expected,
      );
    });
  }
});
