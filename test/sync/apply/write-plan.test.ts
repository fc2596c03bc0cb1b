import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONNEC_PROVIDER } from '../../../src/connec/ids.ts';
import type { CcContact } from '../../../src/constantcontact/types.ts';
import { personContact } from '../../../src/mapping/person-contact.ts';
import { type LinkOnWrite, WritePlan } from '../../../src/sync/apply/write-plan.ts';
import type { HubRecord } from '../../../src/sync/hub-item.ts';
import { type HubItem, toItem } from '../../../src/sync/hub-item.ts';

function person(hubId: string, email: string): HubItem {
  const record = {
    id: [{ id: hubId, provider: CONNEC_PROVIDER, realm: 'group-a' }],
    first_name: 'Ada',
    email: { address: email },
    is_customer: true,
  } as unknown as HubRecord;
  const item = toItem(personContact, record);
  assert.ok(item);
  return item;
}

function contact(id: string, lists: string[]): CcContact {
  return { contact_id: id, email_address: { address: `${id}@example.com` }, list_memberships: lists };
}

function linkOf(hubId: string): LinkOnWrite {
  return {
    pair: {
      organizationId: 'org',
      hubCollection: 'people',
      hubId,
      hub: person(hubId, `${hubId}@example.com`).shared,
      roles: ['customer'],
      active: true,
      hubRaw: {},
    },
    email: `${hubId}@example.com`,
    counted: 'updated',
  };
}

const OURS = new Set(['customers', 'leads', 'suppliers']);

describe('a write plan', () => {
  it('makes one contact of two records sharing an email, however it is spelled', () => {
    const plan = new WritePlan();
    plan.create(person('p1', 'ada@example.com'), 'ada@example.com');
    plan.create(person('p2', 'ADA@Example.com'), 'ADA@Example.com');
    assert.equal(plan.creations.length, 1);
    assert.deepEqual(
      plan.creations[0]?.items.map((i) => i.hubId),
      ['p1', 'p2'],
    );
    assert.equal(plan.ccWrites, 1);
  });

  it('adds a second update of a contact to the first, and leaves the lists of an unsubscribed one alone', () => {
    const plan = new WritePlan();
    const c = contact('c1', ['customers']);
    plan.updateContact({
      contact: c,
      changed: { first_name: 'Ada' },
      listIds: ['customers'],
      links: [linkOf('p1')],
    });
    plan.updateContact({
      contact: c,
      changed: { last_name: 'Baker' },
      listIds: ['leads'],
      links: [linkOf('p2')],
    });
    const [update] = plan.updates;
    assert.deepEqual(update?.changed, { first_name: 'Ada', last_name: 'Baker' });
    assert.deepEqual(update?.listIds, ['customers', 'leads']);
    assert.deepEqual(
      update?.links.map((l) => l.pair.hubId),
      ['p1', 'p2'],
    );
    assert.deepEqual(plan.plannedFields('c1'), { first_name: 'Ada', last_name: 'Baker' });

    plan.updateContact({ contact: c, changed: {}, listIds: null, links: [linkOf('p3')] });
    assert.equal(plan.updates[0]?.listIds, null, 'an unsubscribed contact keeps its lists');
  });

  it('keeps a list one record wants even when another record sharing the contact would leave it', () => {
    const plan = new WritePlan();
    const c = contact('c1', ['customers', 'newsletter']);
    plan.changeLists(c, ['leads'], OURS, linkOf('p1'));
    plan.changeLists(c, ['customers'], OURS, linkOf('p2'));
    const [change] = plan.listChanges;
    assert.deepEqual([...(change?.add ?? [])].sort(), ['leads']);
    assert.deepEqual([...(change?.remove ?? [])], [], 'customers is wanted by p2; newsletter is not ours');
  });

  it('remembers which records wait for a contact, once each and in order', () => {
    const plan = new WritePlan();
    plan.awaitLink('c1', { hubCollection: 'people', hubId: 'p2' });
    plan.awaitLink('c1', { hubCollection: 'employees', hubId: 'e1' });
    plan.awaitLink('c1', { hubCollection: 'people', hubId: 'p2' });
    assert.deepEqual(
      plan.awaitingLink('c1').map((r) => r.hubId),
      ['p2', 'e1'],
    );
    assert.deepEqual(plan.awaitingLink('c2'), []);
  });

  it('estimates CC requests: one per contact up to the bulk threshold, a bulk activity above it, none for the hub', () => {
    const plan = new WritePlan();
    for (let i = 0; i < 20; i++) plan.create(person(`p${i}`, `p${i}@example.com`), `p${i}@example.com`);
    plan.writeHub({
      kind: 'record',
      ref: { hubCollection: 'people', hubId: 'p99' },
      contactId: 'c99',
      email: null,
      patch: { first_name: 'Ada' },
      ids: null,
      refusal: 'Connec! refused the update',
      link: null,
    });
    assert.equal(plan.ccCallEstimate(200), 20);
    assert.ok(plan.ccCallEstimate(10) < 20, 'above the threshold, creations go in one import');
    assert.equal(plan.size, 21);
    assert.equal(plan.ccWrites, 20);
    assert.equal(new WritePlan().isEmpty, true);
  });
});
