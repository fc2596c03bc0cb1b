import { html, type SafeHtml } from '../html.ts';

type Kind = 'success' | 'error' | 'info';

/**
 * Messages shown on the connector page after an action, chosen by a key in the query string (so they
 * survive the redirect that ends every form, and nothing else from the URL reaches the page).
 */
export const NOTICES = {
  linked: ['success', 'Constant Contact is connected. The first synchronization has started.'],
  cc_credentials: [
    'error',
    'The Constant Contact credentials were incorrect, so the account was not connected. Select "Connect to Constant Contact" and sign in again with the username and password of your Constant Contact account.',
  ],
  cc_denied: [
    'error',
    'Access was not allowed on the Constant Contact consent screen, so nothing was connected. To connect, select "Connect to Constant Contact" again and choose "Allow access".',
  ],
  cc_state: [
    'error',
    'The answer from Constant Contact did not match the connection started from this page (it may have expired or come from another window). Nothing was connected; select "Connect to Constant Contact" again.',
  ],
  cc_exchange: [
    'error',
    'Constant Contact accepted the sign-in but refused to complete the connection. Nothing was connected; try again in a minute, and if it keeps failing tell your connector administrator.',
  ],
  cc_oauth: [
    'error',
    'Constant Contact answered the connection with an error. Nothing was connected; select "Connect to Constant Contact" to try again.',
  ],
  cc_taken: [
    'error',
    'That Constant Contact account is already connected to another organization. Disconnect it there first, or sign in to Constant Contact with another account.',
  ],
  cc_link_expired: [
    'error',
    'That confirmation expired or was already answered, so nothing was connected. Select "Connect to Constant Contact" to start again.',
  ],
  cc_link_cancelled: [
    'info',
    'Nothing was connected here: the Constant Contact account stays with the organization it was connected to.',
  ],
  cc_unavailable: [
    'error',
    'Constant Contact could not be reached to finish the connection. Nothing was connected; try again in a few minutes.',
  ],
  cc_not_configured: [
    'error',
    'This connector is not registered with Constant Contact yet (no client id and secret), so no account can be connected. Ask the connector administrator.',
  ],
  disconnected: ['success', 'Constant Contact is disconnected. Nothing is shared until you connect again.'],
  sync_requested: ['info', 'Synchronization requested.'],
  settings_saved: [
    'success',
    'Settings saved. They apply from the next synchronization, which has been requested.',
  ],
  historical_on: [
    'success',
    'Historical data will be shared. Both sides are read again from the start in the synchronization now running.',
  ],
  retry_requested: [
    'info',
    'Retry requested: the records are tried again in the synchronization now running.',
  ],
} as const satisfies Record<string, readonly [Kind, string]>;

export type NoticeKey = keyof typeof NOTICES;

export function isNoticeKey(value: unknown): value is NoticeKey {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value);
}

export function renderNotice(key: NoticeKey | null): SafeHtml {
  if (!key) return html``;
  const [kind, text] = NOTICES[key];
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}" data-notice="${key}">${text}</p>`;
}
