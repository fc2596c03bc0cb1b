import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signElement } from '../../sandbox/platform/saml-idp.ts';
import { auth, startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const RESPONSE_XPATH = "/*[local-name(.)='Response']";
const ASSERTION_XPATH = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";
const SIGNATURE = /<ds:Signature\b[\s\S]*?<\/ds:Signature>/g;
const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const fromBase64 = (saml: string) => Buffer.from(saml, 'base64').toString('utf8');
const errorOf = (body: string) => (JSON.parse(body) as { error: { code: string; message: string } }).error;

describe('SSO guards: a sign-in used once, addressed to this connector, and never older than a loss of access', () => {
  let t: WebTestApp;
  before(async () => {
    t = await startWebTestApp();
  });
  after(async () => {
    await t.close();
  });

  /** Signs XML the way the tenant's IdP does in this run's mode, with the IdP's own key. */
  function signedByIdp(unsignedXml: string): string {
    let xml = unsignedXml;
    if (t.signing !== 'response')
      xml = signElement(xml, ASSERTION_XPATH, t.idp.privateKeyPem, t.idp.certificatePem);
    if (t.signing !== 'assertion')
      xml = signElement(xml, RESPONSE_XPATH, t.idp.privateKeyPem, t.idp.certificatePem);
    return base64(xml);
  }

  /** A Response the IdP sent unasked (IdP-initiated: no request id to tie it to one sign-in). */
  async function unasked(as: Parameters<WebTestApp['samlResponse']>[1], now?: Date) {
    const request = { ...(await t.startSignIn()), id: '' };
    return t.samlResponse(request, as, now ? { now } : {});
  }

  it('refuses a correctly signed Response addressed to another service', async () => {
    const acs = 'http://connector.test/maestrano/auth/saml/consume/acme';
    const elsewhere = 'https://elsewhere.example/saml/acs';
    const template = async (uid: string) =>
      fromBase64(t.samlResponse(await t.startSignIn(), { uid, groupUid: `cld-${uid}` })).replace(
        SIGNATURE,
        '',
      );
    const recipient = (xml: string, to: string) => xml.replace(/Recipient="[^"]*"/, `Recipient="${to}"`);
    const destination = (xml: string, to: string) =>
      xml.replace(/Destination="[^"]*"/, `Destination="${to}"`);

    const control = await template('usr-addr-ok');
    assert.match(control, new RegExp(`Recipient="${acs}"`), 'the IdP addresses our ACS');
    assert.equal((await t.consume(signedByIdp(control))).statusCode, 303, 're-signed as is, it is accepted');

    const cases: Array<[string, string, string, RegExp]> = [
      ['Recipient elsewhere', 'usr-addr-1', elsewhere, /assertion is for https:\/\/elsewhere/],
      ['Destination elsewhere', 'usr-addr-2', elsewhere, /Response is for https:\/\/elsewhere/],
      ['both elsewhere', 'usr-addr-3', elsewhere, /assertion is for https:\/\/elsewhere/],
      ['no Recipient', 'usr-addr-4', '', /names no Recipient/],
    ];
    for (const [what, uid, to, reason] of cases) {
      let xml = await template(uid);
      if (what === 'no Recipient') xml = xml.replace(/ Recipient="[^"]*"/, '');
      if (what.startsWith('Recipient') || what.startsWith('both')) xml = recipient(xml, to);
      if (what.startsWith('Destination') || what.startsWith('both')) xml = destination(xml, to);
      const response = await t.consume(signedByIdp(xml));
      assert.equal(response.statusCode, 401, what);
      assert.equal(errorOf(response.body).code, 'SSO_REJECTED', what);
      assert.match(errorOf(response.body).message, reason, what);
      assert.equal(response.headers['set-cookie'], undefined, `${what}: no session`);
      assert.equal(await t.repos.users.find('acme', uid), null, `${what}: nothing stored`);
    }
  });

  it('refuses a Response used once, in the same process and after a restart', async () => {
    const saml = await unasked({ uid: 'usr-once', groupUid: 'cld-once' });
    assert.equal((await t.consume(saml)).statusCode, 303, 'an unasked Response signs in once');
    const again = await t.consume(saml);
    assert.equal(again.statusCode, 401);
    assert.match(errorOf(again.body).message, /already used/);

    const other = await unasked({ uid: 'usr-restart', groupUid: 'cld-restart' });
    assert.equal((await t.consume(other)).statusCode, 303);
    await t.restart();
    const replay = await t.consume(other);
    assert.equal(replay.statusCode, 401, 'the restarted connector remembers what was used');
    assert.match(errorOf(replay.body).message, /already used/);
  });

  it('refuses an assertion issued before the member was removed, and accepts one issued after', async () => {
    const member = { uid: 'usr-removed', groupUid: 'cld-removed', role: 'Admin' as const };
    assert.equal((await t.consume(await unasked(member))).statusCode, 303);
    const issuedBefore = await unasked(member);

    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/maestrano/account/groups/cld-removed/users/usr-removed/acme',
      headers: { authorization: auth(t.tenant) },
    });
    assert.equal(removed.statusCode, 200);
    const organization = await t.repos.organizations.findByGroup('acme', 'cld-removed');
    assert.equal(
      await t.repos.users.find('acme', 'usr-removed'),
      null,
      'a member of no organization is erased',
    );

    const late = await t.consume(issuedBefore);
    assert.equal(late.statusCode, 401);
    assert.match(errorOf(late.body).message, /issued before your access to this organization changed/);
    assert.equal(await t.repos.users.find('acme', 'usr-removed'), null, 'not restored');

    await new Promise((r) => setTimeout(r, 5));
    const readded = await t.consume(await unasked({ ...member, role: 'Member' }));
    assert.equal(readded.statusCode, 303, 'added back by the platform, the member signs in again');
    const user = await t.repos.users.find('acme', 'usr-removed');
    assert.equal((await t.repos.users.findMembership(user!.id, organization!.id))?.role, 'Member');
  });

  it('refuses an assertion issued before the member was given a lower role', async () => {
    const member = { uid: 'usr-lowered', groupUid: 'cld-lowered' };
    assert.equal((await t.consume(await unasked({ ...member, role: 'Super Admin' }))).statusCode, 303);
    const asAdmin = await unasked({ ...member, role: 'Super Admin' }, new Date(Date.now() - 2_000));
    const asMember = await unasked({ ...member, role: 'Member' });
    assert.equal((await t.consume(asMember)).statusCode, 303);
    const older = await t.consume(asAdmin);
    assert.equal(older.statusCode, 401, 'the older, higher role cannot come back');
    const user = await t.repos.users.find('acme', 'usr-lowered');
    const organization = await t.repos.organizations.findByGroup('acme', 'cld-lowered');
    assert.equal((await t.repos.users.findMembership(user!.id, organization!.id))?.role, 'Member');
  });

  it('records a removal for a member the connector has not seen, so their pending sign-in is refused', async () => {
    const pending = await unasked({ uid: 'usr-never', groupUid: 'cld-never' });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/maestrano/account/groups/cld-never/users/usr-never/acme',
      headers: { authorization: auth(t.tenant) },
    });
    assert.equal(removed.statusCode, 200);
    assert.equal((await t.consume(pending)).statusCode, 401);
    assert.equal(await t.repos.users.find('acme', 'usr-never'), null, 'nothing stored');
  });
});
