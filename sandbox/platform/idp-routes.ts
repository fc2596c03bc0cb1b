import type { FastifyInstance } from 'fastify';
import type { Clock } from '../shared/clock.ts';
import { CONNECTOR_APP, type Directory, type PlatformTenant } from './directory.ts';
import { html, layout } from './html.ts';
import type { SamlSigning } from './platform-knobs.ts';
import {
  type AssertionSubject,
  autoPostForm,
  buildSignedResponse,
  parseRedirectAuthnRequest,
  SamlRequestError,
} from './saml-idp.ts';
import type { SigningIdentity } from './self-signed-certificate.ts';
import type { Sessions } from './sessions.ts';

export interface IdpDependencies {
  directory: Directory;
  sessions: Sessions;
  identity: SigningIdentity;
  clock: Clock;
  baseUrl: () => string;
  connectorUrl: () => string | null;
  /** Read at each sign-in, so the knob can change while the emulator runs. */
  signing: () => SamlSigning;
}

export const idpEntityId = (baseUrl: string, tenant: PlatformTenant) =>
  `${baseUrl}/saml/${encodeURIComponent(tenant.id)}`;

function errorPage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1><p class="error">${message}</p>`);
}

/**
 * The SAML 2.0 IdP of each tenant: `GET /saml/:tenant/sso` takes an AuthnRequest (HTTP-Redirect binding),
 * signs the user in through the dashboard if needed, and posts a Response to the connector's ACS, signed as
 * the `samlSigning` knob says.
 */
export function registerIdpRoutes(app: FastifyInstance, deps: IdpDependencies): void {
  const { directory, sessions, identity, clock } = deps;

  app.get<{ Params: { tenant: string }; Querystring: Record<string, string | undefined> }>(
    '/saml/:tenant/sso',
    async (req, reply) => {
      const tenant = directory.tenants.get(req.params.tenant);
      if (!tenant)
        return reply
          .code(404)
          .type('text/html')
          .send(errorPage('Unknown tenant', `No tenant "${req.params.tenant}".`));
      const { SAMLRequest: samlRequest, RelayState: relayState, group_id: groupId } = req.query;
      if (!samlRequest)
        return reply
          .code(400)
          .type('text/html')
          .send(errorPage('Bad SSO request', 'SAMLRequest is missing.'));
      let request: ReturnType<typeof parseRedirectAuthnRequest>;
      try {
        request = parseRedirectAuthnRequest(samlRequest);
      } catch (error) {
        if (error instanceof SamlRequestError)
          return reply.code(400).type('text/html').send(errorPage('Bad SSO request', error.message));
        throw error;
      }
      const connectorUrl = deps.connectorUrl();
      // A real IdP only posts assertions to registered service providers; here that is the connector.
      if (connectorUrl && !request.assertionConsumerServiceUrl.startsWith(`${connectorUrl}/`)) {
        return reply
          .code(400)
          .type('text/html')
          .send(
            errorPage(
              'Bad SSO request',
              `The ACS ${request.assertionConsumerServiceUrl} is not under the connector's URL ${connectorUrl}.`,
            ),
          );
      }
      const session = sessions.read(req);
      if (!session) return reply.redirect(`/dashboard/login?next=${encodeURIComponent(req.url)}`);
      const user = directory.users.get(session.userUid);
      if (!user) return reply.redirect(`/dashboard/login?next=${encodeURIComponent(req.url)}`);

      const candidates = directory
        .organizationsOf(user.uid)
        .filter(
          ({ organization }) =>
            organization.tenant === tenant.id && organization.apps.includes(CONNECTOR_APP),
        );
      const wanted = groupId ?? session.launchGroup;
      const chosen =
        candidates.find(({ organization }) => organization.uid === wanted) ??
        (groupId ? undefined : candidates[0]);
      if (!chosen) {
        return reply
          .code(403)
          .type('text/html')
          .send(
            errorPage(
              'No organization',
              `${user.email} belongs to no organization of ${tenant.name} that uses the connector${groupId ? ` (asked for ${groupId})` : ''}.`,
            ),
          );
      }
      const subject: AssertionSubject = {
        user,
        organization: chosen.organization,
        role: chosen.role,
        sessionId: session.id,
      };
      const response = buildSignedResponse({
        issuer: idpEntityId(deps.baseUrl(), tenant),
        request,
        subject,
        now: clock.now(),
        privateKeyPem: identity.privateKeyPem,
        certificatePem: identity.certificatePem,
        signing: deps.signing(),
      });
      return reply
        .type('text/html')
        .send(autoPostForm(request.assertionConsumerServiceUrl, response, relayState));
    },
  );

  app.get<{ Params: { tenant: string } }>('/saml/:tenant/metadata', async (req, reply) => {
    const tenant = directory.tenants.get(req.params.tenant);
    if (!tenant) return reply.code(404).send({ error: `no tenant ${req.params.tenant}` });
    const base = deps.baseUrl();
    const certificate = identity.certificatePem.replace(/-----[^-]+-----|\s/g, '');
    return reply
      .type('application/samlmetadata+xml')
      .send(
        `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${idpEntityId(base, tenant)}">` +
          `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">` +
          `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
          `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/saml/${encodeURIComponent(tenant.id)}/sso"/>` +
          `</md:IDPSSODescriptor></md:EntityDescriptor>`,
      );
  });
}
