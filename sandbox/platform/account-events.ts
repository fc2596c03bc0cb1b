import type { Deliverer } from './delivery.ts';
import { CONNECTOR_APP, type Directory, type PlatformOrganization } from './directory.ts';

/** Something asked of the directory cannot be done; the message says why. */
export class AccountEventError extends Error {}

/**
 * Account changes made in the dashboard and the webhooks they fire on the connector (HTTP Basic with the
 * tenant's credentials): an organization deleted, a member removed.
 */
export class AccountEvents {
  readonly #directory: Directory;
  readonly #deliverer: Deliverer;

  constructor(directory: Directory, deliverer: Deliverer) {
    this.#directory = directory;
    this.#deliverer = deliverer;
  }

  #live(uid: string): PlatformOrganization {
    const organization = this.#directory.organizations.get(uid);
    if (!organization || organization.deleted) throw new AccountEventError(`no organization ${uid}`);
    return organization;
  }

  deleteOrganization(uid: string): void {
    const organization = this.#live(uid);
    organization.deleted = true;
    if (!organization.apps.includes(CONNECTOR_APP)) return;
    const path = `/maestrano/account/groups/${encodeURIComponent(uid)}/${encodeURIComponent(organization.tenant)}`;
    this.#deliverer.send('account', organization.tenant, 'DELETE', path);
  }

  removeMember(uid: string, userUid: string): void {
    const organization = this.#live(uid);
    const before = organization.members.length;
    organization.members = organization.members.filter((m) => m.userUid !== userUid);
    if (organization.members.length === before)
      throw new AccountEventError(`${userUid} is not a member of ${uid}`);
    if (!organization.apps.includes(CONNECTOR_APP)) return;
    const path = `/maestrano/account/groups/${encodeURIComponent(uid)}/users/${encodeURIComponent(userUid)}/${encodeURIComponent(organization.tenant)}`;
    this.#deliverer.send('account', organization.tenant, 'DELETE', path);
  }
}
