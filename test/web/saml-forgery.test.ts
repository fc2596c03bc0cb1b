import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const fromBase64 = (saml: string) => Buffer.from(saml, 'base64').toString('utf8');
const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

// Forged SAML Responses, each refused whichever element the IdP signs (CI runs this in the three modes).
// The basic forgeries (another key, unsigned, an attribute altered, a second assertion, another audience,
// expired, a replay) are in sso.test.ts; addressing, restarts and removals in sso-guards.test.ts.
describe('SAML forgeries', () => {
  let t: WebTestApp;
  before(async () => {
    t = await startWebTestApp();
  });
  after(async () => {
    await t.close();
  });

  /** A Response the IdP signed for `uid`, as XML. */
  const signed = async (uid: string, now?: Date) =>
    fromBase64(t.samlResponse(await t.startSignIn(), { uid, groupUid: `cld-${uid}` }, now ? { now } : {}));

  async function refused(what: string, saml: string) {
    const response = await t.consume(saml);
    assert.equal(response.statusCode, 401, `${what}: ${response.body}`);
    assert.equal(errorCode(response.body), 'SSO_REJECTED', what);
    assert.equal(response.headers['set-cookie'], undefined, `${what}: no session`);
  }

  it('refuses a signed Response edited after signing: NameID, group, role, end of validity', async () => {
    const later = new Date(Date.now() + 24 * 60 * 60_000).toISOString();
    const edits: Array<[string, (xml: string) => string]> = [
      ['NameID', (xml) => xml.replace(/(<saml:NameID[^>]*>)[^<]*/, '$1usr-victim')],
      [
        'group',
        (xml) => xml.replace(/(Name="group_uid"[^>]*><saml:AttributeValue[^>]*>)[^<]*/, '$1cld-victim'),
      ],
      ['role', (xml) => xml.replace('>Admin<', '>Super Admin<')],
      ['NotOnOrAfter', (xml) => xml.replace(/(<saml:Conditions[^>]*NotOnOrAfter=")[^"]*/, `$1${later}`)],
    ];
    for (const [what, edit] of edits) {
      const xml = await signed(`usr-edit-${what.toLowerCase()}`);
      const edited = edit(xml);
      assert.notEqual(edited, xml, `${what}: the edit applies`);
      await refused(`${what} edited`, base64(edited));
    }
    assert.equal(await t.repos.users.find('acme', 'usr-victim'), null);
  });

  it('refuses the XML signature-wrapping variants', async () => {
    const xml = await signed('usr-wrap');
    const assertion = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
    const evil = assertion
      .replace(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/, '')
      .replace(/(<saml:NameID[^>]*>)[^<]*/, '$1usr-victim')
      .replace('>usr-wrap<', '>usr-victim<')
      .replace('>Admin<', '>Super Admin<');
    const variants: Array<[string, string]> = [
      ['the forged assertion before the signed one', xml.replace(assertion, `${evil}${assertion}`)],
      ['the forged assertion after the signed one', xml.replace(assertion, `${assertion}${evil}`)],
      [
        'the signed assertion hidden in Extensions, the forged one in its place',
        xml.replace(assertion, `<samlp:Extensions>${assertion}</samlp:Extensions>${evil}`),
      ],
      [
        "the forged assertion with the signed one's ID, the signed one hidden in the signature Object",
        xml
          .replace(assertion, evil)
          .replace('</ds:Signature>', `<ds:Object>${assertion}</ds:Object></ds:Signature>`),
      ],
      [
        'the forged assertion inside the signed one',
        xml.replace('</saml:Assertion>', `${evil}</saml:Assertion>`),
      ],
    ];
    for (const [what, forged] of variants) await refused(what, base64(forged));
    assert.equal(await t.repos.users.find('acme', 'usr-victim'), null, 'no one signed in as the victim');
  });

  it('never reads a comment-split identity as a shorter one', async () => {
    // An attacker with a signed assertion for "usr-victim.evil" splits it with a comment, which the
    // signature does not cover; a reader that stops at the comment would see "usr-victim".
    for (const where of ['NameID', 'uid attribute']) {
      const xml = await signed('usr-victim.evil');
      const split =
        where === 'NameID'
          ? xml.replace(/(<saml:NameID[^>]*>)usr-victim\.evil/, '$1usr-victim<!---->.evil')
          : xml.replace(
              /(Name="uid"[^>]*><saml:AttributeValue[^>]*>)usr-victim\.evil/,
              '$1usr-victim<!---->.evil',
            );
      assert.notEqual(split, xml, `${where}: the comment is in`);
      const response = await t.consume(base64(split));
      assert.ok([303, 401].includes(response.statusCode), `${where}: ${response.statusCode}`);
      assert.equal(await t.repos.users.find('acme', 'usr-victim'), null, `${where}: never the victim`);
      if (response.statusCode === 303) assert.ok(await t.repos.users.find('acme', 'usr-victim.evil'), where);
    }
  });

  it('refuses an assertion not yet valid', async () => {
    await refused(
      'issued an hour ahead',
      base64(await signed('usr-future', new Date(Date.now() + 60 * 60_000))),
    );
  });

  it('refuses a replay posted to another web process', async () => {
    const second = await t.anotherProcess();
    const request = { ...(await t.startSignIn()), id: '' };
    const saml = t.samlResponse(request, { uid: 'usr-two', groupUid: 'cld-two' });
    const consume = (app: typeof second) =>
      app.inject({
        method: 'POST',
        url: '/maestrano/auth/saml/consume/acme',
        payload: new URLSearchParams({ SAMLResponse: saml }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const [a, b] = await Promise.all([consume(t.app), consume(second)]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [303, 401], 'exactly one process accepts it');
    assert.equal((await consume(second)).statusCode, 401);
  });

  it('accepts what the IdP really signed, unchanged: the forgeries above fail for what they changed', async () => {
    assert.equal((await t.consume(base64(await signed('usr-genuine')))).statusCode, 303);
  });
});
