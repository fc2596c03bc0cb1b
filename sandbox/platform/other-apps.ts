import { CONNECTOR_APP, type Directory } from './directory.ts';
import { type HubApi, type HubResponse, hubError } from './hub-api.ts';
import type { HubCollection } from './hub-store.ts';

/** The apps a person can act as from the sandbox page. Any other name works through the API. */
export const OTHER_APPS = ['Xero', 'vTiger', 'OrangeHRM'] as const;

export interface AppWrite {
  app: string;
  groupId: string;
  collection: HubCollection;
  record: Record<string, unknown>;
  /** Update this record (a Connec! id) rather than create one. */
  connecId?: string;
  /** False for seed data, which exists before the connector does. */
  notify?: boolean;
}

/**
 * Other apps of an organization (accounting, CRM, HR) writing into Connec!. Each registers its own id entry
 * on what it creates, as real apps do, and every change it makes is notified to the connector.
 */
export class OtherApps {
  readonly #hub: HubApi;
  readonly #directory: Directory;
  #counter = 0;

  constructor(hub: HubApi, directory: Directory) {
    this.#hub = hub;
    this.#directory = directory;
  }

  write(write: AppWrite): HubResponse {
    const provider = write.app.toLowerCase();
    if (!/^[a-z][\w-]*$/.test(provider))
      return hubError(400, 'Invalid app', `"${write.app}" is not an app name`);
    if (provider === CONNECTOR_APP) {
      return hubError(400, 'Invalid app', 'the connector writes through the Connec! API, not as another app');
    }
    const organization = this.#directory.organizations.get(write.groupId);
    const tenant =
      organization && !organization.deleted ? this.#directory.tenants.get(organization.tenant) : undefined;
    if (!organization || !tenant) return hubError(404, 'Group not found', `no organization ${write.groupId}`);
    const record = { ...write.record };
    if (write.connecId === undefined && write.collection !== 'company' && record.id === undefined) {
      record.id = [{ id: `${provider}-${++this.#counter}`, provider, realm: `${provider}-${write.groupId}` }];
    }
    const path = `/api/v2/${encodeURIComponent(write.groupId)}/${write.collection}`;
    return this.#hub.handle({
      tenant,
      actor: write.notify === false ? { kind: 'seed' } : { kind: 'app', app: write.app },
      method: write.connecId === undefined ? 'POST' : 'PUT',
      url: write.connecId === undefined ? path : `${path}/${encodeURIComponent(write.connecId)}`,
      body: { [write.collection]: record },
      externalIds: true,
    });
  }
}
