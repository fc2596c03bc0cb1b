import type { AlertNotices } from '../alerts/alert-monitor.ts';
import type { ConstantContactClient } from '../constantcontact/client.ts';
import { CcAccountAlreadyLinkedError } from '../db/db-errors.ts';
import type { MemberKey } from '../db/repositories/access-changes.ts';
import type { AuditEvent } from '../db/repositories/audit-log.ts';
import type { Repositories } from '../db/repositories/index.ts';
import type { PendingLink } from '../db/repositories/pending-links.ts';
import type { Erased } from '../db/repositories/personal-data.ts';
import type { SyncScheduler } from '../jobs/sync-scheduler.ts';
import type { Logger } from '../logger.ts';
import { MAPPINGS } from '../mapping/registry.ts';
import type { CcAccount, CcTokens, Organization, OrganizationSettingsInput } from '../model/organization.ts';

/**
 * What changing an organization's link or settings touches: the database, the runs (a run must not go on
 * writing with a link being taken away), Constant Contact (tokens revoked) and the audit log. The web
 * routes and the command line both go through here, so the two cannot drift apart.
 */
export interface LifecycleDeps {
  repos: Repositories;
  scheduler: SyncScheduler | null;
  logger: Logger;
  /** Revokes a refresh token at CC; none when CC is not configured. Best effort: see `revokeQuietly`. */
  revoke: ((refreshToken: string) => Promise<void>) | null;
  /** Told when an organization's link changes, so its admins hear of a reconnect asked for or done. */
  alerts?: AlertNotices | null;
}

/** The lifecycle's dependencies from the parts a web process or the command line holds. */
export function lifecycleDeps(parts: {
  repos: Repositories;
  scheduler: SyncScheduler | null;
  logger: Logger;
  cc: Pick<ConstantContactClient, 'oauth'> | null;
  alerts?: AlertNotices | null;
}): LifecycleDeps {
  const { cc } = parts;
  return {
    repos: parts.repos,
    scheduler: parts.scheduler,
    logger: parts.logger,
    revoke: cc ? (refreshToken) => cc.oauth.revoke(refreshToken) : null,
    alerts: parts.alerts ?? null,
  };
}

/**
 * Who asked: a user's id, `platform` (its webhooks), `operator` (the command line) or `connector` (what it
 * does on its own, such as handing back an authorization nobody confirmed).
 */
export type Actor = string;

/** Best effort: a token CC no longer knows is as good as revoked, and the link is erased anyway. */
export async function revokeQuietly(deps: LifecycleDeps, organizationId: string, refreshToken: string) {
  await deps.revoke?.(refreshToken).catch((error: unknown) => {
    deps.logger.warn({ organizationId, err: error }, 'revoking a Constant Contact token failed');
  });
}

/** Records what happened to an organization, by whom, in its audit log (ids only, no personal data). */
async function audit(
  deps: LifecycleDeps,
  organization: Organization,
  actor: Actor,
  event: AuditEvent,
  details: Record<string, unknown>,
): Promise<void> {
  await deps.repos.auditLog.record({
    tenant: organization.tenant,
    organizationId: organization.id,
    actor,
    event,
    details,
  });
}

/** What the connector knew of a CC account goes with the link: a later link is a first link again. */
async function forgetAccount(repos: Repositories, organizationId: string): Promise<void> {
  await repos.idMaps.clear(organizationId);
  await repos.ccMirror.clear(organizationId);
  await repos.cursors.reset(organizationId);
}

/**
 * Links the organization to a CC account (relinking its own account only renews its tokens) and asks for
 * its first run. `taken` when another organization took the account meanwhile (the tokens are revoked).
 */
export async function linkAccount(
  deps: LifecycleDeps,
  organization: Organization,
  account: CcAccount,
  tokens: CcTokens,
  actor: Actor,
): Promise<'linked' | 'taken'> {
  try {
    await deps.repos.organizations.link(organization.id, account, tokens);
  } catch (error) {
    if (!(error instanceof CcAccountAlreadyLinkedError)) throw error;
    await revokeQuietly(deps, organization.id, tokens.refreshToken);
    return 'taken';
  }
  // A relink ends a wait for a reconnect.
  deps.alerts?.notice(organization.id);
  await announceLink(deps, organization, account, actor);
  return 'linked';
}

/**
 * Moves a CC account from the organization holding it to `organization`, after its user confirmed: the
 * earlier one stops (its runs cancelled, what it knew of the account forgotten) and says why it must
 * reconnect. `taken` when a third organization took the account meanwhile.
 */
export async function moveAccount(
  deps: LifecycleDeps,
  move: { from: Organization; to: Organization; account: CcAccount; tokens: CcTokens; reason: string },
  actor: Actor,
): Promise<'linked' | 'taken'> {
  const { from, to, account, tokens } = move;
  await deps.scheduler?.cancel(from.id);
  try {
    await deps.repos.organizations.transferAccount(from.id, to.id, account, tokens, move.reason);
  } catch (error) {
    if (!(error instanceof CcAccountAlreadyLinkedError)) throw error;
    await revokeQuietly(deps, to.id, tokens.refreshToken);
    return 'taken';
  }
  // The earlier organization now waits for a reconnect; the new one may have been waiting for one.
  deps.alerts?.notice(from.id);
  deps.alerts?.notice(to.id);
  await forgetAccount(deps.repos, from.id);
  await audit(deps, from, actor, 'organization.cc_account_moved', {
    ccAccountId: account.id,
    toOrganizationId: to.id,
  });
  await announceLink(deps, to, account, actor);
  return 'linked';
}

/**
 * An authorization a user obtained for an account another organization holds, and did not use (they
 * cancelled, or let the confirmation expire). CC ended the holder's refresh token when it issued this one,
 * so the holder takes it and goes on sharing; when no other organization holds the account any more, it is
 * revoked instead. Answers whether the holder took it.
 */
export async function handBackAuthorization(
  deps: LifecycleDeps,
  pending: PendingLink,
  actor: Actor,
): Promise<boolean> {
  const { account, tokens } = pending;
  const holder = await deps.repos.organizations.findByCcAccount(account.id);
  const renewed =
    holder !== null &&
    holder.id !== pending.organizationId &&
    (await deps.repos.organizations.renewAuthorization(holder.id, account.id, tokens));
  if (!holder || !renewed) {
    await revokeQuietly(deps, pending.organizationId, tokens.refreshToken);
    return false;
  }
  await audit(deps, holder, actor, 'organization.authorization_renewed', {
    ccAccountId: account.id,
    fromOrganizationId: pending.organizationId,
  });
  // Its runs had stopped to wait for a reconnect: this is one, so they start again as after a reconnect.
  if (holder.needsReconnect) deps.scheduler?.request(holder.id, 'first_link');
  // Its wait for a reconnect, if any, is over: its admins hear it works again.
  deps.alerts?.notice(holder.id);
  return true;
}

/**
 * Hands back the authorizations of confirmations nobody answered in time (see `handBackAuthorization`), so
 * a user walking away does not leave the holder needing a reconnect. Run now and then by the scheduler's
 * housekeeping, in any process: each pending link is taken by one. Returns how many it settled.
 */
export async function settleExpiredLinks(deps: LifecycleDeps): Promise<number> {
  const expired = await deps.repos.pendingLinks.takeExpired();
  for (const pending of expired) {
    const renewed = await handBackAuthorization(deps, pending, 'connector');
    deps.logger.info(
      { organizationId: pending.organizationId, ccAccountId: pending.account.id, renewed },
      renewed
        ? 'a confirmation to move a Constant Contact account expired; the holder took its authorization'
        : 'a confirmation to move a Constant Contact account expired; its authorization was revoked',
    );
  }
  return expired.length;
}

async function announceLink(
  deps: LifecycleDeps,
  organization: Organization,
  account: CcAccount,
  actor: Actor,
) {
  await audit(deps, organization, actor, 'organization.linked', { ccAccountId: account.id });
  deps.scheduler?.request(organization.id, 'first_link');
  deps.logger.info({ organizationId: organization.id, ccAccountId: account.id }, 'Constant Contact linked');
}

/** Disconnects CC: runs stopped, the token revoked, the link and all the connector knew of the account erased. */
export async function disconnect(
  deps: LifecycleDeps,
  organization: Organization,
  actor: Actor,
): Promise<void> {
  await deps.scheduler?.cancel(organization.id);
  const tokens = await deps.repos.organizations.getTokens(organization.id);
  if (tokens) await revokeQuietly(deps, organization.id, tokens.refreshToken);
  await deps.repos.organizations.unlink(organization.id);
  // Disconnected on purpose: an episode under way ends without a recovery email.
  deps.alerts?.notice(organization.id);
  await forgetAccount(deps.repos, organization.id);
  await audit(deps, organization, actor, 'organization.unlinked', {
    ccAccountId: organization.ccAccount?.id ?? null,
  });
}

/**
 * DESIGN 4.7: the organization was deleted on the platform; sharing stops at once and for good, and its
 * personal data is erased (see `purge`). A second notice changes nothing.
 */
export async function organizationDeleted(deps: LifecycleDeps, organization: Organization): Promise<void> {
  if (organization.deletedAt) return;
  const erased = await stopAndErase(deps, organization);
  await audit(deps, organization, 'platform', 'organization.deleted', {
    groupUid: organization.groupUid,
    ccAccountId: organization.ccAccount?.id ?? null,
    erased,
  });
  deps.logger.info(
    { organizationId: organization.id, erased },
    'organization deleted on the platform: sharing stopped, personal data erased',
  );
}

/**
 * What an operator does by hand (`cli purge`) when the platform's notice never came, or to erase again:
 * the same as the organization being deleted. Its records, the connector's copy of its contacts, its runs,
 * its members' memberships (and the users left with none) are erased; its row and audit log stay, with
 * ids and counts only.
 */
export async function purge(deps: LifecycleDeps, organization: Organization, actor: Actor): Promise<Erased> {
  const erased = await stopAndErase(deps, organization);
  await audit(deps, organization, actor, 'organization.purged', { groupUid: organization.groupUid, erased });
  return erased;
}

async function stopAndErase(deps: LifecycleDeps, organization: Organization): Promise<Erased> {
  await deps.scheduler?.cancel(organization.id);
  const tokens = await deps.repos.organizations.getTokens(organization.id).catch(() => null);
  if (tokens) await revokeQuietly(deps, organization.id, tokens.refreshToken);
  if (!organization.deletedAt) await deps.repos.organizations.markDeleted(organization.id);
  return deps.repos.personalData.eraseOrganization(organization.id);
}

/**
 * The platform removed a member: the membership goes (with it, access to the page), and a sign-in issued
 * before now can no longer bring it back. Recorded even for a member the connector has not seen yet.
 */
export async function memberRemoved(deps: LifecycleDeps, member: MemberKey): Promise<void> {
  await deps.repos.accessChanges.recordLowered(member);
  const [organization, user] = await Promise.all([
    deps.repos.organizations.findByGroup(member.tenant, member.groupUid),
    deps.repos.users.find(member.tenant, member.userUid),
  ]);
  if (!organization || !user) return;
  if (!(await deps.repos.users.removeMembership(user.id, organization.id))) return;
  // A member of no organization any more: their name and email have no reason to stay.
  const erased = await deps.repos.users.removeIfNoMemberships(user.id);
  await audit(deps, organization, 'platform', 'member.removed', { userId: user.id, userErased: erased });
}

/**
 * Changes what is shared (directions, winning side, hard deletes). A change is audited by name and shared
 * at once by a run; saving the same settings again changes nothing.
 */
export async function changeSettings(
  deps: LifecycleDeps,
  organization: Organization,
  patch: OrganizationSettingsInput,
  actor: Actor,
): Promise<Organization> {
  const updated = await deps.repos.organizations.updateSettings(organization.id, patch);
  const before = organization.settings;
  const after = updated.settings;
  const changed = [
    ...MAPPINGS.collections
      .filter((c) => MAPPINGS.directionOf(before.directions, c) !== MAPPINGS.directionOf(after.directions, c))
      .map((c) => `directions.${c}`),
    ...(before.conflictWinner !== after.conflictWinner ? ['conflictWinner'] : []),
    ...(before.hardDeletes !== after.hardDeletes ? ['hardDeletes'] : []),
  ];
  if (changed.length === 0) return updated;
  await audit(deps, organization, actor, 'organization.settings_changed', { changed });
  if (updated.ccAccount) deps.scheduler?.request(organization.id, 'manual');
  return updated;
}

/**
 * The irreversible opt-in to sharing historical data: records kept back are read again from the start
 * (cursors reset) by a run of its own.
 */
export async function shareHistorical(deps: LifecycleDeps, organization: Organization, actor: Actor) {
  if (!organization.settings.shareHistorical) {
    await deps.repos.organizations.updateSettings(organization.id, { shareHistorical: true });
    await deps.repos.cursors.reset(organization.id);
    await audit(deps, organization, actor, 'organization.settings_changed', { changed: ['shareHistorical'] });
  }
  if (organization.ccAccount) deps.scheduler?.request(organization.id, 'historical');
}
