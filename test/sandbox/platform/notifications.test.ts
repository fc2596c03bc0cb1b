import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PlatformEmulator } from '../../../sandbox/platform/index.ts';
import type { ConnecNotification } from '../../../src/connec/notification.ts';
import { connecNotificationsRoutes } from '../../../src/web/routes/connec-notifications.ts';
import {
  GROUP_A,
  GROUP_B,
  startTestPlatform,
  TEST_TENANT,
  tenantAuth,
} from '../../helpers/platform-emulator.ts';

describe('notifications from the platform emulator to the connector', () => {
  let platform: PlatformEmulator;
  let connector: FastifyInstance;
  const received: ConnecNotification[] = [];
  let failuresToInject = 0;

  before(async () => {
    platform = await startTestPlatform();
    connector = Fastify();
    await connector.register(connecNotificationsRoutes, {
      tenants: platform.tenants(),
      onNotification: async (_tenant, notification) => {
        if (failuresToInject > 0) {
          failuresToInject--;
          throw new Error('queue unavailable');
        }
        received.push(notification);
      },
    });
    platform.connectorUrl = await connector.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await platform.close();
    await connector.close();
  });
  beforeEach(async () => {
    await platform.settleDeliveries();
    received.length = 0;
  });

  it('buffers changes of other apps into one body mixing groups, with HTTP Basic', async () => {
    const person = platform
      .actAs('Xero', GROUP_A)
      .create('people', { first_name: 'New', last_name: 'Customer', is_customer: true });
    platform.actAs('vTiger', GROUP_B).create('organizations', { name: 'New Supplier', is_supplier: true });
    platform.actAs('OrangeHRM', GROUP_A).create('employees', { first_name: 'New', last_name: 'Hire' });
    await platform.settleDeliveries();
    assert.equal(received.length, 1);
    const entries = received[0]!.entries;
    assert.deepEqual(
      entries.map((e) => [e.collection, e.groupId]),
      [
        ['people', GROUP_A],
        ['organizations', GROUP_B],
        ['employees', GROUP_A],
      ],
    );
    assert.deepEqual(entries[0]!.record.id, person.id);
    const delivery = platform.deliveries.at(-1)!;
    assert.equal(delivery.state, 'delivered');
    assert.equal(delivery.path, `/maestrano/connec/notifications/${TEST_TENANT.id}`);
    assert.deepEqual(
      delivery.attempts.map((a) => a.status),
      [202],
    );
  });

  it('retries with back-off when the connector does not answer 2xx, and logs every attempt', async () => {
    failuresToInject = 1;
    platform.actAs('Xero', GROUP_A).updateCompany({ name: 'Alpha Bikes Ltd' });
    await platform.settleDeliveries();
    const delivery = platform.deliveries.at(-1)!;
    assert.deepEqual(
      delivery.attempts.map((a) => a.status),
      [500, 202],
    );
    assert.equal(delivery.state, 'delivered');
    assert.equal(received.length, 1);
    assert.equal(received[0]!.entries[0]!.collection, 'company');
  });

  it('gives up after the last attempt and says so in the log', async () => {
    failuresToInject = 10;
    platform.actAs('Xero', GROUP_A).create('people', { last_name: 'Unlucky' });
    await platform.settleDeliveries();
    failuresToInject = 0;
    const delivery = platform.deliveries.at(-1)!;
    assert.equal(delivery.state, 'failed');
    assert.equal(delivery.attempts.length, 4);
    assert.equal(received.length, 0);
  });

  it('does not notify the connector of its own writes', async () => {
    const before = platform.deliveries.length;
    const response = await fetch(`${platform.url}/api/v2/${GROUP_A}/people`, {
      method: 'POST',
      headers: { authorization: tenantAuth(), 'content-type': 'application/json' },
      body: JSON.stringify({ people: { last_name: 'Written by the connector' } }),
    });
    assert.equal(response.status, 201);
    await platform.settleDeliveries();
    assert.equal(platform.deliveries.length, before);
  });

  it('with notifyOwnWrites on, notifies the connector of its own writes too, batch included', async () => {
    platform.knobs.notifyOwnWrites = true;
    try {
      const single = await fetch(`${platform.url}/api/v2/${GROUP_A}/people`, {
        method: 'POST',
        headers: { authorization: tenantAuth(), 'content-type': 'application/json' },
        body: JSON.stringify({ people: { last_name: 'Echoed' } }),
      });
      assert.equal(single.status, 201);
      const batch = await fetch(`${platform.url}/batch`, {
        method: 'POST',
        headers: { authorization: tenantAuth(), 'content-type': 'application/json' },
        body: JSON.stringify({
          sequential: true,
          ops: [
            {
              method: 'POST',
              url: `/api/v2/${GROUP_B}/people`,
              params: { people: { last_name: 'Batched' } },
            },
          ],
        }),
      });
      assert.equal(batch.status, 200);
      await platform.settleDeliveries();
      const entries = received.flatMap((n) => n.entries);
      assert.deepEqual(
        entries.map((e) => [e.groupId, e.record.last_name]),
        [
          [GROUP_A, 'Echoed'],
          [GROUP_B, 'Batched'],
        ],
      );
    } finally {
      platform.knobs.notifyOwnWrites = false;
    }
  });

  it('lets a person act as another app through the sandbox API', async () => {
    const response = await fetch(`${platform.url}/sandbox/apps/Xero/groups/${GROUP_B}/people`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Via', last_name: 'Api', is_lead: true }),
    });
    assert.equal(response.status, 201);
    const body = (await response.json()) as { people: { id: { id: string; provider: string }[] } };
    assert.equal(body.people.id[1]?.provider, 'xero');
    const connecId = body.people.id[0]!.id;
    const update = await fetch(`${platform.url}/sandbox/apps/Xero/groups/${GROUP_B}/people/${connecId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'INACTIVE' }),
    });
    assert.equal(update.status, 200);
    await platform.settleDeliveries();
    const entries = received.flatMap((n) => n.entries);
    assert.equal(entries.at(-1)!.record.status, 'INACTIVE');
    assert.equal(entries.at(-1)!.record.is_lead, true);
  });

  it('sends a record changed twice before its body leaves once, as it is now', async () => {
    const actor = platform.actAs('Xero', GROUP_B);
    const created = actor.create('people', { first_name: 'Twice', last_name: 'Changed' });
    actor.update('people', (created.id as { id: string }[])[0]!.id, { job_title: 'Buyer' });
    await platform.settleDeliveries();
    const entries = received.flatMap((n) => n.entries);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.record.job_title, 'Buyer');
  });

  it('holds deliveries until the connector URL is known', async () => {
    const waiting = await startTestPlatform();
    try {
      waiting.actAs('Xero', GROUP_A).create('people', { last_name: 'Early' });
      await waiting.settleDeliveries();
      assert.equal(waiting.deliveries[0]!.state, 'waiting-for-connector');
      waiting.connectorUrl = platform.connectorUrl;
      await waiting.settleDeliveries();
      assert.equal(waiting.deliveries[0]!.state, 'delivered');
    } finally {
      await waiting.close();
    }
  });
});
