import nodemailer from 'nodemailer';
import { ConnectorError } from '../errors.ts';
import type { AlertEmail } from './alert-emails.ts';

/** The mail server could not take an alert email; the alert stays owed and goes at the next check. */
export class AlertSendFailedError extends ConnectorError {
  readonly code = 'ALERT_SEND_FAILED';
}

/** Sends alert emails. */
export interface AlertMailer {
  /** Sends one email to every address in `to`; throws `AlertSendFailedError` when it did not go. */
  send(to: readonly string[], email: AlertEmail): Promise<{ accepted: number; rejected: number }>;
  close(): void;
}

/**
 * How long a silent mail server is waited for. Nodemailer's own defaults reach minutes, and a check holds
 * its alert's claim meanwhile.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** Logs and stored errors carry no personal data: a mail server's refusal often quotes the address. */
export function withoutAddresses(text: string): string {
  return text.replace(/<?[^\s<>@"']+@[^\s<>@"']+>?/g, '[address]');
}

/**
 * A mailer over SMTP (`SMTP_URL`, as nodemailer reads it), one connection per email: alerts are rare, so
 * no connection is kept open between them.
 */
export function smtpMailer(settings: {
  smtpUrl: string;
  from: { name: string | null; address: string };
}): AlertMailer {
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    ...SMTP_TIMEOUTS,
    // The emails are text the connector writes: nothing in them may make the mailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const server = new URL(settings.smtpUrl).host;
  const from = settings.from.name
    ? { name: settings.from.name, address: settings.from.address }
    : settings.from.address;
  return {
    async send(to, email) {
      try {
        const info = await transport.sendMail({
          from,
          to: [...to],
          subject: email.subject,
          text: email.text,
          html: email.html,
        });
        return { accepted: info.accepted.length, rejected: info.rejected.length };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const code = (error as { code?: unknown }).code;
        const detail = withoutAddresses(`${reason}${typeof code === 'string' ? ` (${code})` : ''}`);
        throw new AlertSendFailedError(
          `The mail server at ${server} did not take the alert email: ${detail}. It is sent again at the next check.`,
          // The original error, without the addresses it may quote.
          { cause: Object.assign(new Error(detail), { code }) },
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
