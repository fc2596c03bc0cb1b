// Why an organization must connect Constant Contact again, in words its members read on the connector page
// and in `cli status`. Dates are UTC, as everywhere on the page.

function when(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The account was moved to another organization. `organizationName` is null when the readers of this
 * reason may not see that organization's name (it belongs to another tenant).
 */
export function linkedElsewhereReason(input: {
  accountName: string;
  organizationName: string | null;
  at: Date;
}): string {
  const where = input.organizationName ? `organization "${input.organizationName}"` : 'another organization';
  return `Constant Contact account "${input.accountName}" was linked to ${where} on ${when(input.at)}; reconnect to share again.`;
}

/**
 * CC refused the refresh token (`invalid_grant`). CC ends an account's earlier authorizations when it is
 * authorized again, which is by far the likeliest cause; the connector cannot see who did it.
 */
export function grantRefusedReason(input: { accountName: string; at: Date }): string {
  return (
    `Constant Contact stopped accepting this organization's authorization of account "${input.accountName}" on ${when(input.at)}, ` +
    'most likely because the account was authorized again elsewhere (another organization or another installation of the connector), which ends earlier authorizations; reconnect to share again.'
  );
}
