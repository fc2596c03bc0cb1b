import { DOMParser } from '@xmldom/xmldom';

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** What the connector reads of an assertion node-saml verified, beyond the attributes. */
export interface AssertionFacts {
  id: string | null;
  /** Epoch ms; null when the IssueInstant is missing or not a time. */
  issuedAt: number | null;
  /** Epoch ms of the Conditions' end; null when absent. */
  notOnOrAfter: number | null;
  /** The Recipient of each SubjectConfirmationData; null for one that names none. */
  recipients: Array<string | null>;
}

/** Parses XML, refusing (null) anything the parser reports as an error instead of guessing around it. */
function parseXml(xml: string): Document | null {
  let failed = false;
  const parser = new DOMParser({
    errorHandler: {
      warning: () => {},
      error: () => {
        failed = true;
      },
      fatalError: () => {
        failed = true;
      },
    },
  });
  try {
    const doc = parser.parseFromString(xml, 'text/xml') as unknown as Document;
    return failed || !doc.documentElement ? null : doc;
  } catch {
    return null;
  }
}

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

function elements(root: Element | Document, ns: string, name: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, name) as ArrayLike<Element>);
}

/** Reads the id, times and recipients of the assertion XML node-saml verified (its signed content). */
export function readAssertion(assertionXml: string): AssertionFacts {
  const doc = parseXml(assertionXml);
  const assertion = doc?.documentElement;
  if (!assertion || assertion.namespaceURI !== ASSERTION_NS || assertion.localName !== 'Assertion') {
    return { id: null, issuedAt: null, notOnOrAfter: null, recipients: [] };
  }
  const conditions = elements(assertion, ASSERTION_NS, 'Conditions')[0];
  return {
    id: assertion.getAttribute('ID') || null,
    issuedAt: time(assertion.getAttribute('IssueInstant')),
    notOnOrAfter: time(conditions?.getAttribute('NotOnOrAfter')),
    recipients: elements(assertion, ASSERTION_NS, 'SubjectConfirmationData').map((data) =>
      data.hasAttribute('Recipient') ? data.getAttribute('Recipient') : null,
    ),
  };
}

/** The Destination of a base64 SAML Response (its root element); null when it names none or is not one. */
export function responseDestination(samlResponseBase64: string): string | null {
  const doc = parseXml(Buffer.from(samlResponseBase64, 'base64').toString('utf8'));
  const root = doc?.documentElement;
  if (!root || root.namespaceURI !== PROTOCOL_NS || root.localName !== 'Response') return null;
  return root.getAttribute('Destination') || null;
}

/**
 * Why a verified Response is not addressed to this tenant's ACS URL, or null when it is: every bearer
 * confirmation must name it as Recipient (and there must be one), and the Response's Destination, when it
 * has one, must be it. A Response captured from (or minted for) another service cannot be replayed here.
 */
export function addressingProblem(
  acsUrl: string,
  facts: { destination: string | null; recipients: ReadonlyArray<string | null> },
): string | null {
  if (facts.recipients.length === 0 || facts.recipients.includes(null))
    return 'the assertion names no Recipient';
  const stray = facts.recipients.find((r) => r !== acsUrl);
  if (stray !== undefined) return `the assertion is for ${stray || 'an empty Recipient'}, not this connector`;
  if (facts.destination !== null && facts.destination !== acsUrl)
    return `the Response is for ${facts.destination}, not this connector`;
  return null;
}
