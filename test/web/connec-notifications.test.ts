import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { Tenant } from '../../src/config/tenants.ts';
import type { ConnecNotification } from '../../src/connec/notification.ts';
import { connecNotificationsRoutes } from '../../src/web/routes/connec-notifications.ts';

const tenant: Tenant = {
  id: 'acme',
  apiId: 'acme-id',
  apiKey: 'acme-key',
  connecHost: 'http://connec.test',
  idpSsoUrl: 'http://idp.test/sso',
  idpCertificate: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(120)}\n-----END CERTIFICATE-----`,
  dashboardUrl: 'http://dashboard.test',
};
const other: Tenant = { ...tenant, id: 'other', apiId: 'other-id', apiKey: 'other-key' };
const auth = (id: string, key: string) => `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}`;
const validBody = {
  people: [
    {
      id: [{ id: 'c1', provider: 'connec', realm: 'org-1' }],
      group_id: 'cld-1',
      channel_id: 'org-1',
      resource_type: 'people',
      first_name: 'Ann',
    },
  ],
};

describe('POST /maestrano/connec/notifications/:tenant', () => {
  let handedOn: { tenant: Tenant; notification: ConnecNotification }[];
  let failHandOff = false;

  const build = async () => {
    const app = Fastify();
    await app.register(connecNotificationsRoutes, {
      tenants: [tenant, other],
      onNotification: async (t, notification) => {
        if (failHandOff) throw new Error('queue is down');
        handedOn.push({ tenant: t, notification });
      },
    });
    return app;
  };
  const post = async (
    path: string,
    payload: string,
    authorization?: string,
    contentType = 'application/json',
  ) => {
    const app = await build();
    const response = await app.inject({
      method: 'POST',
      url: path,
      payload,
      headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    });
    await app.close();
    return response;
  };

  beforeEach(() => {
    handedOn = [];
    failHandOff = false;
  });

  it('hands a valid notification on and answers 202', async () => {
    const response = await post(
      '/maestrano/connec/notifications/acme',
      JSON.stringify(validBody),
      auth('acme-id', 'acme-key'),
    );
    assert.equal(response.statusCode, 202);
    assert.equal(handedOn.length, 1);
    assert.equal(handedOn[0]!.tenant.id, 'acme');
    assert.equal(handedOn[0]!.notification.entries[0]!.groupId, 'cld-1');
  });

  it('reads a body sent as application/vnd.api+json as JSON', async () => {
    const response = await post(
      '/maestrano/connec/notifications/acme',
      JSON.stringify(validBody),
      auth('acme-id', 'acme-key'),
      'application/vnd.api+json',
    );
    assert.equal(response.statusCode, 202);
    assert.equal(handedOn[0]!.notification.entries[0]!.record.first_name, 'Ann');
  });

  it("answers 401 for missing or wrong credentials, another tenant's, or an unknown tenant", async () => {
    const body = JSON.stringify(validBody);
    const cases: [string, string | undefined][] = [
      ['/maestrano/connec/notifications/acme', undefined],
      ['/maestrano/connec/notifications/acme', auth('acme-id', 'wrong')],
      ['/maestrano/connec/notifications/acme', auth('other-id', 'other-key')],
      ['/maestrano/connec/notifications/nobody', auth('acme-id', 'acme-key')],
      ['/maestrano/connec/notifications/acme', 'Bearer acme-key'],
    ];
    for (const [path, authorization] of cases) {
      const response = await post(path, body, authorization);
      assert.equal(response.statusCode, 401, `${path} ${authorization}`);
    }
    assert.equal(handedOn.length, 0);
  });

  it('answers 400 with a message for a body that is not JSON or not the documented shape', async () => {
    const cases: [string, RegExp, string?][] = [
      ['{"people": [', /not valid JSON/],
      ['{"people": [{"first_name": "Ann"}]}', /people\[0\]\.id/],
      ['"just a string"', /JSON object keyed by collection/],
      ['people=1', /not valid JSON/, 'application/x-www-form-urlencoded'],
    ];
    for (const [payload, message, contentType] of cases) {
      const response = await post(
        '/maestrano/connec/notifications/acme',
        payload,
        auth('acme-id', 'acme-key'),
        contentType,
      );
      assert.equal(response.statusCode, 400, payload);
      const body = response.json() as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'CONNEC_BAD_NOTIFICATION');
      assert.match(body.error.message, message);
    }
    assert.equal(handedOn.length, 0);
  });

  it('answers 500 when the hand-off fails, so Connec! sends it again', async () => {
    failHandOff = true;
    const response = await post(
      '/maestrano/connec/notifications/acme',
      JSON.stringify(validBody),
      auth('acme-id', 'acme-key'),
    );
    assert.equal(response.statusCode, 500);
  });

  it('leaves the JSON parsing of the rest of the app alone', async () => {
    const app = Fastify();
    await app.register(connecNotificationsRoutes, { tenants: [tenant], onNotification: async () => {} });
    app.post('/elsewhere', async (req) => ({ type: typeof req.body }));
    const response = await app.inject({ method: 'POST', url: '/elsewhere', payload: { a: 1 } });
    assert.deepEqual(response.json(), { type: 'object' });
    await app.close();
  });
});
