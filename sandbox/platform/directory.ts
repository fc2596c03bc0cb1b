import { createHash, timingSafeEqual } from 'node:crypto';

export const GROUP_ROLES = ['Member', 'Power User', 'Admin', 'Super Admin'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** The app id of the connector in the platform's marketplace. */
export const CONNECTOR_APP = 'constantcontact';

export interface PlatformTenant {
  id: string;
  name: string;
  apiId: string;
  apiKey: string;
}

export interface PlatformUser {
  uid: string;
  email: string;
  password: string;
  name: string;
  surname: string;
  /** ISO 3166 alpha-2 code, e.g. `US`. */
  country: string;
  /** The company the user says they work for (not an organization of the platform). */
  companyName: string;
}

export interface Membership {
  userUid: string;
  role: GroupRole;
}

export interface PlatformOrganization {
  /** The group uid, e.g. `cld-1234`: also the Connec! group id. */
  uid: string;
  /**
   * The organization's channel id, e.g. `org-fbte`: the SAML attribute `group_org_uid`, and the realm of
   * Connec!'s own id entries and the `channel_id` of its records.
   */
  channelId: string;
  tenant: string;
  name: string;
  email: string;
  currency: string;
  timezone: string;
  /** ISO 3166 alpha-2 code, e.g. `US`. */
  country: string;
  city: string;
  /** When the platform's free trial ends (ISO 8601). */
  freeTrialEndsAt: string;
  hasCreditCard: boolean;
  /** App ids installed in the organization; the connector is `constantcontact`. */
  apps: string[];
  members: Membership[];
  deleted: boolean;
}

export function safeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison neither throws nor leaks the secret's length.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Reads `Authorization: Basic ...`; null when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Who exists on the platform: tenants, users, organizations and their members. */
export class Directory {
  readonly tenants = new Map<string, PlatformTenant>();
  readonly users = new Map<string, PlatformUser>();
  readonly organizations = new Map<string, PlatformOrganization>();

  /** The tenant whose API id/key the Basic credentials carry, or null. */
  authenticateTenant(authorization: string | undefined): PlatformTenant | null {
    const credentials = parseBasicAuth(authorization);
    if (!credentials) return null;
    let found: PlatformTenant | null = null;
    for (const tenant of this.tenants.values()) {
      const ok = safeEqual(credentials.user, tenant.apiId) && safeEqual(credentials.password, tenant.apiKey);
      if (ok) found = tenant;
    }
    return found;
  }

  signIn(email: string, password: string): PlatformUser | null {
    const wanted = email.trim().toLowerCase();
    const user = [...this.users.values()].find((u) => u.email.toLowerCase() === wanted);
    return user && safeEqual(password, user.password) ? user : null;
  }

  /** A live organization of the tenant, or undefined (deleted ones are gone for every API). */
  organization(tenantId: string, uid: string): PlatformOrganization | undefined {
    const org = this.organizations.get(uid);
    return org && org.tenant === tenantId && !org.deleted ? org : undefined;
  }

  /** The channel id (`org-...`) of a group, deleted or not; undefined for an unknown group. */
  channelIdOf(groupUid: string): string | undefined {
    return this.organizations.get(groupUid)?.channelId;
  }

  organizationsOf(userUid: string): { organization: PlatformOrganization; role: GroupRole }[] {
    return [...this.organizations.values()]
      .filter((o) => !o.deleted)
      .flatMap((organization) => {
        const membership = organization.members.find((m) => m.userUid === userUid);
        return membership ? [{ organization, role: membership.role }] : [];
      });
  }
}
