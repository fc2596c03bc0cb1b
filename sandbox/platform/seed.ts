import { CONNECTOR_APP, type Directory, type GroupRole } from './directory.ts';
import type { HubCollection, HubStore } from './hub-store.ts';
import type { OtherApps } from './other-apps.ts';

export interface TenantSeed {
  id: string;
  name?: string;
  apiId: string;
  apiKey: string;
}

export interface UserSeed {
  uid: string;
  email: string;
  password: string;
  name: string;
  surname: string;
  /** Defaults to `US`. */
  country?: string;
  /** Defaults to none (an empty attribute). */
  companyName?: string;
}

export interface OrganizationSeed {
  /** The group uid, e.g. `cld-1234`. */
  uid: string;
  /** The channel id, e.g. `org-1234`; defaults to `org-` and the group uid without its `cld-` prefix. */
  channelId?: string;
  tenant: string;
  name: string;
  email?: string;
  currency?: string;
  timezone?: string;
  /** Defaults to `US`. */
  country?: string;
  /** Defaults to `New York`. */
  city?: string;
  /** Defaults to 30 days after the sandbox starts. */
  freeTrialEndsAt?: string;
  /** Defaults to false. */
  hasCreditCard?: boolean;
  /** Installed apps; defaults to the connector plus Xero, vTiger and OrangeHRM. */
  apps?: string[];
  members: { userUid: string; role: GroupRole }[];
  /** Fields of the group's company record; `name` defaults to the organization's. */
  company?: Record<string, unknown>;
}

/** A record already in the hub when the sandbox starts, written by another app (no notification). */
export interface HubRecordSeed {
  groupId: string;
  collection: Exclude<HubCollection, 'company'>;
  /** The app that wrote it; its id entry is added. Defaults to Xero. */
  app?: string;
  record: Record<string, unknown>;
}

export interface PlatformSeed {
  tenants: TenantSeed[];
  users?: UserSeed[];
  organizations?: OrganizationSeed[];
  hubRecords?: HubRecordSeed[];
}

export const DEFAULT_APPS = [CONNECTOR_APP, 'Xero', 'vTiger', 'OrangeHRM'];

export const defaultChannelId = (groupUid: string) => `org-${groupUid.replace(/^cld-/, '')}`;

const FREE_TRIAL_MS = 30 * 24 * 3600_000;

/**
 * Loads a seed into an empty platform; throws on references to unknown tenants, users or groups, and on two
 * organizations sharing a channel id.
 */
export function applySeed(
  seed: PlatformSeed,
  directory: Directory,
  store: HubStore,
  apps: OtherApps,
  now: Date = new Date(),
): void {
  for (const t of seed.tenants) {
    directory.tenants.set(t.id, { id: t.id, name: t.name ?? t.id, apiId: t.apiId, apiKey: t.apiKey });
  }
  for (const u of seed.users ?? []) {
    directory.users.set(u.uid, { ...u, country: u.country ?? 'US', companyName: u.companyName ?? '' });
  }
  const channels = new Map<string, string>();
  for (const o of seed.organizations ?? []) {
    if (!directory.tenants.has(o.tenant))
      throw new Error(`seed: organization ${o.uid} names unknown tenant ${o.tenant}`);
    for (const m of o.members) {
      if (!directory.users.has(m.userUid))
        throw new Error(`seed: organization ${o.uid} names unknown user ${m.userUid}`);
    }
    const channelId = o.channelId ?? defaultChannelId(o.uid);
    const sharing = channels.get(channelId);
    if (sharing !== undefined)
      throw new Error(`seed: organizations ${sharing} and ${o.uid} share the channel id ${channelId}`);
    channels.set(channelId, o.uid);
    directory.organizations.set(o.uid, {
      uid: o.uid,
      channelId,
      tenant: o.tenant,
      name: o.name,
      email: o.email ?? `admin@${o.uid}.example.com`,
      currency: o.currency ?? 'USD',
      timezone: o.timezone ?? 'America/New_York',
      country: o.country ?? 'US',
      city: o.city ?? 'New York',
      freeTrialEndsAt: o.freeTrialEndsAt ?? new Date(now.getTime() + FREE_TRIAL_MS).toISOString(),
      hasCreditCard: o.hasCreditCard ?? false,
      apps: o.apps ?? DEFAULT_APPS,
      members: o.members.map((m) => ({ ...m })),
      deleted: false,
    });
    store.write(o.uid, 'company', { name: o.name, timezone: o.timezone ?? 'America/New_York', ...o.company });
  }
  for (const r of seed.hubRecords ?? []) {
    if (!directory.organizations.has(r.groupId))
      throw new Error(`seed: hub record names unknown group ${r.groupId}`);
    apps.write({
      app: r.app ?? 'Xero',
      groupId: r.groupId,
      collection: r.collection,
      record: r.record,
      notify: false,
    });
  }
}
