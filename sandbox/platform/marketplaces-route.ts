import type { FastifyInstance } from 'fastify';
import type { Directory, PlatformTenant } from './directory.ts';

/** A tenant as the connector configures it (the shape of `Tenant` in src/config/tenants.ts). */
export interface MarketplaceConfig {
  id: string;
  name: string;
  apiId: string;
  apiKey: string;
  connecHost: string;
  idpSsoUrl: string;
  idpCertificate: string;
  dashboardUrl: string;
}

export function marketplaceConfig(
  tenant: PlatformTenant,
  baseUrl: string,
  certificatePem: string,
): MarketplaceConfig {
  return {
    id: tenant.id,
    name: tenant.name,
    apiId: tenant.apiId,
    apiKey: tenant.apiKey,
    connecHost: baseUrl,
    idpSsoUrl: `${baseUrl}/saml/${encodeURIComponent(tenant.id)}/sso`,
    idpCertificate: certificatePem,
    dashboardUrl: `${baseUrl}/dashboard`,
  };
}

/**
 * `GET /api/config/v1/marketplaces` (HTTP Basic): the marketplaces the credentials belong to, so a connector
 * can configure itself from the platform.
 */
export function registerMarketplacesRoute(
  app: FastifyInstance,
  directory: Directory,
  config: (tenant: PlatformTenant) => MarketplaceConfig,
): void {
  app.get('/api/config/v1/marketplaces', async (req, reply) => {
    const tenant = directory.authenticateTenant(req.headers.authorization);
    if (!tenant) {
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="platform"')
        .send({
          errors: [
            {
              code: 401,
              status: 'Unauthorized',
              detail: 'HTTP Basic with the tenant API id and key is required',
            },
          ],
        });
    }
    req.logAccount = tenant.id;
    return { marketplaces: [config(tenant)] };
  });
}
