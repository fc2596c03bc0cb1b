import type { LocalTimes } from '../../time-text.ts';
import { html } from '../html.ts';
import { formatDate } from './format.ts';
import { layout } from './layout.ts';

export interface LinkConfirmationModel {
  organization: { id: string; name: string };
  accountName: string;
  /** The organization holding the account, or null when this user may not see its name. */
  otherOrganizationName: string | null;
  pendingId: string;
  expiresAt: string;
  /** The account's time zone (or the organization's), read now. */
  times: LocalTimes;
  csrfToken: string;
}

/**
 * Asked on the OAuth callback when the Constant Contact account is already linked to another organization:
 * one account serves one organization, so linking it here disconnects it there. Nothing moves until the
 * user confirms.
 */
export function renderLinkConfirmation(m: LinkConfirmationModel): string {
  const other = m.otherOrganizationName
    ? html`the organization <strong data-other-organization>${m.otherOrganizationName}</strong>`
    : html`<strong data-other-organization>another organization</strong>`;
  const action = `/organizations/${encodeURIComponent(m.organization.id)}/constantcontact/confirm-link`;
  const body = html`<h1>Move this Constant Contact account?</h1>
<section class="card" aria-labelledby="move-heading">
<h2 id="move-heading">Constant Contact account <span data-cc-account>${m.accountName}</span></h2>
<p class="notice info" role="status">This Constant Contact account is already connected to ${other}.</p>
<p>A Constant Contact account can be connected to one organization at a time. If you connect it to <strong>${m.organization.name}</strong>, it is disconnected from ${other}, which stops sharing with it and shows that it must reconnect.</p>
<p>If you cancel, nothing is connected here and the account stays connected to ${other}.</p>
<form method="post" action="${action}" class="actions">
<input type="hidden" name="_csrf" value="${m.csrfToken}">
<input type="hidden" name="pending" value="${m.pendingId}">
<button type="submit" name="decision" value="confirm" class="danger">Connect here and disconnect it there</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>
<p class="muted">Answer before ${formatDate(m.times, m.expiresAt)}; after that, start connecting again.</p>
</section>`;
  return layout({ title: 'Move this Constant Contact account?', body, csrfToken: m.csrfToken });
}
