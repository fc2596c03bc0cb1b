import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchOperation, BatchResult } from '../../src/connec/connec-client.ts';
import { ConnecBadRequestError } from '../../src/connec/errors.ts';
import { TEST_DATABASES } from '../helpers/databases.ts';
import { connecId, type SyncHarness, startSyncHarness, syncOk } from '../helpers/sync-harness.ts';

/** Makes Connec! refuse the writes `refuse` picks, as its validation would; returns the undo. */
function refuseHubWrites(h: SyncHarness, refuse: (op: BatchOperation) => boolean): () => void {
  const connecFor = h.engine.connecFor;
  h.engine.connecFor = (organization, signal) => {
    const client = connecFor(organization, signal);
    const batch = client.batch.bind(client);
    client.batch = async (operations: readonly BatchOperation[]): Promise<BatchResult[]> => {
      const answers = await batch(operations.filter((op) => !refuse(op)));
      return operations.map((op) =>
        refuse(op)
          ? {
              ok: false,
              status: 400,
              error: new ConnecBadRequestError('Connec! refused the record', 400, 'the record is locked'),
            }
          : answers.shift()!,
      );
    };
    return client;
  };
  return () => {
    h.engine.connecFor = connecFor;
  };
}

const failing = (h: SyncHarness) =>
  h.repos.idMaps.page(h.organization.id, { states: ['failed'], limit: 20, offset: 0 });

for (const kind of TEST_DATABASES) {
  describe(`every failed write is listed with its reason and retried [${kind}]`, () => {
    let h: SyncHarness;
    before(async () => {
      h = await startSyncHarness({ kind });
    });
    after(async () => {
      await h.close();
    });

    it('a hub write refused while the same record reached CC stays failed, then succeeds on retry', async () => {
      const ben = h.app.create('people', {
        first_name: 'Ben',
        last_name: 'Evans',
        email: { address: 'ben@example.com' },
        is_customer: true,
      });
      await syncOk(h);
      const contact = h.ccAccount.contact('ben@example.com')!;
      // Both sides change in one run: CC's job title goes to the hub, the hub's name goes to CC.
      h.ccAccount.updateContactAsUser(contact.contact_id, { job_title: 'Mechanic' });
      h.app.update('people', connecId(ben), { first_name: 'Benjamin' });
      const allow = refuseHubWrites(h, (op) => op.connecId === connecId(ben));
      const run = await syncOk(h);
      assert.equal(h.ccAccount.contact('ben@example.com')?.first_name, 'Benjamin', 'CC got its change');
      assert.equal(run.counts.hub.failed, 1);
      const listed = await failing(h);
      assert.equal(listed.total, 1, 'the failed write is on the "Not shared" list');
      assert.equal(listed.items[0]?.hubId, connecId(ben));
      assert.match(listed.items[0]?.reason ?? '', /Connec! refused/);
      assert.equal((await h.repos.idMaps.countByState(h.organization.id)).failed, 1, 'cli status counts it');

      allow();
      await h.repos.idMaps.retryNow(h.organization.id);
      await syncOk(h);
      assert.equal(h.hubRecords('people').find((p) => connecId(p) === connecId(ben))?.job_title, 'Mechanic');
      assert.equal((await failing(h)).total, 0);
    });

    it('a person Connec! refuses to create from a CC contact is listed and retried', async () => {
      const allow = refuseHubWrites(h, (op) => op.connecId === undefined);
      h.ccAccount.createContactAsUser({ email: 'walkin@example.com', first_name: 'Walk', last_name: 'In' });
      const run = await syncOk(h);
      assert.equal(run.counts.hub.failed, 1);
      const listed = await failing(h);
      assert.equal(listed.total, 1);
      assert.equal(listed.items[0]?.email, 'walkin@example.com');
      assert.match(listed.items[0]?.reason ?? '', /refused the new person/);

      allow();
      await h.repos.idMaps.retryNow(h.organization.id);
      await syncOk(h);
      assert.ok(
        h
          .hubRecords('people')
          .some((p) => (p.email as { address?: string }).address === 'walkin@example.com'),
      );
      assert.equal((await failing(h)).total, 0);
    });
  });
}
