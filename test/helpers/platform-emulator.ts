import {
  type PlatformEmulator,
  type PlatformEmulatorOptions,
  SAML_SIGNING_MODES,
  type SamlSigning,
  startPlatformEmulator,
} from '../../sandbox/platform/index.ts';
import type { PlatformSeed } from '../../sandbox/platform/seed.ts';
import type { Clock } from '../../sandbox/shared/clock.ts';

export const TEST_TENANT = {
  id: 'acme',
  name: 'Acme Marketplace',
  apiId: 'acme-api-id',
  apiKey: 'acme-api-key',
};
export const ADMIN = {
  uid: 'usr-admin',
  email: 'ada@example.com',
  password: 'ada-password',
  name: 'Ada',
  surname: 'Admin',
  companyName: 'Admin & Co',
};
export const MEMBER = {
  uid: 'usr-member',
  email: 'max@example.com',
  password: 'max-password',
  name: 'Max',
  surname: 'Member',
};
export const GROUP_A = 'cld-aaaa';
export const GROUP_B = 'cld-bbbb';

/** One tenant, two organizations with the connector installed, an Admin and a Member, a few hub records. */
export function testSeed(): PlatformSeed {
  return {
    tenants: [TEST_TENANT],
    users: [ADMIN, MEMBER],
    organizations: [
      {
        uid: GROUP_A,
        tenant: TEST_TENANT.id,
        name: 'Alpha Bikes',
        members: [
          { userUid: ADMIN.uid, role: 'Super Admin' },
          { userUid: MEMBER.uid, role: 'Member' },
        ],
      },
      {
        uid: GROUP_B,
        tenant: TEST_TENANT.id,
        name: 'Beta Bakery',
        members: [{ userUid: ADMIN.uid, role: 'Admin' }],
      },
    ],
    hubRecords: [
      {
        groupId: GROUP_A,
        collection: 'people',
        record: {
          first_name: 'Carla',
          last_name: 'Customer',
          email: { address: 'carla@example.com' },
          is_customer: true,
        },
      },
      {
        groupId: GROUP_A,
        collection: 'people',
        record: {
          first_name: 'Luke',
          last_name: 'Lead',
          email: { address: 'luke@example.com' },
          is_lead: true,
        },
      },
      {
        groupId: GROUP_A,
        collection: 'organizations',
        app: 'vTiger',
        record: { name: 'Supplies Inc', email: { address: 'sales@supplies.example.com' }, is_supplier: true },
      },
      {
        groupId: GROUP_A,
        collection: 'employees',
        app: 'OrangeHRM',
        record: { first_name: 'Eve', last_name: 'Employee', email: { address: 'eve@alpha.example.com' } },
      },
    ],
  };
}

/**
 * What the IdP signs in tests unless a test says otherwise: `TEST_SAML_SIGNING` (response, assertion or
 * both), so any suite can be run in each mode; `both` when unset.
 */
export function testSamlSigning(): SamlSigning {
  const mode = process.env.TEST_SAML_SIGNING ?? 'both';
  if (!SAML_SIGNING_MODES.includes(mode as SamlSigning)) {
    throw new Error(`TEST_SAML_SIGNING must be one of ${SAML_SIGNING_MODES.join(', ')}, got "${mode}"`);
  }
  return mode as SamlSigning;
}

/** Starts the platform emulator on a random port with `testSeed()` unless told otherwise. */
export function startTestPlatform(
  options: Partial<PlatformEmulatorOptions> & { clock?: Clock } = {},
): Promise<PlatformEmulator> {
  return startPlatformEmulator({
    seed: testSeed(),
    notifications: { bufferMs: 5, maxRecords: 100 },
    retry: { retryBaseMs: 5, maxAttempts: 4, timeoutMs: 2000 },
    ...options,
    knobs: { samlSigning: testSamlSigning(), ...options.knobs },
  });
}

export function basicAuth(apiId: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${apiId}:${apiKey}`).toString('base64')}`;
}

export const tenantAuth = () => basicAuth(TEST_TENANT.apiId, TEST_TENANT.apiKey);
