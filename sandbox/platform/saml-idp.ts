import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import type { GroupRole, PlatformOrganization, PlatformUser } from './directory.ts';
import { escapeHtml } from './html.ts';
import type { SamlSigning } from './platform-knobs.ts';

/** What the IdP needs from a service provider's AuthnRequest. */
export interface AuthnRequestInfo {
  id: string;
  issuer: string;
  assertionConsumerServiceUrl: string;
}

/** The SAMLRequest could not be read; the message says why. Answered as 400. */
export class SamlRequestError extends Error {}

const attribute = (attrs: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)
    .exec(attrs)
    ?.slice(1)
    .find((v) => v !== undefined);

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Reads an AuthnRequest sent with the HTTP-Redirect binding (base64 of raw DEFLATE). Only the root
 * element's attributes and the Issuer matter here, so a full XML parser is not needed.
 */
export function parseRedirectAuthnRequest(samlRequest: string): AuthnRequestInfo {
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
  } catch (error) {
    throw new SamlRequestError(`SAMLRequest is not base64 of DEFLATE data: ${(error as Error).message}`);
  }
  const root = /<(?:[\w-]+:)?AuthnRequest\b([^>]*)>/.exec(xml);
  if (!root) throw new SamlRequestError('SAMLRequest is not an AuthnRequest');
  const attrs = root[1]!;
  const id = attribute(attrs, 'ID');
  const acs = attribute(attrs, 'AssertionConsumerServiceURL');
  const issuer = /<(?:[\w-]+:)?Issuer\b[^>]*>([^<]+)<\//.exec(xml)?.[1]?.trim();
  if (!id) throw new SamlRequestError('AuthnRequest has no ID');
  if (!acs) throw new SamlRequestError('AuthnRequest has no AssertionConsumerServiceURL');
  if (!issuer) throw new SamlRequestError('AuthnRequest has no Issuer');
  return { id: unescapeXml(id), issuer: unescapeXml(issuer), assertionConsumerServiceUrl: unescapeXml(acs) };
}

export interface AssertionSubject {
  user: PlatformUser;
  organization: PlatformOrganization;
  role: GroupRole;
  /** The user's dashboard session as the platform names it to apps (`mno_session`); not its cookie. */
  sessionId: string;
}

export interface ResponseOptions {
  /** The IdP's entity id. */
  issuer: string;
  request: AuthnRequestInfo;
  subject: AssertionSubject;
  now: Date;
  privateKeyPem: string;
  certificatePem: string;
  /** How long the assertion may be used. */
  validityMs?: number;
  /** What is signed: the Response, the Assertion, or both (the default). */
  signing?: SamlSigning;
}

/** How long an app may trust the dashboard session before checking it again (`mno_session_recheck`). */
export const SESSION_RECHECK_MS = 3 * 60_000;

const xml = (value: string) => escapeHtml(value);
const newId = () => `_${randomBytes(16).toString('hex')}`;

/**
 * Every attribute the platform sends (DESIGN.md 2.1). How the real platform forms virtual_uid, virtual_email,
 * mno_session and mno_session_recheck is not documented: those values are guesses of their shape.
 */
export function assertionAttributes(
  { user, organization, role, sessionId }: AssertionSubject,
  now: Date,
): Record<string, string> {
  const virtualUid = `${user.uid}.${organization.uid}`;
  return {
    uid: user.uid,
    email: user.email,
    name: user.name,
    surname: user.surname,
    virtual_uid: virtualUid,
    virtual_email: `${virtualUid}@mail.${organization.tenant}.example`,
    country: user.country,
    company_name: user.companyName,
    group_uid: organization.uid,
    group_name: organization.name,
    group_role: role,
    group_email: organization.email,
    group_currency: organization.currency,
    group_timezone: organization.timezone,
    group_country: organization.country,
    group_city: organization.city,
    group_org_uid: organization.channelId,
    group_end_free_trial: organization.freeTrialEndsAt,
    group_has_credit_card: String(organization.hasCreditCard),
    mno_session: sessionId,
    mno_session_recheck: new Date(now.getTime() + SESSION_RECHECK_MS).toISOString(),
  };
}

function unsignedResponse(options: ResponseOptions, responseId: string, assertionId: string): string {
  const { issuer, request, subject, now } = options;
  const validity = options.validityMs ?? 5 * 60_000;
  const instant = now.toISOString();
  // A little slack before now, so a service provider whose clock runs behind still accepts it.
  const notBefore = new Date(now.getTime() - 60_000).toISOString();
  const notOnOrAfter = new Date(now.getTime() + validity).toISOString();
  const acs = xml(request.assertionConsumerServiceUrl);
  const attributes = Object.entries(assertionAttributes(subject, now))
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">${xml(value)}</saml:AttributeValue></saml:Attribute>`,
    )
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${instant}" Destination="${acs}" InResponseTo="${xml(request.id)}">` +
    `<saml:Issuer>${xml(issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${assertionId}" Version="2.0" IssueInstant="${instant}">` +
    `<saml:Issuer>${xml(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${xml(subject.user.uid)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${acs}" InResponseTo="${xml(request.id)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${xml(request.issuer)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

/** Signs the element `elementXPath` of `document` (enveloped, exclusive c14n, RSA-SHA256), after its Issuer. */
export function signElement(
  document: string,
  elementXPath: string,
  privateKeyPem: string,
  certificatePem: string,
): string {
  const signer = new SignedXml({
    privateKey: privateKeyPem,
    publicCert: certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: elementXPath,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  // The schema puts ds:Signature right after the Issuer in both Response and Assertion.
  signer.computeSignature(document, {
    prefix: 'ds',
    location: { reference: `${elementXPath}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

const RESPONSE_XPATH = "/*[local-name(.)='Response']";
const ASSERTION_XPATH = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";

/**
 * A SAML Response signed as `options.signing` says: the Assertion only, the Response only (its signature then
 * covers the Assertion inside it), or the Assertion and then the whole Response.
 */
export function buildSignedResponse(options: ResponseOptions): string {
  const signing = options.signing ?? 'both';
  const { privateKeyPem, certificatePem } = options;
  let document = unsignedResponse(options, newId(), newId());
  if (signing !== 'response')
    document = signElement(document, ASSERTION_XPATH, privateKeyPem, certificatePem);
  if (signing !== 'assertion')
    document = signElement(document, RESPONSE_XPATH, privateKeyPem, certificatePem);
  return document;
}

/** The HTTP-POST binding: a page that posts the Response to the ACS as soon as it loads. */
export function autoPostForm(
  acsUrl: string,
  samlResponseXml: string,
  relayState: string | undefined,
): string {
  const samlResponse = Buffer.from(samlResponseXml, 'utf8').toString('base64');
  const relay =
    relayState === undefined
      ? ''
      : `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${escapeHtml(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${samlResponse}">${relay}
<noscript><button type="submit">Continue to the app</button></noscript>
</form>
</body></html>`;
}
