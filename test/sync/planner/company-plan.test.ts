import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SharedCompany } from '../../../src/mapping/company-account.ts';
import { DEFAULT_SETTINGS } from '../../../src/model/organization.ts';
import { planCompany } from '../../../src/sync/planner/company-plan.ts';

const profile: SharedCompany = {
  name: 'Alpha Bikes',
  timezone: 'Australia/Sydney',
  email: 'hello@alpha.example',
  website: 'https://alpha.example',
  address: null,
  logo_url: 'https://cc.example/logo.png',
};
const both = { toCc: true, toHub: true };

describe('the planner: the company profile and the account summary', () => {
  it('first link, history not shared: linked as they are, saying whether they differ', () => {
    const plan = planCompany(
      {
        hub: profile,
        cc: { ...profile, website: 'https://alpha-bikes.example' },
        hubUpdatedAt: null,
        snapshot: null,
      },
      { settings: DEFAULT_SETTINGS, flows: both },
    );
    assert.deepEqual(plan, { kind: 'link-as-is', rule: 'historical', differs: true });
  });

  it('a change in CC goes to the hub, a change in the hub to CC', () => {
    const plan = planCompany(
      {
        hub: { ...profile, name: 'Alpha Bikes Pty' },
        cc: { ...profile, website: 'https://alpha-bikes.example' },
        hubUpdatedAt: '2026-06-01T00:00:00.000Z',
        snapshot: { hub: profile, cc: profile },
      },
      { settings: DEFAULT_SETTINGS, flows: both },
    );
    assert.equal(plan.kind, 'merge');
    assert.ok(plan.kind === 'merge');
    assert.deepEqual(plan.toCc, ['name']);
    assert.deepEqual(plan.merge.toHub, ['website']);
  });

  it('never writes the logo to CC, whose API cannot set it', () => {
    const plan = planCompany(
      {
        hub: { ...profile, logo_url: 'https://hub.example/logo.png' },
        cc: profile,
        hubUpdatedAt: null,
        snapshot: { hub: profile, cc: profile },
      },
      { settings: DEFAULT_SETTINGS, flows: both },
    );
    assert.ok(plan.kind === 'merge');
    assert.deepEqual(plan.toCc, []);
  });

  it('with history shared, profiles linked as they were are settled by the winning side', () => {
    const plan = planCompany(
      {
        hub: profile,
        cc: { ...profile, website: 'https://alpha-bikes.example' },
        hubUpdatedAt: null,
        snapshot: {
          hub: profile,
          cc: { ...profile, website: 'https://alpha-bikes.example' },
          keptAsIs: true,
        },
      },
      { settings: { ...DEFAULT_SETTINGS, shareHistorical: true, conflictWinner: 'cc' }, flows: both },
    );
    assert.ok(plan.kind === 'merge');
    assert.deepEqual(plan.merge.toHub, ['website']);
  });
});
