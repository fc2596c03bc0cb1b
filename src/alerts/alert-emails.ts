import type { AlertEmailKind, AlertKind, FailureStreak } from '../model/alert.ts';
import { zonedMinute } from '../time-text.ts';
import { escapeHtml } from '../web/html.ts';

/** An email ready to send, in plain text and the same in simple HTML. */
export interface AlertEmail {
  subject: string;
  text: string;
  html: string;
}

/** What an alert email says: which organization, what is wrong or that it works again, and where to go. */
export interface AlertEmailInput {
  kind: AlertKind;
  email: AlertEmailKind;
  /** Its time zone (the CC account's) dates the email; UTC when unknown. */
  organization: { id: string; tenant: string; groupUid: string; name: string; timeZone: string | null };
  /** When the trouble began. */
  troubleSince: string;
  /** For a reconnect: why CC must be connected again. */
  reconnectReason: string | null;
  /** For failing runs: the streak, with the last error. */
  failures: FailureStreak | null;
  /** Where the connector is reached (PUBLIC_URL): the link goes to the organization's connector page. */
  publicUrl: string;
}

/**
 * The way to the connector page of an organization from an email: the page needs a session, so the link
 * signs the admin in through the platform (SP-initiated, for that organization) and lands on the page.
 */
export function organizationPageUrl(
  publicUrl: string,
  organization: { tenant: string; groupUid: string },
): string {
  const query = new URLSearchParams({ group_id: organization.groupUid, to: 'settings' });
  return `${publicUrl}/maestrano/auth/saml/init/${encodeURIComponent(organization.tenant)}?${query}`;
}

/** A paragraph of text, or the link to the connector page on its own line. */
type Part = string | { link: string };

/**
 * The email for an alert's move. Short and exact: the organization by name, what is wrong (the reconnect
 * reason, or since when runs fail and the last error), what to do, and the connector page's address.
 */
export function composeAlertEmail(input: AlertEmailInput): AlertEmail {
  // A name on one line: it goes in a subject.
  const name = input.organization.name.replace(/\s+/g, ' ').trim() || 'your organization';
  const link = { link: organizationPageUrl(input.publicUrl, input.organization) };
  const since = zonedMinute(input.troubleSince, input.organization.timeZone);
  const footer = `You get this email as an admin of ${name} in the Constant Contact connector.`;
  const { subject, parts } = content(input, name, since, link, footer);
  return { subject, text: `${parts.map(asText).join('\n\n')}\n`, html: asHtml(parts) };
}

function content(
  input: AlertEmailInput,
  name: string,
  since: string,
  link: Part,
  footer: string,
): { subject: string; parts: Part[] } {
  if (input.kind === 'needs_reconnect') {
    if (input.email === 'recovery') {
      return {
        subject: `Constant Contact is connected again for ${name}`,
        parts: [
          `${name} is connected to Constant Contact again, and sharing with Connec! has resumed. It needed a reconnect since ${since}.`,
          'Nothing more to do. The connector page shows the runs:',
          link,
          footer,
        ],
      };
    }
    return {
      subject: `Action needed: reconnect Constant Contact for ${name}`,
      parts: [
        `The Constant Contact connector stopped sharing data for ${name} on ${since}: Constant Contact must be connected again.`,
        `Why: ${input.reconnectReason ?? 'Constant Contact no longer accepts the connection.'}`,
        'What to do: open the connector page (the link signs you in through your platform) and select "Reconnect to Constant Contact". Until then nothing is shared between Constant Contact and Connec! for this organization.',
        link,
        `${footer} One more follows when it is connected again.`,
      ],
    };
  }
  if (input.email === 'recovery') {
    return {
      subject: `Constant Contact sync works again for ${name}`,
      parts: [
        `Sharing between Constant Contact and Connec! works again for ${name}: a run succeeded after runs had failed since ${since}.`,
        'Nothing more to do: the runs share what changed meanwhile. The connector page shows them:',
        link,
        footer,
      ],
    };
  }
  const last = input.failures;
  return {
    subject: `Constant Contact sync failing for ${name} since ${since}`,
    parts: [
      `Sharing between Constant Contact and Connec! has been failing for ${name} since ${since}: no run has succeeded since then.`,
      last
        ? `Last error (${zonedMinute(last.lastAt, input.organization.timeZone)}): ${clip(last.lastError.message)} [${last.lastError.code}]`
        : 'The connector page shows the last error.',
      'What to do: the connector keeps trying on its own. Open the connector page to see the runs and their errors, and once the cause is fixed select "Synchronize now". If the error does not say what to fix, forward this email to your platform\'s support.',
      link,
      `${footer} One more follows when it works again.`,
    ],
  };
}

/** An error message can carry a long answer of an API; the page has it whole. */
function clip(message: string, max = 500): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

function asText(part: Part): string {
  return typeof part === 'string' ? part : part.link;
}

function asHtml(parts: Part[]): string {
  const body = parts
    .map((part) => {
      if (typeof part === 'string') return `<p>${escapeHtml(part)}</p>`;
      const href = escapeHtml(part.link);
      return `<p><a href="${href}">${href}</a></p>`;
    })
    .join('\n');
  return `<!doctype html>\n<html><body>\n${body}\n</body></html>\n`;
}
