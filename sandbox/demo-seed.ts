import type { CcContactInput, CcSeedAccount, CcSeedClient } from './constantcontact/index.ts';
import type { HubRecordSeed, OrganizationSeed, PlatformSeed } from './platform/seed.ts';
import { DEFAULT_SANDBOX_ORGS, MAX_SANDBOX_ORGS } from './sandbox-orgs.ts';

/**
 * The demo data of `npm run sandbox` (and of the connector's `npm start` when it runs against the sandbox):
 * one tenant with two organizations, a few dozen customers, suppliers, leads and employees in the hub, and
 * one CC account per organization whose contacts partly share emails with its hub records, written with
 * other case and spaces, so first-link matching has work to do. Deterministic: the same facts on every start.
 */
export interface DemoSeed {
  platform: PlatformSeed;
  cc: { accounts: CcSeedAccount[]; client: CcSeedClient };
  logins: {
    platform: { email: string; password: string; role: string }[];
    constantContact: DemoCcLogin[];
  };
}

/** A CC login of the demo, and the organization whose account it is. */
export interface DemoCcLogin {
  username: string;
  password: string;
  accountId: string;
  organization: string;
}

export const DEMO_TENANT = {
  id: 'sandbox',
  name: 'Sandbox Marketplace',
  apiId: 'sandbox-api-id',
  apiKey: 'sandbox-api-key',
};
export const DEMO_GROUPS = { bakery: 'cld-d3m0', bikes: 'cld-b1k3' } as const;
/** Every demo CC account shares this password, so any of them can be tried by hand. */
export const DEMO_CC_PASSWORD = 'cc-demo-password';

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Emma',
  'Farid',
  'Gina',
  'Hugo',
  'Ines',
  'Jon',
  'Kira',
  'Liam',
  'Mona',
  'Nils',
  'Olga',
  'Paul',
];
const LAST = [
  'Baker',
  'Cole',
  'Diaz',
  'Evans',
  'Fox',
  'Gupta',
  'Hale',
  'Ito',
  'Jones',
  'Kim',
  'Lopez',
  'Moss',
  'Nash',
  'Ortiz',
  'Park',
  'Quinn',
];

const address = (i: number) => ({
  billing: {
    line1: `${10 + i} Market Street`,
    city: 'Springfield',
    region: 'IL',
    postal_code: `627${String(i).padStart(2, '0')}`,
    country: 'US',
  },
});

function people(groupId: string, role: 'customer' | 'lead', count: number, offset: number): HubRecordSeed[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[(i + offset) % FIRST.length]!;
    const last = LAST[(i * 3 + offset) % LAST.length]!;
    return {
      groupId,
      collection: 'people' as const,
      app: role === 'lead' ? 'vTiger' : 'Xero',
      record: {
        first_name: first,
        last_name: last,
        job_title: i % 3 === 0 ? 'Owner' : 'Buyer',
        email: { address: `${first}.${last}@example.com`.toLowerCase() },
        address_work: address(i + offset),
        phone_work: { landline: `+1 217 555 ${String(1000 + i + offset)}` },
        is_customer: role === 'customer',
        is_lead: role === 'lead',
      },
    };
  });
}

function organizations(groupId: string, role: 'customer' | 'supplier', names: string[]): HubRecordSeed[] {
  return names.map((name, i) => ({
    groupId,
    collection: 'organizations' as const,
    app: 'Xero',
    record: {
      name,
      email: { address: `contact@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com` },
      phone: { landline: `+1 217 555 ${2000 + i}` },
      address: address(i + 40),
      website: { url: `https://${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com` },
      is_customer: role === 'customer',
      is_supplier: role === 'supplier',
    },
  }));
}

function employees(groupId: string, count: number, offset: number): HubRecordSeed[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[(i + offset + 7) % FIRST.length]!;
    const last = LAST[(i + offset + 5) % LAST.length]!;
    return {
      groupId,
      collection: 'employees' as const,
      app: 'OrangeHRM',
      record: {
        first_name: first,
        last_name: last,
        job_title: ['Baker', 'Cashier', 'Manager'][i % 3],
        email: { address: `${first}.${last}@staff.example.com`.toLowerCase() },
        phone_home: { mobile: `+1 217 555 ${3000 + i + offset}` },
      },
    };
  });
}

/**
 * The demo for `organizations` organizations (default 2, as `SANDBOX_ORGS`): the first two are always Demo
 * Bakery and Demo Bikes; the others are small, generated ones, for trying a fleet by hand. Each has its own
 * CC account and login.
 */
export function buildDemoSeed(options: { connectorUrl?: string; organizations?: number } = {}): DemoSeed {
  const connectorUrl = (options.connectorUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const count = options.organizations ?? DEFAULT_SANDBOX_ORGS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SANDBOX_ORGS) {
    throw new RangeError(`organizations must be a whole number from 1 to ${MAX_SANDBOX_ORGS} (got ${count})`);
  }
  const { bakery, bikes } = DEMO_GROUPS;
  const hubRecords: HubRecordSeed[] = [
    ...people(bakery, 'customer', 14, 0),
    ...people(bakery, 'lead', 6, 20),
    ...organizations(bakery, 'supplier', [
      'Flour Mill Co',
      'Sugar & Spice Ltd',
      'Dairy Direct',
      'Box Makers Inc',
    ]),
    ...organizations(bakery, 'customer', ['Corner Cafe', 'Hotel Springfield']),
    ...employees(bakery, 6, 0),
    // Records the connector must exclude with a reason: CC requires a valid email.
    {
      groupId: bakery,
      collection: 'people',
      app: 'Xero',
      record: { first_name: 'Nora', last_name: 'Noemail', is_customer: true },
    },
    {
      groupId: bakery,
      collection: 'people',
      app: 'Xero',
      record: {
        first_name: 'Ivan',
        last_name: 'Invalid',
        email: { address: 'ivan.invalid@' },
        is_customer: true,
      },
    },
    // Same person as a CC contact, written with other case and spaces.
    {
      groupId: bakery,
      collection: 'people',
      app: 'vTiger',
      record: {
        first_name: 'Sam',
        last_name: 'Shared',
        email: { address: '  Sam.Shared@Example.COM ' },
        is_lead: true,
      },
    },
  ];
  const bikesRecords = [
    ...people(bikes, 'customer', 6, 5),
    ...organizations(bikes, 'supplier', ['Chain Works', 'Tyre Town']),
    ...employees(bikes, 3, 9),
  ];
  if (count >= 2) hubRecords.push(...bikesRecords);

  const bakeryAccount: CcSeedAccount = {
    accountId: 'a07e1sandbox1',
    username: 'owner@demo-bakery.example',
    password: DEMO_CC_PASSWORD,
    organizationName: 'Demo Bakery',
    contactEmail: 'owner@demo-bakery.example',
    timeZoneId: 'America/Chicago',
    website: 'https://demo-bakery.example',
    lists: ['Newsletter'],
    contacts: [
      // Shared with hub customers (hub: ada.baker@example.com, ben.evans@example.com) in another case.
      contact('Ada.Baker@Example.com', 'Ada', 'Baker', ['Newsletter']),
      contact('BEN.EVANS@EXAMPLE.COM', 'Ben', 'Evans'),
      contact('sam.shared@example.com', 'Sam', 'Shared', ['Newsletter']),
      contact('contact@flourmillco.example.com', 'Flora', 'Miller'),
      // Only in CC: they become customers in the hub once shared.
      contact('walk.in@example.com', 'Wally', 'Walkin', ['Newsletter']),
      contact('market.stall@example.com', 'Marta', 'Stall'),
      contact('newsletter.fan@example.com', 'Nina', 'Fan', ['Newsletter']),
      contact('old.friend@example.com', 'Oscar', 'Friend'),
    ],
  };
  const bikesAccount: CcSeedAccount = {
    accountId: 'a07e1sandbox2',
    username: 'owner@demo-bikes.example',
    password: DEMO_CC_PASSWORD,
    organizationName: 'Demo Bikes',
    contactEmail: 'hello@demo-bikes.example',
    website: 'https://demo-bikes.example',
    lists: ['Riders'],
    contacts: [
      // Shared with hub records of Demo Bikes (farid.gupta@, gina.jones@, contact@chainworks.) in another case.
      contact('Farid.Gupta@Example.com', 'Farid', 'Gupta', ['Riders']),
      contact('GINA.JONES@EXAMPLE.COM', 'Gina', 'Jones'),
      contact('Contact@ChainWorks.Example.com', 'Carl', 'Chain'),
      // Only in CC.
      contact('trail.rider@example.com', 'Tess', 'Trail', ['Riders']),
      contact('spoke.fan@example.com', 'Sid', 'Spoke'),
    ],
  };

  const bikesOrganization: OrganizationSeed = {
    uid: bikes,
    tenant: DEMO_TENANT.id,
    name: 'Demo Bikes',
    email: 'hello@demo-bikes.example',
    members: [
      { userUid: 'usr-alice', role: 'Admin' },
      { userUid: 'usr-bob', role: 'Power User' },
    ],
  };
  const generated = Array.from({ length: Math.max(0, count - 2) }, (_, i) => generatedOrganization(i + 3));
  const ccAccounts = [
    bakeryAccount,
    ...(count >= 2 ? [bikesAccount] : []),
    ...generated.map((g) => g.account),
  ];
  const organizationNames = [
    'Demo Bakery',
    ...(count >= 2 ? ['Demo Bikes'] : []),
    ...generated.map((g) => g.organization.name),
  ];

  return {
    platform: {
      tenants: [DEMO_TENANT],
      users: [
        {
          uid: 'usr-alice',
          email: 'alice@sandbox.example',
          password: 'alice-password',
          name: 'Alice',
          surname: 'Owner',
        },
        {
          uid: 'usr-bob',
          email: 'bob@sandbox.example',
          password: 'bob-password',
          name: 'Bob',
          surname: 'Staff',
        },
      ],
      organizations: [
        {
          uid: bakery,
          tenant: DEMO_TENANT.id,
          name: 'Demo Bakery',
          email: 'owner@demo-bakery.example',
          timezone: 'America/Chicago',
          members: [
            { userUid: 'usr-alice', role: 'Super Admin' },
            { userUid: 'usr-bob', role: 'Member' },
          ],
          company: {
            email: { address: 'owner@demo-bakery.example' },
            address: address(99),
            website: { url: 'https://demo-bakery.example' },
          },
        },
        ...(count >= 2 ? [bikesOrganization] : []),
        ...generated.map((g) => g.organization),
      ],
      hubRecords: [...hubRecords, ...generated.flatMap((g) => g.hubRecords)],
    },
    cc: {
      accounts: ccAccounts,
      client: {
        clientId: 'cc-sandbox-client',
        clientSecret: 'cc-sandbox-secret',
        redirectUris: [`${connectorUrl}/constantcontact/oauth/callback`],
      },
    },
    logins: {
      platform: [
        {
          email: 'alice@sandbox.example',
          password: 'alice-password',
          role: roles('Super Admin', 'Admin', 'Admin', count),
        },
        {
          email: 'bob@sandbox.example',
          password: 'bob-password',
          role: roles('Member', 'Power User', 'Member', count),
        },
      ],
      constantContact: ccAccounts.map((account, i) => ({
        username: account.username,
        password: account.password,
        accountId: account.accountId,
        organization: organizationNames[i]!,
      })),
    },
  };
}

const contact = (
  email: string,
  first: string,
  last: string,
  lists: string[] = [],
): Partial<CcContactInput> => ({
  email,
  first_name: first,
  last_name: last,
  lists,
});

function roles(atBakery: string, atBikes: string, atOthers: string, count: number): string {
  if (count === 1) return `${atBakery} of Demo Bakery`;
  const others = count > 2 ? `, ${atOthers} of the ${count - 2} other organizations` : '';
  return `${atBakery} of Demo Bakery, ${atBikes} of Demo Bikes${others}`;
}

/** Group id of the n-th organization (n ≥ 3) of a larger sandbox. */
export function sandboxGroupId(n: number): string {
  return `cld-s${String(n).padStart(3, '0')}`;
}

/**
 * The n-th organization (n ≥ 3) of a larger sandbox: a few hub records, and a CC account whose contacts share
 * two of their emails in upper case, plus one only in CC.
 */
function generatedOrganization(n: number): {
  organization: OrganizationSeed;
  hubRecords: HubRecordSeed[];
  account: CcSeedAccount;
} {
  const groupId = sandboxGroupId(n);
  const name = `Sandbox Org ${n}`;
  const domain = `sandbox-org-${n}.example`;
  const hubRecords = [
    ...people(groupId, 'customer', 3, n),
    ...organizations(groupId, 'supplier', [`Supplier ${n}`]),
    ...employees(groupId, 1, n),
  ];
  const shared = hubRecords
    .filter((r) => r.collection === 'people')
    .slice(0, 2)
    .map((r) => {
      const record = r.record as { first_name: string; last_name: string; email: { address: string } };
      return contact(record.email.address.toUpperCase(), record.first_name, record.last_name);
    });
  return {
    organization: {
      uid: groupId,
      tenant: DEMO_TENANT.id,
      name,
      email: `owner@${domain}`,
      members: [
        { userUid: 'usr-alice', role: 'Admin' },
        { userUid: 'usr-bob', role: 'Member' },
      ],
    },
    hubRecords,
    account: {
      accountId: `a07e1sandbox${n}`,
      username: `owner@${domain}`,
      password: DEMO_CC_PASSWORD,
      organizationName: name,
      contactEmail: `owner@${domain}`,
      contacts: [...shared, contact(`fan@${domain}`, 'Fay', `Fan${n}`)],
    },
  };
}
