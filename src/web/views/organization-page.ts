import type { SharingCounts } from '../../model/contact-with-records.ts';
import type { IdMap } from '../../model/id-map.ts';
import type { Organization } from '../../model/organization.ts';
import type { SyncRun } from '../../model/sync-run.ts';
import type { Role } from '../../model/user.ts';
import type { LocalTimes } from '../../time-text.ts';
import { html, type SafeHtml } from '../html.ts';
import { notSharedText, sharedText } from './counts.ts';
import { formatWhen } from './format.ts';
import { layout } from './layout.ts';
import { type NoticeKey, renderNotice } from './notices.ts';
import { renderReasonFilter } from './reason-filter.ts';
import { type PageLinks, renderNotShared } from './records.ts';
import { renderRunChart, renderRunHistory } from './run-history.ts';
import { renderSettings } from './settings.ts';
import { renderSharedContacts, type SharedContactsModel } from './shared-contacts.ts';
import { type ProgressState, renderProgress } from './sync-progress.ts';

/** How many runs the history table lists. */
export const HISTORY_ROWS = 20;

export interface OrganizationPageModel {
  organization: Organization;
  role: Role;
  canChange: boolean;
  csrfToken: string;
  notice: NoticeKey | null;
  progress: ProgressState;
  /** The organization's time zone, read now: every time on the page is shown in it. */
  times: LocalTimes;
  /** The latest runs, newest first: the chart shows up to `CHART_RUNS`, the table `HISTORY_ROWS`. */
  runs: SyncRun[];
  shared: Omit<SharedContactsModel, 'base' | 'times'>;
  notShared: {
    items: IdMap[];
    names: ReadonlyMap<string, string>;
    links: PageLinks;
    /** Why records are not shared, with how many; the one shown alone, if any. */
    reasons: ReadonlyArray<{ reason: string; count: number }>;
    reason: string | null;
  };
  counts: SharingCounts;
  ccConfigured: boolean;
}

/** Why the organization must connect again, shown above its link state; nothing when it need not. */
function reconnectNotice(m: OrganizationPageModel): SafeHtml {
  const waiting = m.organization.needsReconnect;
  if (!waiting) return html``;
  return html`<p class="notice error" role="alert" data-needs-reconnect><strong>Needs reconnect.</strong> ${waiting.reason} <span class="muted">(since ${formatWhen(m.times, waiting.since)})</span></p>`;
}

function linkSection(m: OrganizationPageModel, base: string): SafeHtml {
  const { organization } = m;
  const csrf = html`<input type="hidden" name="_csrf" value="${m.csrfToken}">`;
  const reconnecting = Boolean(organization.needsReconnect);
  const connectForm = html`<form method="post" action="${base}/constantcontact/connect">${csrf}<button type="submit">${reconnecting ? 'Reconnect to Constant Contact' : 'Connect to Constant Contact'}</button></form>`;
  if (!organization.ccAccount) {
    return html`${reconnectNotice(m)}<p class="status"><span class="dot" aria-hidden="true"></span> Not connected to Constant Contact</p>
<p>Connect the organization's Constant Contact account to share its customers, suppliers, leads and employees with your other apps.</p>
${m.canChange ? connectForm : html`<p class="muted">An Admin or Super Admin of the organization can connect it.</p>`}`;
  }
  return html`${reconnectNotice(m)}<p class="status"><span class="dot${reconnecting ? '' : ' on'}" aria-hidden="true"></span> ${reconnecting ? 'Constant Contact needs reconnecting' : 'Connected to Constant Contact'}</p>
<dl class="facts"><dt>Account</dt><dd data-cc-account>${organization.ccAccount.name || organization.ccAccount.id}</dd>
<dt>Connected since</dt><dd>${formatWhen(m.times, organization.linkedAt)}</dd>
<dt>Shared</dt><dd data-count="shared">${sharedText(m.counts.shared)}${m.shared.companyProfile ? ', and the company profile' : ''}</dd>
<dt>Not shared</dt><dd data-count="not-shared">${notSharedText(m.counts.notShared)}</dd></dl>
${m.canChange && reconnecting ? connectForm : ''}
${
  m.canChange
    ? html`<form method="post" action="${base}/constantcontact/disconnect" class="actions">${csrf}<button type="submit" class="danger">Disconnect</button><span class="muted">Stops sharing and revokes the connector's access to the account.</span></form>`
    : ''
}`;
}

/** The connector page of one organization: link, live sync, history, shared and not shared data, settings. */
export function renderOrganizationPage(m: OrganizationPageModel): string {
  const { organization } = m;
  const base = `/organizations/${encodeURIComponent(organization.id)}`;
  const linked = Boolean(organization.ccAccount);
  const body = html`<h1>${organization.name}</h1>
<p class="sub">Constant Contact connector · you are ${m.role} · <a href="/">Your organizations</a></p>
${renderNotice(m.notice)}
<div class="grid">
<section class="card" aria-labelledby="link-heading"><h2 id="link-heading">Constant Contact account</h2>${linkSection(m, base)}</section>
<section class="card" aria-labelledby="sync-heading"><h2 id="sync-heading">Synchronization</h2>
${renderProgress(m.progress)}
${linked ? '' : html`<p class="muted">Connect Constant Contact to start sharing.</p>`}
</section>
</div>
<section class="card" id="history" aria-labelledby="history-heading"><h2 id="history-heading">History</h2>
${m.runs.length > 0 ? html`<p class="muted" data-history-counts>Runs count Connec! records: two records sharing one contact count as two.</p>` : ''}
${renderRunChart(m.runs, m.times)}
${renderRunHistory(m.runs.slice(0, HISTORY_ROWS), m.times)}</section>
<section class="card" id="shared" aria-labelledby="shared-heading"><h2 id="shared-heading">Shared contacts</h2>
<p class="muted">Constant Contact keeps one contact per email: Connec! records with the same email share one contact, listed once with each record behind it.</p>
${renderSharedContacts({ ...m.shared, base, times: m.times })}</section>
<section class="card" id="not-shared" aria-labelledby="not-shared-heading"><h2 id="not-shared-heading">Connec! records not shared</h2>
<p class="muted">Constant Contact only takes contacts with a valid email. Records left out, and writes that failed, are listed here with the reason; failing ones are tried again on their own.</p>
${renderReasonFilter(m.notShared.reasons, m.notShared.reason, base)}
${renderNotShared(
  m.notShared.items,
  m.notShared.names,
  m.notShared.links,
  { action: `${base}/retry`, csrfToken: m.csrfToken, failing: m.counts.failing },
  m.counts.notShared,
  m.times,
)}</section>
<section class="card" id="settings" aria-labelledby="settings-heading"><h2 id="settings-heading">Settings</h2>
${renderSettings(organization, { canChange: m.canChange, csrfToken: m.csrfToken, base, times: m.times })}</section>`;
  return layout({ title: organization.name, body, csrfToken: m.csrfToken });
}
