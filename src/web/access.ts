import type { FastifyRequest } from 'fastify';
import type { Organization } from '../model/organization.ts';
import { canChangeSettings, type Membership } from '../model/user.ts';
import type { WebContext } from './context.ts';
import { AdminOnlyError, NotAMemberError, NotSignedInError, OrganizationGoneError } from './errors.ts';
import type { Session } from './session/session.ts';

export interface MemberAccess {
  session: Session;
  organization: Organization;
  membership: Membership;
  canChange: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organization, if the signed-in user is a member of it now (memberships are read on every request, so
 * a member removed on the platform loses access at once). An unknown id and an organization of someone
 * else answer the same, so ids cannot be probed.
 */
export async function memberAccess(
  ctx: WebContext,
  req: FastifyRequest,
  organizationId: string,
): Promise<MemberAccess> {
  const session = req.session;
  if (!session) {
    throw new NotSignedInError('You are not signed in. Open the connector from your platform dashboard.');
  }
  const notMember = () => new NotAMemberError('You are not a member of this organization.');
  if (!UUID.test(organizationId)) throw notMember();
  const [membership, organization] = await Promise.all([
    ctx.repos.users.findMembership(session.userId, organizationId),
    ctx.repos.organizations.find(organizationId),
  ]);
  if (!organization || organization.tenant !== session.tenant) throw notMember();
  // Its memberships were erased with it, so the member cannot be told apart: a deleted organization of
  // the user's platform says it is gone (its id is unguessable, and nothing of it is shown).
  if (organization.deletedAt) {
    throw new OrganizationGoneError(
      'This organization was deleted on the platform. The connector no longer shares its data and has erased what it held of it.',
    );
  }
  if (!membership) throw notMember();
  return { session, organization, membership, canChange: canChangeSettings(membership.role) };
}

export async function adminAccess(
  ctx: WebContext,
  req: FastifyRequest,
  organizationId: string,
): Promise<MemberAccess> {
  const access = await memberAccess(ctx, req, organizationId);
  if (!access.canChange) {
    throw new AdminOnlyError('Only an Admin or Super Admin of the organization can do this.');
  }
  return access;
}
