import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, describeZodIssue } from './config-error.ts';

/**
 * A tenant is a platform marketplace. Everything the platform calls on us, and we call on it, is
 * authenticated with the tenant's API id/key pair (HTTP Basic).
 */
export const tenantSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_"'),
  name: z.string().min(1).optional(),
  apiId: z.string().min(1),
  apiKey: z.string().min(1),
  /** Base URL of the tenant's Connec! hub, e.g. https://api-connec.maestrano.com */
  connecHost: z.url(),
  /** Where SAML AuthnRequests are sent. */
  idpSsoUrl: z.url(),
  /** The IdP's X.509 signing certificate, PEM or bare base64. */
  idpCertificate: z.string().min(100, 'must be a PEM or base64 X.509 certificate'),
  /** The platform dashboard, where users go back to. */
  dashboardUrl: z.url(),
});

export type Tenant = z.infer<typeof tenantSchema>;

export const tenantsFileSchema = z.array(tenantSchema).superRefine((tenants, ctx) => {
  const seen = new Set<string>();
  tenants.forEach((t, i) => {
    if (seen.has(t.id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate tenant id "${t.id}"` });
    seen.add(t.id);
  });
});

export const TENANT_EXAMPLE = {
  id: 'maestrano',
  apiId: 'app-1234',
  apiKey: 'secret',
  connecHost: 'https://api-connec.maestrano.com',
  idpSsoUrl: 'https://api-hub.maestrano.com/saml/sso',
  idpCertificate: '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----',
  dashboardUrl: 'https://dashboard.maestrano.com',
} satisfies Tenant;

/** Parses the tenants JSON text; `source` names the file in error messages. */
export function parseTenants(text: string, source: string): Tenant[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`TENANTS_FILE (${source}): not valid JSON: ${(error as Error).message}`);
  }
  const result = tenantsFileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(
      `TENANTS_FILE (${source}): ${describeZodIssue(issue, 'tenants')} (example entry: ${JSON.stringify({ ...TENANT_EXAMPLE, idpCertificate: '-----BEGIN CERTIFICATE-----...' })})`,
    );
  }
  return result.data;
}

export function loadTenantsFile(path: string): Tenant[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `TENANTS_FILE: cannot read "${path}": ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  return parseTenants(text, path);
}
