import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SAML_SIGNING_MODES } from '../../sandbox/platform/platform-knobs.ts';
import { signElement } from '../../sandbox/platform/saml-idp.ts';
import { createSigningIdentity } from '../../sandbox/platform/self-signed-certificate.ts';
import { organizationPageUrl } from '../../src/alerts/alert-emails.ts';
import { PUBLIC_URL, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const RESPONSE_XPATH = "/*[local-name(.)='Response']";
const ASSERTION_XPATH = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";
const SIGNATURE = /<ds:Signature\b[\s\S]*?<\/ds:Signature>/g;
const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const fromBase64 = (saml: string) => Buffer.from(saml, 'base64').toString('utf8');

// Which element the platform's IdP signs is not known: every behaviour holds in each of the three modes.
for (const mode of SAML_SIGNING_MODES)
  describe(`SSO from the platform (SAML), IdP signing ${mode}`, () => {
    let t: WebTestApp;
    before(async () => {
      t = await startWebTestApp({ signing: mode });
    });
    after(async () => {
      await t.close();
    });

    const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

    it('init sends an AuthnRequest for our ACS and entity id to the tenant IdP, passing the group on', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/maestrano/auth/saml/init/acme?group_id=cld-9',
      });
      assert.equal(response.statusCode, 302);
      const location = new URL(response.headers.location as string);
      assert.equal(`${location.origin}${location.pathname}`, t.tenant.idpSsoUrl);
      assert.equal(location.searchParams.get('group_id'), 'cld-9');
      const request = await t.startSignIn();
      assert.equal(request.assertionConsumerServiceUrl, `${PUBLIC_URL}/maestrano/auth/saml/consume/acme`);
      assert.equal(request.issuer, `${PUBLIC_URL}/maestrano/auth/saml/metadata/acme`);
    });

    it('a signed Response creates the user, organization and membership and starts a safe session', async () => {
      const response = await t.consume(
        t.samlResponse(await t.startSignIn(), { uid: 'usr-ann', groupUid: 'cld-ann', role: 'Super Admin' }),
      );
      assert.equal(response.statusCode, 303);
      const organization = await t.repos.organizations.findByGroup('acme', 'cld-ann');
      assert.ok(organization);
      assert.equal(
        response.headers.location,
        `/organizations/${organization.id}`,
        'not linked: the connector page',
      );
      const user = await t.repos.users.find('acme', 'usr-ann');
      assert.equal((await t.repos.users.findMembership(user!.id, organization.id))?.role, 'Super Admin');
      const cookie = String(response.headers['set-cookie']);
      assert.match(cookie, /connector_session=/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /ann@example\.com/, 'no personal data in the cookie');
    });

    it(`signs only what the mode says (${mode})`, async () => {
      const xml = fromBase64(t.samlResponse(await t.startSignIn()));
      const signed = [...xml.matchAll(/<ds:Reference URI="#([^"]+)"/g)].map((m) => m[1]);
      const responseId = /<samlp:Response [^>]*ID="([^"]+)"/.exec(xml)![1];
      const assertionId = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1];
      const expected = { response: [responseId], assertion: [assertionId], both: [assertionId, responseId] };
      assert.deepEqual(signed.sort(), expected[mode].sort());
    });

    it(`refuses a Response signed by another key, unsigned, altered, for another audience, expired, a replay (${mode})`, async () => {
      const request = await t.startSignIn();
      const other = createSigningIdentity('Impostor IdP');
      const signedXml = fromBase64(t.samlResponse(request));
      const unsigned = signedXml.replace(SIGNATURE, '');
      // The signature covers only the Response, and the assertion inside it was altered afterwards.
      const responseSignedThenAltered = signElement(
        unsigned,
        RESPONSE_XPATH,
        t.idp.privateKeyPem,
        t.idp.certificatePem,
      ).replace('>Admin<', '>Super Admin<');
      // The assertion signed by the tenant's key, then altered; the Response left unsigned.
      const assertionSignedThenAltered = signElement(
        unsigned,
        ASSERTION_XPATH,
        t.idp.privateKeyPem,
        t.idp.certificatePem,
      ).replace('>Admin<', '>Super Admin<');
      // A second assertion next to the signed one, hoping the service provider reads the unsigned one.
      const assertion = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(unsigned)![0];
      const wrapped = signedXml.replace(
        '</samlp:Response>',
        `${assertion.replace(/ID="[^"]+"/, 'ID="_forged"').replace('>Admin<', '>Super Admin<')}</samlp:Response>`,
      );
      const cases: [string, string][] = [
        ['signed by another key', t.samlResponse(await t.startSignIn(), {}, { signer: other })],
        [
          'for another audience',
          t.samlResponse(await t.startSignIn(), {}, { audience: 'https://elsewhere.example/sp' }),
        ],
        ['expired', t.samlResponse(await t.startSignIn(), {}, { now: new Date(Date.now() - 60 * 60_000) })],
        ['not base64 XML', base64('<nonsense/>')],
        ['with no signature at all', base64(unsigned)],
        ['with an attribute altered after signing', base64(signedXml.replace('>Admin<', '>Super Admin<'))],
        ['signed on the Response only, the assertion altered after', base64(responseSignedThenAltered)],
        ['signed on the Assertion only, the assertion altered after', base64(assertionSignedThenAltered)],
        ['with a second, unsigned assertion added', base64(wrapped)],
      ];
      for (const [what, saml] of cases) {
        const response = await t.consume(saml);
        assert.equal(response.statusCode, 401, what);
        assert.equal(errorCode(response.body), 'SSO_REJECTED', what);
        assert.equal(response.headers['set-cookie'], undefined, `${what}: no session`);
      }

      const good = t.samlResponse(await t.startSignIn(), { uid: 'usr-replay', groupUid: 'cld-replay' });
      assert.equal((await t.consume(good)).statusCode, 303);
      const replay = await t.consume(good);
      assert.equal(replay.statusCode, 401, 'a Response is used once');
    });

    it(`reads the attributes it needs and ignores the platform's others (${mode})`, async () => {
      const saml = t.samlResponse(await t.startSignIn(), {
        uid: 'usr-attrs',
        email: 'attrs@example.com',
        groupUid: 'cld-attrs',
        groupName: 'Attribute Shop',
      });
      const xml = fromBase64(saml);
      for (const name of ['virtual_uid', 'group_org_uid', 'group_end_free_trial', 'mno_session_recheck']) {
        assert.match(xml, new RegExp(`Name="${name}"`), `the assertion carries ${name}`);
      }
      const response = await t.consume(saml);
      assert.equal(response.statusCode, 303);
      const user = await t.repos.users.find('acme', 'usr-attrs');
      assert.equal(user?.email, 'attrs@example.com');
      assert.equal((await t.repos.organizations.findByGroup('acme', 'cld-attrs'))?.name, 'Attribute Shop');
    });

    it('answers 404 for an unknown tenant and 401 without a SAMLResponse', async () => {
      const unknown = await t.app.inject({ method: 'GET', url: '/maestrano/auth/saml/init/nobody' });
      assert.equal(unknown.statusCode, 404);
      assert.equal(errorCode(unknown.body), 'SSO_UNKNOWN_TENANT');
      const empty = await t.app.inject({
        method: 'POST',
        url: '/maestrano/auth/saml/consume/acme',
        payload: '',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(empty.statusCode, 401);
    });

    it("opens a linked organization in Constant Contact's app, or the connector page when asked for settings", async () => {
      const { location } = await t.signIn({ uid: 'usr-linked', groupUid: 'cld-linked' });
      const organizationId = location.split('/').pop()!;
      await t.repos.organizations.link(
        organizationId,
        { id: 'acct-1', name: 'Linked Co' },
        {
          accessToken: 'a',
          refreshToken: 'r',
          expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        },
      );
      const again = await t.consume(
        t.samlResponse(await t.startSignIn(), { uid: 'usr-linked', groupUid: 'cld-linked' }),
      );
      assert.equal(again.headers.location, 'https://app.constantcontact.com');
      const settings = await t.consume(
        t.samlResponse(await t.startSignIn(), { uid: 'usr-linked', groupUid: 'cld-linked' }),
        'settings',
      );
      assert.equal(settings.headers.location, `/organizations/${organizationId}`);

      // An alert email's link asks the platform to sign the admin in to this organization, for its page.
      const organization = await t.repos.organizations.get(organizationId);
      const link = new URL(organizationPageUrl(PUBLIC_URL, organization));
      const init = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
      assert.equal(init.statusCode, 302);
      const atIdp = new URL(init.headers.location as string);
      assert.equal(atIdp.searchParams.get('group_id'), 'cld-linked');
      assert.equal(atIdp.searchParams.get('RelayState'), 'settings');
    });

    it('refuses to sign in to an organization the platform deleted', async () => {
      const { location } = await t.signIn({ uid: 'usr-del', groupUid: 'cld-del' });
      await t.repos.organizations.markDeleted(location.split('/').pop()!);
      const response = await t.consume(
        t.samlResponse(await t.startSignIn(), { uid: 'usr-del', groupUid: 'cld-del' }),
      );
      assert.equal(response.statusCode, 410);
    });

    it('rate-limits the login endpoints', async () => {
      let limited = 0;
      for (let i = 0; i < 40; i++) {
        const response = await t.app.inject({
          method: 'GET',
          url: '/maestrano/auth/saml/init/acme',
          remoteAddress: '10.9.9.9',
        });
        if (response.statusCode === 429) {
          limited++;
          assert.equal(errorCode(response.body), 'RATE_LIMITED');
        }
      }
      assert.ok(limited > 0);
    });
  });
