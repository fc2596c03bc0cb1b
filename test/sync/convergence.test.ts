import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { connecIdOf } from '../../src/connec/ids.ts';
import { ccView } from '../../src/mapping/cc-limits.ts';
import { contactToShared } from '../../src/mapping/contact-shared.ts';
import {
  hubListRoles,
  hubToShared,
  isHubActive,
  mappedFields,
} from '../../src/mapping/define-contact-mapping.ts';
import { LIST_NAMES, LIST_ROLES, sortRoles } from '../../src/mapping/list-roles.ts';
import { personContact } from '../../src/mapping/person-contact.ts';
import { MAPPINGS } from '../../src/mapping/registry.ts';
import { sameValue } from '../../src/mapping/shared-contact.ts';
import { comparePrimary } from '../../src/sync/primary-record.ts';
import { NO_ROLE } from '../../src/sync/reasons.ts';
import { testSeed } from '../helpers/platform-emulator.ts';
import { type SyncHarness, startSyncHarness } from '../helpers/sync-harness.ts';

// A small pool of emails (in several spellings) so that both sides keep colliding on the same people.
const EMAILS = ['ann', 'bob', 'cat', 'dan', 'eve'].map((n) => `${n}@conv.example`);
const spell = (email: string, variant: number) => (variant % 2 === 0 ? email : email.toUpperCase());

type Op =
  | { kind: 'hubCreate'; email: number; variant: number; name: string }
  | { kind: 'hubUpdate'; target: number; field: 'job_title' | 'last_name'; value: string }
  | { kind: 'hubFlag'; target: number; flag: 'is_customer' | 'is_lead'; value: boolean }
  | { kind: 'ccCreate'; email: number; variant: number; name: string }
  | { kind: 'ccUpdate'; target: number; field: 'job_title' | 'last_name'; value: string }
  | { kind: 'ccOptOut'; target: number }
  | { kind: 'ccDelete'; target: number }
  | { kind: 'sync' };

const word = fc.constantFrom('Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('hubCreate' as const),
    email: fc.nat(EMAILS.length - 1),
    variant: fc.nat(3),
    name: word,
  }),
  fc.record({
    kind: fc.constant('hubUpdate' as const),
    target: fc.nat(20),
    field: fc.constantFrom('job_title' as const, 'last_name' as const),
    value: word,
  }),
  fc.record({
    kind: fc.constant('hubFlag' as const),
    target: fc.nat(20),
    flag: fc.constantFrom('is_customer' as const, 'is_lead' as const),
    value: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('ccCreate' as const),
    email: fc.nat(EMAILS.length - 1),
    variant: fc.nat(3),
    name: word,
  }),
  fc.record({
    kind: fc.constant('ccUpdate' as const),
    target: fc.nat(20),
    field: fc.constantFrom('job_title' as const, 'last_name' as const),
    value: word,
  }),
  fc.record({ kind: fc.constant('ccOptOut' as const), target: fc.nat(20) }),
  fc.record({ kind: fc.constant('ccDelete' as const), target: fc.nat(20) }),
  fc.constant({ kind: 'sync' as const }),
);

async function apply(h: SyncHarness, o: Op): Promise<void> {
  const people = h.hubRecords('people');
  const contacts = h.ccAccount.contacts();
  switch (o.kind) {
    case 'hubCreate':
      h.app.create('people', {
        first_name: o.name,
        last_name: 'Hub',
        email: { address: spell(EMAILS[o.email]!, o.variant) },
        is_customer: true,
      });
      return;
    case 'hubUpdate': {
      const person = people[o.target % Math.max(people.length, 1)];
      if (person) h.app.update('people', connecIdOf(person.id as never)!, { [o.field]: o.value });
      return;
    }
    case 'hubFlag': {
      const person = people[o.target % Math.max(people.length, 1)];
      if (person) h.app.update('people', connecIdOf(person.id as never)!, { [o.flag]: o.value });
      return;
    }
    case 'ccCreate': {
      const email = spell(EMAILS[o.email]!, o.variant);
      // CC holds one contact per email, deleted ones included: the user could not add it again.
      if (
        h.ccAccount
          .contacts({ includeDeleted: true })
          .some((c) => c.email_address?.address?.toLowerCase() === email.toLowerCase())
      )
        return;
      h.ccAccount.createContactAsUser({ email, first_name: o.name, last_name: 'Cc' });
      return;
    }
    case 'ccUpdate': {
      const contact = contacts[o.target % Math.max(contacts.length, 1)];
      if (contact) h.ccAccount.updateContactAsUser(contact.contact_id, { [o.field]: o.value });
      return;
    }
    case 'ccOptOut': {
      const contact = contacts[o.target % Math.max(contacts.length, 1)];
      if (contact && contact.email_address?.permission_to_send !== 'unsubscribed')
        h.ccAccount.optOut(contact.contact_id);
      return;
    }
    case 'ccDelete': {
      const contact = contacts[o.target % Math.max(contacts.length, 1)];
      if (contact) h.ccAccount.deleteContactAsUser(contact.contact_id);
      return;
    }
    case 'sync': {
      const run = await h.sync();
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    }
  }
}

async function assertConverged(h: SyncHarness, unsubscribedBefore: Set<string>): Promise<void> {
  const live = h.ccAccount.contacts();
  const emails = live.map((c) => c.email_address?.address?.toLowerCase());
  assert.equal(new Set(emails).size, emails.length, `an email twice in CC: ${emails.join(', ')}`);

  const maps = (await h.repos.idMaps.page(h.organization.id, { states: ['linked'], limit: 1000, offset: 0 }))
    .items;
  const people = new Map(h.hubRecords('people').map((p) => [connecIdOf(p.id as never)!, p]));
  const fields = mappedFields(personContact);
  // A contact carries the fields of its primary hub record (src/sync/primary-record.ts).
  const primaries = new Map<string, (typeof maps)[number]>();
  for (const map of maps) {
    const current = map.ccContactId ? primaries.get(map.ccContactId) : undefined;
    if (map.ccContactId && (!current || comparePrimary(map, current, MAPPINGS.primacyRank) < 0))
      primaries.set(map.ccContactId, map);
  }
  for (const map of primaries.values()) {
    if (map.hubCollection !== 'people') continue;
    const person = people.get(map.hubId!);
    const contact = live.find((c) => c.contact_id === map.ccContactId);
    assert.ok(person && contact, `linked pair ${map.hubId} / ${map.ccContactId} exists on both sides`);
    const hub = ccView(hubToShared(personContact, person));
    const cc = contactToShared(contact as never);
    for (const f of fields) {
      const hubValue = f === 'email' ? hub.email?.toLowerCase() : hub[f];
      const ccValue = f === 'email' ? cc.email?.toLowerCase() : cc[f];
      assert.ok(
        sameValue(hubValue, ccValue),
        `${f} differs for ${map.email}: hub ${JSON.stringify(hubValue)} / CC ${JSON.stringify(ccValue)}`,
      );
    }
  }
  // Every person is shared with a live contact, unless its contact was deleted in CC, or it lost every role
  // (flags turned off) before it was ever shared.
  for (const [hubId, person] of people) {
    const map = await h.repos.idMaps.findByHub(h.organization.id, 'people', hubId);
    const roleless = hubListRoles(personContact, person).length === 0;
    assert.ok(
      map &&
        (map.state === 'linked' ||
          map.state === 'unlinked' ||
          (map.state === 'excluded' && map.reason === NO_ROLE && roleless)),
      `person ${JSON.stringify(person.email)} is ${map?.state} (${map?.reason})`,
    );
  }
  // Every live contact is some person in the hub.
  for (const contact of live) {
    const linked = maps.some((m) => m.ccContactId === contact.contact_id);
    assert.ok(linked, `contact ${contact.email_address?.address} has no hub record`);
  }
  // A contact that did not unsubscribe is in no connector list that none of its active hub records wants.
  const roleOfListId = new Map(
    LIST_ROLES.map((role) => [h.ccAccount.findListByName(LIST_NAMES[role])?.list_id, role] as const),
  );
  for (const contact of live) {
    if (contact.email_address?.permission_to_send === 'unsubscribed') continue;
    const records = maps
      .filter((m) => m.ccContactId === contact.contact_id && m.hubCollection === 'people')
      .map((m) => people.get(m.hubId!))
      .filter((r) => r !== undefined);
    const wanted = sortRoles(
      records.filter((r) => isHubActive(personContact, r)).flatMap((r) => hubListRoles(personContact, r)),
    );
    const held = sortRoles(
      (contact.list_memberships ?? []).flatMap((id) => {
        const role = roleOfListId.get(id);
        return role ? [role] : [];
      }),
    );
    // (A contact created in CC is not added to the lists of the person it became: held may lack some.)
    assert.deepEqual(
      held.filter((role) => !wanted.includes(role)),
      [],
      `${contact.email_address?.address} is still in lists its records left (wanted: ${wanted.join(', ')})`,
    );
  }
  // Unsubscribes are never undone.
  for (const contact of h.ccAccount.contacts({ includeDeleted: true })) {
    if (unsubscribedBefore.has(contact.contact_id))
      assert.equal(contact.email_address?.permission_to_send, 'unsubscribed');
  }
}

// Lists are left by PUT (or by activity above the bulk threshold): both readings of a PUT's lists must converge.
for (const mode of ['replace', 'additive'] as const) {
  describe(`convergence [PUT list_memberships: ${mode}]`, () => {
    it('after random changes on both sides and a quiet run, both sides agree on fields and lists, without duplicates or lost unsubscribes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
          const seed = testSeed();
          seed.hubRecords = [];
          // A low bulk threshold sends larger batches through CC's bulk activities, so both paths converge.
          const h = await startSyncHarness({ seed, options: { bulkThreshold: 2 } });
          h.cc.knobs.listMembershipsOnPut = mode;
          try {
            for (const o of ops) await apply(h, o);
            const unsubscribed = new Set(
              h.ccAccount
                .contacts({ includeDeleted: true })
                .filter((c) => c.email_address?.permission_to_send === 'unsubscribed')
                .map((c) => c.contact_id),
            );
            await apply(h, { kind: 'sync' });
            await apply(h, { kind: 'sync' });
            await assertConverged(h, unsubscribed);
          } finally {
            await h.close();
          }
        }),
        {
          numRuns: Number(process.env.CONVERGENCE_RUNS ?? 15),
          // Always tried first: a shared person whose only flag is turned off leaves its list.
          examples: [
            [
              [
                { kind: 'hubCreate', email: 0, variant: 0, name: 'Alpha' },
                { kind: 'sync' },
                { kind: 'hubFlag', target: 0, flag: 'is_customer', value: false },
              ],
            ],
            // Two hub records with one email, one of them losing its role, then their contact deleted in CC.
            [
              [
                { kind: 'hubCreate', email: 0, variant: 0, name: 'Alpha' },
                { kind: 'sync' },
                { kind: 'hubCreate', email: 0, variant: 0, name: 'Alpha' },
                { kind: 'hubCreate', email: 2, variant: 0, name: 'Alpha' },
                { kind: 'hubFlag', target: 0, flag: 'is_customer', value: false },
                { kind: 'hubCreate', email: 1, variant: 0, name: 'Alpha' },
                { kind: 'hubUpdate', target: 0, field: 'job_title', value: 'Alpha' },
                { kind: 'ccDelete', target: 0 },
              ],
            ],
          ],
        },
      );
    });
  });
}
