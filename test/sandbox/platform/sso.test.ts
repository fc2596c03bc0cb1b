import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SAML } from '@node-saml/node-saml';
import type { PlatformEmulator } from '../../../sandbox/platform/index.ts';
import { SAML_SIGNING_MODES } from '../../../sandbox/platform/platform-knobs.ts';
import { signElement } from '../../../sandbox/platform/saml-idp.ts';
import { createSigningIdentity } from '../../../sandbox/platform/self-signed-certificate.ts';
import { MemorySharedState } from '../../../src/web/shared-state/memory-shared-state.ts';
import { createServiceProviders } from '../../../src/web/sso/service-providers.ts';
import { ADMIN, GROUP_B, MEMBER, startTestPlatform, TEST_TENANT } from '../../helpers/platform-emulator.ts';

const CONNECTOR = 'http://connector.test';

/** Which of the Response and its Assertion a signature references, sorted. */
function signedElements(xml: string): string[] {
  const responseId = /<samlp:Response [^>]*ID="([^"]+)"/.exec(xml)![1];
  const assertionId = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1];
  return [...xml.matchAll(/<ds:Reference URI="#([^"]+)"/g)]
    .map((m) => (m[1] === responseId ? 'response' : m[1] === assertionId ? 'assertion' : `other ${m[1]}`))
    .sort();
}
const ACS = `${CONNECTOR}/maestrano/auth/saml/consume/${TEST_TENANT.id}`;

// The connector's own service provider checks what the emulator's IdP sends, in each signing mode.
for (const mode of SAML_SIGNING_MODES)
  describe(`SAML SSO of the platform emulator, signing ${mode}`, () => {
    let platform: PlatformEmulator;
    let serviceProvider: SAML;

    before(async () => {
      platform = await startTestPlatform({ connectorUrl: CONNECTOR, knobs: { samlSigning: mode } });
      serviceProvider = createServiceProviders(
        [platform.tenant(TEST_TENANT.id)],
        CONNECTOR,
        new MemorySharedState(),
      ).get(TEST_TENANT.id)!;
    });
    after(() => platform.close());

    async function signIn(email: string, password: string): Promise<string> {
      const response = await fetch(`${platform.url}/dashboard/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password, next: '/dashboard' }),
        redirect: 'manual',
      });
      assert.equal(response.status, 303);
      return response.headers.get('set-cookie')!.split(';')[0]!;
    }

    /** The connector's side: an AuthnRequest, sent through the browser with the dashboard's cookie. */
    async function ssoResponseXml(
      cookie: string,
      groupId?: string,
    ): Promise<{ xml: string; relayState: string }> {
      const authorizeUrl = new URL(await serviceProvider.getAuthorizeUrlAsync('back-to-app', undefined, {}));
      if (groupId) authorizeUrl.searchParams.set('group_id', groupId);
      const response = await fetch(authorizeUrl, { headers: { cookie } });
      assert.equal(response.status, 200);
      const page = await response.text();
      assert.match(page, new RegExp(`action="${ACS}"`));
      const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(page)![1]!;
      const relayState = /name="RelayState" value="([^"]+)"/.exec(page)![1]!;
      return { xml: Buffer.from(samlResponse, 'base64').toString('utf8'), relayState };
    }

    const validate = (xml: string) =>
      serviceProvider.validatePostResponseAsync({
        SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'),
      });

    it('issues a self-signed X.509 certificate', () => {
      const certificate = new X509Certificate(platform.idpCertificate);
      assert.equal(certificate.verify(certificate.publicKey), true);
      assert.equal(platform.tenant(TEST_TENANT.id).idpCertificate, platform.idpCertificate);
    });

    it('sends a browser that is not signed in to the dashboard login first', async () => {
      const authorizeUrl = await serviceProvider.getAuthorizeUrlAsync('', undefined, {});
      const response = await fetch(authorizeUrl, { redirect: 'manual' });
      assert.equal(response.status, 302);
      assert.match(response.headers.get('location')!, /^\/dashboard\/login\?next=%2Fsaml%2Facme%2Fsso/);
    });

    it(`signs only what the mode says (${mode})`, async () => {
      const cookie = await signIn(ADMIN.email, ADMIN.password);
      const { xml } = await ssoResponseXml(cookie, GROUP_B);
      assert.deepEqual(signedElements(xml), mode === 'both' ? ['assertion', 'response'] : [mode]);
    });

    it(`follows a change of the signing knob while it runs (${mode} to another)`, async () => {
      const other = SAML_SIGNING_MODES.find((m) => m !== mode)!;
      const put = (samlSigning: string) =>
        fetch(`${platform.url}/sandbox/knobs`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ samlSigning }),
        });
      assert.equal((await put(other)).status, 200);
      try {
        const cookie = await signIn(ADMIN.email, ADMIN.password);
        const { xml } = await ssoResponseXml(cookie, GROUP_B);
        const references = [...xml.matchAll(/<ds:Reference URI="#/g)].length;
        assert.equal(references, other === 'both' ? 2 : 1);
        assert.ok((await validate(xml)).profile, 'still accepted');
      } finally {
        await put(mode);
      }
    });

    it(`completes a round trip accepted by the connector's service provider, with every attribute (${mode})`, async () => {
      const cookie = await signIn(ADMIN.email, ADMIN.password);
      const { xml, relayState } = await ssoResponseXml(cookie, GROUP_B);
      assert.equal(relayState, 'back-to-app');
      assert.match(
        xml,
        /<samlp:Response [^>]*Destination="http:\/\/connector\.test\/maestrano\/auth\/saml\/consume\/acme"/,
      );
      const { profile } = await validate(xml);
      assert.ok(profile);
      assert.equal(profile.nameID, ADMIN.uid);
      assert.equal(profile.inResponseTo !== undefined, true);
      for (const [name, value] of Object.entries({
        uid: ADMIN.uid,
        email: ADMIN.email,
        name: ADMIN.name,
        surname: ADMIN.surname,
        group_uid: GROUP_B,
        group_name: 'Beta Bakery',
        group_role: 'Admin',
        group_email: `admin@${GROUP_B}.example.com`,
        group_currency: 'USD',
        group_timezone: 'America/New_York',
        virtual_uid: `${ADMIN.uid}.${GROUP_B}`,
        virtual_email: `${ADMIN.uid}.${GROUP_B}@mail.${TEST_TENANT.id}.example`,
        country: 'US',
        company_name: 'Admin & Co',
        group_country: 'US',
        group_city: 'New York',
        group_org_uid: 'org-bbbb',
        group_has_credit_card: 'false',
      })) {
        assert.equal(profile[name], value, name);
      }
      const trialEnds = Date.parse(String(profile.group_end_free_trial));
      assert.ok(trialEnds > Date.now(), 'the free trial ends in the future');
      assert.match(String(profile.mno_session), /^[0-9a-f]{24}$/);
      const recheck = Date.parse(String(profile.mno_session_recheck));
      assert.ok(recheck > Date.now() && recheck <= Date.now() + 3 * 60_000, 'recheck within 3 minutes');
      assert.doesNotMatch(xml, /platform_session|password/, 'neither the cookie nor the password leaves');
    });

    it('rejects a response replayed for an AuthnRequest already used', async () => {
      const cookie = await signIn(MEMBER.email, MEMBER.password);
      const { xml } = await ssoResponseXml(cookie);
      const { profile } = await validate(xml);
      assert.equal(profile?.group_role, 'Member');
      await assert.rejects(validate(xml), /InResponseTo is not valid/);
    });

    it(`rejects a response whose assertion was altered after signing (${mode})`, async () => {
      const cookie = await signIn(MEMBER.email, MEMBER.password);
      const { xml } = await ssoResponseXml(cookie);
      const tampered = xml.replace('>Member<', '>Super Admin<');
      assert.notEqual(tampered, xml);
      await assert.rejects(validate(tampered), /signature/i);
    });

    it('rejects an unsigned response', async () => {
      const cookie = await signIn(MEMBER.email, MEMBER.password);
      const { xml } = await ssoResponseXml(cookie);
      const unsigned = xml.replace(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/g, '');
      assert.doesNotMatch(unsigned, /Signature/);
      await assert.rejects(validate(unsigned), /signature/i);
    });

    it('rejects a response signed with another key', async () => {
      const cookie = await signIn(MEMBER.email, MEMBER.password);
      const { xml } = await ssoResponseXml(cookie);
      const intruder = createSigningIdentity('Intruder');
      const stripped = xml.replace(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/g, '');
      const assertionXPath = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";
      const resigned = signElement(
        signElement(stripped, assertionXPath, intruder.privateKeyPem, intruder.certificatePem),
        "/*[local-name(.)='Response']",
        intruder.privateKeyPem,
        intruder.certificatePem,
      );
      await assert.rejects(validate(resigned), /signature/i);
    });

    it('refuses an AuthnRequest whose ACS is not the connector', async () => {
      const cookie = await signIn(ADMIN.email, ADMIN.password);
      const stranger = new SAML({
        entryPoint: platform.tenant(TEST_TENANT.id).idpSsoUrl,
        issuer: 'stranger',
        callbackUrl: 'http://evil.test/acs',
        idpCert: platform.idpCertificate,
      });
      const response = await fetch(await stranger.getAuthorizeUrlAsync('', undefined, {}), {
        headers: { cookie },
      });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /not under the connector/);
    });
  });
