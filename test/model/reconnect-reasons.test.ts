import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grantRefusedReason, linkedElsewhereReason } from '../../src/model/reconnect-reasons.ts';

describe('reasons to reconnect', () => {
  const at = new Date('2026-05-01T08:30:59.000Z');

  it('names the account, the organization that took it and when, in UTC', () => {
    assert.equal(
      linkedElsewhereReason({ accountName: 'Shared Shop', organizationName: 'Xylo', at }),
      'Constant Contact account "Shared Shop" was linked to organization "Xylo" on 2026-05-01 08:30 UTC; reconnect to share again.',
    );
  });

  it('says "another organization" when its readers may not know the name', () => {
    assert.equal(
      linkedElsewhereReason({ accountName: 'Shared Shop', organizationName: null, at }),
      'Constant Contact account "Shared Shop" was linked to another organization on 2026-05-01 08:30 UTC; reconnect to share again.',
    );
  });

  it('explains a refused authorization by its likeliest cause', () => {
    const reason = grantRefusedReason({ accountName: 'Third Shop', at });
    assert.match(reason, /account "Third Shop" on 2026-05-01 08:30 UTC/);
    assert.match(reason, /authorized again elsewhere/);
    assert.match(reason, /reconnect to share again\.$/);
  });
});
