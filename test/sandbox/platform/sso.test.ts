import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { PlatformEmulator } from '../../../sandbox/platform/index.ts';
import { signElement } from '../../../sandbox/platform/saml-idp.ts';
import { createSigningIdentity } from '../../../sandbox/platform/self-signed-certificate.ts';
import { ADMIN, GROUP_B, MEMBER, startTestPlatform, TEST_TENANT } from '../../helpers/platform-emulator.ts';

const CONNECTOR = 'http://connector.test';
const ACS = `${CONNECTOR}/maestrano/auth/saml/consume/${TEST_TENANT.id}`;

describe('SAML SSO of the platform emulator', () => {
  let platform: PlatformEmulator;
  let serviceProvider: SAML;

  before(async () => {
    platform = await startTestPlatform({ connectorUrl: CONNECTOR });
    serviceProvider = new SAML({
      entryPoint: platform.tenant(TEST_TENANT.id).idpSsoUrl,
      issuer: 'constantcontact-connector',
      callbackUrl: ACS,
      idpCert: platform.tenant(TEST_TENANT.id).idpCertificate,
      wantAuthnResponseSigned: true,
      wantAssertionsSigned: true,
      validateInResponseTo: ValidateInResponseTo.always,
    });
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
    serviceProvider.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') });

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

  it('completes a round trip accepted by node-saml with signed Response and Assertion', async () => {
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
    })) {
      assert.equal(profile[name], value, name);
    }
  });

  it('rejects a response replayed for an AuthnRequest already used', async () => {
    const cookie = await signIn(MEMBER.email, MEMBER.password);
    const { xml } = await ssoResponseXml(cookie);
    const { profile } = await validate(xml);
    assert.equal(profile?.group_role, 'Member');
    await assert.rejects(validate(xml), /InResponseTo is not valid/);
  });

  it('rejects a tampered response', async () => {
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
