import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Tenant } from '../../config/tenants.ts';
import type { SharedStateStore } from '../shared-state/shared-state-store.ts';
import { SamlRequestCache } from './saml-request-cache.ts';

/** How far the IdP's clock may be from ours. */
export const CLOCK_SKEW_MS = 30_000;
/** An assertion older than this is refused even if the IdP allowed longer. */
const MAX_ASSERTION_AGE_MS = 5 * 60_000;
/** How long a Response to one of our AuthnRequests may take to come back. */
const REQUEST_ID_TTL_MS = 10 * 60_000;

export const spEntityId = (publicUrl: string, tenantId: string) =>
  `${publicUrl}/maestrano/auth/saml/metadata/${encodeURIComponent(tenantId)}`;
export const acsUrl = (publicUrl: string, tenantId: string) =>
  `${publicUrl}/maestrano/auth/saml/consume/${encodeURIComponent(tenantId)}`;

/**
 * One SAML service provider per tenant, each trusting only its own IdP certificate. Which element the
 * platform's IdP signs is not known, so a Response is accepted when a valid signature by that certificate
 * covers its one Assertion: the Response's (the Assertion is then read from the signed Response) or the
 * Assertion's own; an unsigned Response whose Assertion is unsigned, or whose signatures do not verify, is
 * refused. The audience must be our entity id, times are checked, and a Response that answers a request must
 * answer one the connector sent, from whichever web process: the request ids are kept in `sharedState`.
 */
export function createServiceProviders(
  tenants: readonly Tenant[],
  publicUrl: string,
  sharedState: SharedStateStore,
): Map<string, SAML> {
  return new Map(
    tenants.map((tenant) => [
      tenant.id,
      new SAML({
        entryPoint: tenant.idpSsoUrl,
        issuer: spEntityId(publicUrl, tenant.id),
        audience: spEntityId(publicUrl, tenant.id),
        callbackUrl: acsUrl(publicUrl, tenant.id),
        idpCert: tenant.idpCertificate,
        // node-saml 5 with both false: a valid Response signature is enough (the Assertion is taken from the
        // verified Response); without one, the Assertion's own signature must verify. Several assertions are
        // refused whatever is signed.
        wantAssertionsSigned: false,
        wantAuthnResponseSigned: false,
        acceptedClockSkewMs: CLOCK_SKEW_MS,
        maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
        validateInResponseTo: ValidateInResponseTo.ifPresent,
        requestIdExpirationPeriodMs: REQUEST_ID_TTL_MS,
        cacheProvider: new SamlRequestCache(sharedState, tenant.id, REQUEST_ID_TTL_MS),
        identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        disableRequestedAuthnContext: true,
      }),
    ]),
  );
}
