import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { auth, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

// Property-based attacks on every endpoint that takes input from outside, bounded so CI stays fast: each
// answers a 2xx, 3xx or 4xx (never a 5xx), keeps nothing from a refused request, and the process stays
// healthy. `FUZZ_RUNS` raises the number of cases for a longer hunt.
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Text an attacker would try: random strings, JSON of random shapes, XML fragments, huge and odd characters. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '',
    '{}',
    '[]',
    'null',
    '{"people": [{}]}',
    '{"people": "x"}',
    '{"__proto__": {"polluted": true}}',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    '\u0000\uffff\ud800',
    'x'.repeat(100_000),
  ),
);
const credentials = fc.oneof(
  fc.constant('valid'),
  fc.constant('none'),
  fc.string({ maxLength: 60 }).map((s) => `Basic ${s}`),
  fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(`acme-api-id:${s}`).toString('base64')}`),
);
const pathPart = fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s));

describe('fuzzing the endpoints that take outside input', () => {
  let t: WebTestApp;
  let admin: { cookie: string; location: string; csrf: string };

  before(async () => {
    t = await startWebTestApp();
    const signedIn = await t.signIn({ uid: 'usr-fuzz', groupUid: 'cld-fuzz', role: 'Super Admin' });
    const page = await t.app.inject({
      method: 'GET',
      url: signedIn.location,
      headers: { cookie: signedIn.cookie },
    });
    admin = { ...signedIn, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
  });
  after(async () => {
    await t.close();
  });

  const authorization = (kind: string) =>
    kind === 'valid' ? auth(t.tenant) : kind === 'none' ? undefined : kind;

  /** What a refused request must leave as it was. */
  async function footprint() {
    const organization = await t.repos.organizations.findByGroup('acme', 'cld-fuzz');
    return {
      organizations: (await t.repos.fleet.organizationStates()).length,
      settings: organization?.settings,
      linked: organization?.ccAccount ?? null,
      users: await t.repos.users.find('acme', 'usr-fuzz'),
    };
  }

  it('the Connec! notification endpoint', async () => {
    const start = await footprint();
    await fc.assert(
      fc.asyncProperty(
        hostileText,
        credentials,
        fc.constantFrom('acme', 'other', '..%2F'),
        async (body, cred, tenant) => {
          t.scheduler.calls.length = 0;
          const response = await t.app.inject({
            method: 'POST',
            url: `/maestrano/connec/notifications/${tenant}`,
            payload: body,
            headers: {
              'content-type': 'application/json',
              ...(authorization(cred) ? { authorization: authorization(cred)! } : {}),
            },
          });
          assert.ok(response.statusCode < 500, `${response.statusCode}: ${response.body}`);
          if (response.statusCode >= 400)
            assert.deepEqual(t.scheduler.calls, [], 'a refused notification asks for nothing');
        },
      ),
      { numRuns: RUNS },
    );
    assert.deepEqual(await footprint(), start);
  });

  it('the account webhooks', async () => {
    const start = await footprint();
    await fc.assert(
      fc.asyncProperty(pathPart, pathPart, credentials, async (group, user, cred) => {
        const url = fc.sample(fc.boolean(), 1)[0]
          ? `/maestrano/account/groups/${group}/acme`
          : `/maestrano/account/groups/${group}/users/${user}/acme`;
        const response = await t.app.inject({
          method: 'DELETE',
          url,
          headers: authorization(cred) ? { authorization: authorization(cred)! } : {},
        });
        assert.ok(response.statusCode < 500, `${url} ${response.statusCode}: ${response.body}`);
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(await footprint(), start, 'random groups and users touch no one real');
  });

  it('the SAML consume endpoint', async () => {
    const start = await footprint();
    const samlResponse = fc.oneof(
      hostileText,
      hostileText.map((xml) => Buffer.from(xml).toString('base64')),
      fc.constantFrom(
        Buffer.from('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>').toString(
          'base64',
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(samlResponse, fc.string({ maxLength: 30 }), async (saml, relayState) => {
        const response = await t.app.inject({
          method: 'POST',
          url: '/maestrano/auth/saml/consume/acme',
          payload: new URLSearchParams({ SAMLResponse: saml, RelayState: relayState }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          remoteAddress: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        });
        assert.ok(
          [400, 401, 404, 413, 429].includes(response.statusCode),
          `${response.statusCode}: ${response.body}`,
        );
        assert.equal(response.headers['set-cookie'], undefined, 'no session');
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(await footprint(), start);
  });

  it('the Constant Contact OAuth callback, with and without a session', async () => {
    const start = await footprint();
    const query = fc.dictionary(
      fc.constantFrom('code', 'state', 'error', 'error_description', 'x'),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (params, signedIn) => {
        const response = await t.app.inject({
          method: 'GET',
          url: `/constantcontact/oauth/callback?${new URLSearchParams(params)}`,
          headers: signedIn
            ? { cookie: `${admin.cookie}; connector_cc_oauth=${encodeURIComponent(params.x ?? 'x')}` }
            : {},
          remoteAddress: `10.2.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        });
        assert.ok(response.statusCode < 500, `${response.statusCode}: ${response.body}`);
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(await footprint(), start, 'nothing linked');
  });

  it('every form post of the connector page', async () => {
    const id = admin.location.split('/').pop()!;
    const forms = [
      '/sync',
      '/retry',
      '/settings',
      '/historical',
      '/constantcontact/connect',
      '/constantcontact/disconnect',
      '/constantcontact/confirm-link',
    ];
    const fields = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'record',
          'direction_people',
          'direction_company',
          'conflict_winner',
          'hard_deletes',
          'confirm',
          'pending',
          'decision',
        ),
        fc.string({ maxLength: 20 }),
      ),
      hostileText,
      { maxKeys: 6 },
    );
    const start = await footprint();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), fields, fc.boolean(), async (form, body, withToken) => {
        const response = await t.app.inject({
          method: 'POST',
          url: `/organizations/${id}${form}`,
          payload: new URLSearchParams({ ...body, ...(withToken ? { _csrf: admin.csrf } : {}) }).toString(),
          headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.ok(response.statusCode < 500, `${form} ${response.statusCode}: ${response.body}`);
        // Refused for the missing token, or before that by the rate limit some of these forms have.
        if (!withToken) assert.ok([403, 429].includes(response.statusCode), `${form} without the CSRF token`);
      }),
      { numRuns: RUNS },
    );
    const end = await footprint();
    assert.deepEqual(end.users, start.users);
    assert.equal(end.linked, null, 'nothing linked by a random form');
  });

  it('leaves the process healthy', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const page = await t.app.inject({
      method: 'GET',
      url: admin.location,
      headers: { cookie: admin.cookie },
    });
    assert.equal(page.statusCode, 200, 'the page still serves its user');
  });
});
