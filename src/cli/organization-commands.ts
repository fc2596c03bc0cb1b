import type { Connector } from '../connector.ts';
import { NotFoundError } from '../db/db-errors.ts';
import { disconnect, lifecycleDeps, purge } from '../lifecycle/organization-lifecycle.ts';
import type { IdMap } from '../model/id-map.ts';
import type { Organization } from '../model/organization.ts';
import type { SyncRun } from '../model/sync-run.ts';
import { explainConflict, type SideChange, shownValue } from '../sync/record-history.ts';
import { readContactSnapshot } from '../sync/snapshot-codec.ts';
import { parseOptions, required } from './arguments.ts';

async function findOrganization(connector: Connector, values: Record<string, string>): Promise<Organization> {
  const tenant = required(values, 'tenant');
  const group = required(values, 'org');
  const organization = await connector.repositories.organizations.findByGroup(tenant, group);
  if (!organization)
    throw new NotFoundError(`No organization ${group} in tenant ${tenant}: it never launched the connector.`);
  return organization;
}

function describeRun(run: SyncRun): string {
  const side = (name: string, c: SyncRun['counts']['hub']) =>
    `${name}: ${c.created} created, ${c.updated} updated, ${c.linked} linked, ${c.excluded} excluded, ${c.failed} failed, ${c.unchanged} unchanged`;
  const seconds = run.finishedAt
    ? ((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)
    : '-';
  return [
    `${run.startedAt}  ${run.trigger}  ${run.status}  ${seconds} s${run.error ? `  ${run.error.code}: ${run.error.message}` : ''}`,
    `  ${side('Constant Contact', run.counts.cc)}`,
    `  ${side('Connec!', run.counts.hub)}`,
    ...run.notices.map((notice) => `  Note: ${notice}`),
  ].join('\n');
}

/** `sync --tenant T --org G [--json]`: one sync run now; exits 1 when it failed. */
export async function syncCommand(connector: Connector, args: readonly string[]): Promise<number> {
  const { values, flags } = parseOptions(args, { values: ['tenant', 'org'], flags: ['json'] });
  const organization = await findOrganization(connector, values);
  const scheduler = connector.sync.scheduler;
  if (!scheduler) {
    process.stderr.write('CC_CLIENT_ID and CC_CLIENT_SECRET are not set: nothing can be synced.\n');
    return 1;
  }
  const run = await scheduler.runNow(organization.id, 'manual');
  if (!run) {
    process.stderr.write(
      `Organization ${organization.groupUid} is being synced by another process; try again later.\n`,
    );
    return 1;
  }
  process.stdout.write(flags.has('json') ? `${JSON.stringify(run, null, 2)}\n` : `${describeRun(run)}\n`);
  return run.status === 'succeeded' ? 0 : 1;
}

/** A record's detail as `status --record` prints it: its link, the last change to each side, its last conflict. */
function describeRecord(map: IdMap): string {
  const history = readContactSnapshot(map.snapshot)?.history;
  const change = (c: SideChange | undefined) =>
    c ? `${c.fields.join(', ')} (${c.at})` : 'nothing written yet';
  return [
    `${map.hubCollection} ${map.hubId ?? '-'} <-> contact ${map.ccContactId ?? '-'}  ${map.email ?? ''}`,
    `  State: ${map.state}${map.reason ? `, ${map.reason}` : ''}; last synced ${map.lastSyncedAt ?? 'never'}`,
    `  Last change to Connec!: ${change(history?.toHub)}`,
    `  Last change to Constant Contact: ${change(history?.toCc)}`,
    ...(history?.conflicts
      ? [
          `  Last conflict (${history.conflicts.at}):`,
          ...history.conflicts.items.map(
            (c) =>
              `    ${c.field}: Connec! "${shownValue(c.hub)}", Constant Contact "${shownValue(c.cc)}"; kept ${c.chosen === 'hub' ? 'Connec!' : 'Constant Contact'}'s. ${explainConflict(c)}`,
          ),
        ]
      : ['  No conflict so far.']),
  ].join('\n');
}

/** `status ... --record K`: the records named by K (an email, a hub id or a CC contact id). */
async function recordStatus(connector: Connector, organization: Organization, key: string, json: boolean) {
  const maps = await connector.repositories.idMaps.findByAnyKey(organization.id, key);
  if (maps.length === 0) {
    process.stderr.write(`No record of ${organization.groupUid} has the email or id "${key}".\n`);
    return 1;
  }
  process.stdout.write(
    json ? `${JSON.stringify(maps, null, 2)}\n` : `${maps.map(describeRecord).join('\n\n')}\n`,
  );
  return 0;
}

/** `status --tenant T --org G [--record K] [--json]`: link state, last runs, records not shared and why. */
export async function statusCommand(connector: Connector, args: readonly string[]): Promise<number> {
  const { values, flags } = parseOptions(args, { values: ['tenant', 'org', 'record'], flags: ['json'] });
  const organization = await findOrganization(connector, values);
  if (values.record) return recordStatus(connector, organization, values.record, flags.has('json'));
  const { syncRuns, idMaps, sharedContacts } = connector.repositories;
  const runs = await syncRuns.listRecent(organization.id, 5);
  const counts = await idMaps.countByState(organization.id);
  const sharing = await sharedContacts.counts(organization.id);
  const companyProfile = await sharedContacts.companyProfile(organization.id);
  const notShared = await idMaps.page(organization.id, {
    states: ['excluded', 'failed', 'unlinked'],
    limit: 20,
    offset: 0,
  });
  const status = {
    organization: {
      tenant: organization.tenant,
      group: organization.groupUid,
      name: organization.name,
      constantContact: organization.ccAccount,
      linkedAt: organization.linkedAt,
      needsReconnect: organization.needsReconnect,
      deletedAt: organization.deletedAt,
      syncEnabled: organization.syncEnabled,
    },
    records: counts,
    /** Contacts are counted once however many hub records share them. */
    contacts: { shared: sharing.shared.contacts, fromRecords: sharing.shared.records },
    runs,
    notShared: notShared.items.map((m) => ({
      collection: m.hubCollection,
      hubId: m.hubId,
      ccContactId: m.ccContactId,
      state: m.state,
      reason: m.reason,
      nextRetryAt: m.nextRetryAt,
    })),
    notSharedTotal: notShared.total,
  };
  if (flags.has('json')) {
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${organization.name} (${organization.tenant}/${organization.groupUid})`,
    organization.deletedAt
      ? `Deleted on the platform on ${organization.deletedAt}: nothing is shared.`
      : organization.ccAccount
        ? `Linked to Constant Contact account "${organization.ccAccount.name}" since ${organization.linkedAt}.`
        : 'Not linked to Constant Contact.',
    ...(organization.needsReconnect
      ? [`Needs reconnect since ${organization.needsReconnect.since}: ${organization.needsReconnect.reason}`]
      : []),
    `Shared: ${plural(sharing.shared.contacts, 'contact')}, from ${plural(sharing.shared.records, 'Connec! record')}${companyProfile ? ', and the company profile' : ''}.`,
    `Not shared: ${counts.excluded} excluded, ${counts.failed} failing, ${counts.unlinked} deleted in Constant Contact (records).`,
    '',
    runs.length ? 'Last runs:' : 'No runs yet.',
    ...runs.map(describeRun),
    '',
    notShared.total ? `Not shared (${notShared.total}):` : 'Every record is shared.',
    ...status.notShared.map((m) => `  ${m.collection} ${m.hubId ?? m.ccContactId}: ${m.state}, ${m.reason}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/**
 * `disconnect --tenant T --org G`: what the page's Disconnect does, for an operator: runs stopped, the CC
 * token revoked, the link and what the connector knew of the account erased, the audit log told.
 */
export async function disconnectCommand(connector: Connector, args: readonly string[]): Promise<number> {
  const { values } = parseOptions(args, { values: ['tenant', 'org'], flags: [] });
  const organization = await findOrganization(connector, values);
  if (!organization.ccAccount) {
    process.stdout.write(`${organization.name} is not linked to Constant Contact; nothing to disconnect.\n`);
    return 0;
  }
  await disconnect(lifecycleOf(connector), organization, 'operator');
  process.stdout.write(
    `Disconnected ${organization.name} from Constant Contact account "${organization.ccAccount.name}".\n`,
  );
  return 0;
}

/**
 * `purge --tenant T --org G --yes`: what the platform's organization-deleted notice does, by hand: sharing
 * stops for good and the organization's personal data is erased. Without `--yes` it only says what it
 * would do.
 */
export async function purgeCommand(connector: Connector, args: readonly string[]): Promise<number> {
  const { values, flags } = parseOptions(args, { values: ['tenant', 'org'], flags: ['yes'] });
  const organization = await findOrganization(connector, values);
  if (!flags.has('yes')) {
    process.stdout.write(
      `This stops sharing for ${organization.name} for good and erases its records, the copy of its ` +
        'Constant Contact contacts, its runs and its members. It cannot be undone. Add --yes to do it.\n',
    );
    return 2;
  }
  const erased = await purge(lifecycleOf(connector), organization, 'operator');
  process.stdout.write(
    `Erased ${organization.name}: ${erased.records} records, ${erased.contacts} Constant Contact contacts, ` +
      `${erased.runs} runs, ${erased.members} memberships, ${erased.users} users. Sharing is stopped for good.\n`,
  );
  return 0;
}

function lifecycleOf(connector: Connector) {
  const { cc, scheduler } = connector.sync;
  return lifecycleDeps({
    repos: connector.repositories,
    scheduler,
    logger: connector.logger,
    cc,
    alerts: connector.alerts,
  });
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
