import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ccView } from '../../src/mapping/cc-limits.ts';
import { emptySharedContact, SHARED_FIELDS, type SharedContact } from '../../src/mapping/shared-contact.ts';
import { type MergeInput, threeWayMerge } from '../../src/sync/three-way-merge.ts';

const ann: SharedContact = {
  ...emptySharedContact(),
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  job_title: 'Buyer',
};

function merge(overrides: Partial<MergeInput<SharedContact>>) {
  return threeWayMerge<SharedContact>({
    base: { hub: ann, cc: ann },
    hub: ann,
    cc: ann,
    fields: SHARED_FIELDS,
    ccView,
    winner: 'newest',
    hubUpdatedAt: '2026-03-01T10:00:00.000Z',
    ccUpdatedAt: '2026-03-01T09:00:00.000Z',
    flows: { toHub: true, toCc: true },
    ...overrides,
  });
}

describe('three-way merge', () => {
  it('changes nothing when neither side changed', () => {
    const result = merge({});
    assert.deepEqual(result.toHub, []);
    assert.deepEqual(result.toCc, []);
    assert.deepEqual(result.merged, ann);
  });

  for (const field of SHARED_FIELDS) {
    const value =
      field === 'address_work'
        ? { street: '1 Main St', city: 'Sydney', state: null, postal_code: null, country: 'AU' }
        : `new ${field}`;
    it(`takes a change of ${field} made in the hub to CC`, () => {
      const result = merge({ hub: { ...ann, [field]: value } });
      assert.deepEqual(result.toCc, [field]);
      assert.deepEqual(result.toHub, []);
      assert.deepEqual(result.merged[field], value);
    });
    it(`takes a change of ${field} made in CC to the hub`, () => {
      const result = merge({ cc: { ...ann, [field]: value } });
      assert.deepEqual(result.toHub, [field]);
      assert.deepEqual(result.toCc, []);
      assert.deepEqual(result.merged[field], value);
    });
  }

  it('keeps changes to different fields made on both sides', () => {
    const result = merge({
      hub: { ...ann, job_title: 'Head buyer' },
      cc: { ...ann, last_name: 'Lee-Smith' },
    });
    assert.equal(result.merged.job_title, 'Head buyer');
    assert.equal(result.merged.last_name, 'Lee-Smith');
    assert.deepEqual(result.toCc, ['job_title']);
    assert.deepEqual(result.toHub, ['last_name']);
    assert.deepEqual(result.conflicts, []);
  });

  it('never rewrites an email that differs only in case or spaces, first match or not', () => {
    const respelled = merge({ cc: { ...ann, email: ` ${ann.email?.toUpperCase()} ` } });
    assert.deepEqual([respelled.toHub, respelled.toCc, respelled.conflicts], [[], [], []]);
    const firstMatch = merge({ base: null, cc: { ...ann, email: ann.email?.toUpperCase() ?? null } });
    assert.deepEqual([firstMatch.toHub, firstMatch.toCc, firstMatch.conflicts], [[], [], []]);
    const changed = merge({ cc: { ...ann, email: 'someone.else@example.com' } });
    assert.deepEqual(changed.toHub, ['email']);
  });

  it('gives a field changed on both sides to the newer side by default', () => {
    const hub = { ...ann, job_title: 'Hub title' };
    const cc = { ...ann, job_title: 'CC title' };
    const hubNewer = merge({ hub, cc });
    assert.equal(hubNewer.merged.job_title, 'Hub title');
    assert.deepEqual(hubNewer.conflicts, [
      { field: 'job_title', hub: 'Hub title', cc: 'CC title', chosen: 'hub', rule: 'newer' },
    ]);
    const ccNewer = merge({ hub, cc, ccUpdatedAt: '2026-03-01T11:00:00.000Z' });
    assert.equal(ccNewer.merged.job_title, 'CC title');
    assert.deepEqual(
      ccNewer.conflicts.map((c) => [c.chosen, c.rule]),
      [['cc', 'newer']],
    );
    const undated = merge({ hub, cc, hubUpdatedAt: null, ccUpdatedAt: null });
    assert.deepEqual(
      undated.conflicts.map((c) => [c.chosen, c.rule]),
      [['hub', 'tie']],
    );
    const ccWins = merge({ hub, cc, winner: 'cc' });
    assert.deepEqual(
      ccWins.conflicts.map((c) => [c.chosen, c.rule]),
      [['cc', 'winner']],
    );
    assert.deepEqual(ccNewer.toHub, ['job_title']);
  });

  it('gives a field changed on both sides to the configured side', () => {
    const hub = { ...ann, job_title: 'Hub title' };
    const cc = { ...ann, job_title: 'CC title' };
    assert.equal(merge({ hub, cc, winner: 'cc' }).merged.job_title, 'CC title');
    assert.equal(
      merge({ hub, cc, winner: 'hub', ccUpdatedAt: '2027-01-01T00:00:00.000Z' }).merged.job_title,
      'Hub title',
    );
  });

  it('treats the same change made on both sides as agreement, not conflict', () => {
    const both = { ...ann, job_title: 'Same' };
    const result = merge({ hub: both, cc: both });
    assert.deepEqual(result.conflicts, []);
    assert.deepEqual(result.toHub, []);
    assert.deepEqual(result.toCc, []);
  });

  it('never lets a name cut to CC limits overwrite the full name in the hub', () => {
    const long = 'A'.repeat(60);
    const hub = { ...ann, first_name: long };
    const first = merge({ hub });
    assert.deepEqual(first.toCc, ['first_name']);
    assert.equal(first.nextBase.cc.first_name, 'A'.repeat(50));
    assert.equal(first.nextBase.hub.first_name, long);
    // Next run: CC holds the cut copy, nothing changed.
    const second = merge({ base: first.nextBase, hub, cc: { ...ann, first_name: 'A'.repeat(50) } });
    assert.deepEqual(second.toHub, []);
    assert.deepEqual(second.toCc, []);
  });

  it('on first match fills blanks from the other side and settles real differences by the winner', () => {
    const hub = { ...ann, job_title: null, phone_home: '111' };
    const cc = { ...ann, job_title: 'Buyer', phone_home: '222', first_name: 'Annie' };
    const result = merge({ base: null, hub, cc, winner: 'hub' });
    assert.equal(result.merged.job_title, 'Buyer', 'blank in the hub, filled from CC');
    assert.equal(result.merged.phone_home, '111', 'a real difference goes to the winner');
    assert.equal(result.merged.first_name, 'Ann');
    assert.deepEqual(result.toHub, ['job_title']);
    assert.deepEqual(result.toCc.sort(), ['first_name', 'phone_home']);
  });

  it('does not write to a side whose direction is off, and does not revert that side later', () => {
    const cc = { ...ann, job_title: 'Changed in CC' };
    const first = merge({ cc, flows: { toHub: false, toCc: true } });
    assert.deepEqual(first.toHub, []);
    assert.deepEqual(first.toCc, [], 'the CC change is not reverted');
    const second = merge({ base: first.nextBase, cc, flows: { toHub: false, toCc: true } });
    assert.deepEqual([second.toHub, second.toCc], [[], []], 'a later run leaves both alone');
    const hubEdit = merge({
      base: first.nextBase,
      hub: { ...ann, job_title: 'Hub edit' },
      cc,
      flows: { toHub: false, toCc: true },
    });
    assert.deepEqual(hubEdit.toCc, ['job_title'], 'a later hub change still goes to CC');
  });
});
