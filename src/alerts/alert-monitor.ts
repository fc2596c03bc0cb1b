import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/config.ts';
import type { Repositories } from '../db/repositories/index.ts';
import { ConnectorError } from '../errors.ts';
import { type SchedulerTimers, systemTimers, type TimerHandle } from '../jobs/scheduler-timers.ts';
import type { Logger } from '../logger.ts';
import {
  ALERT_KINDS,
  type AlertEmailKind,
  type AlertKind,
  type AlertState,
  QUIET_ALERT,
} from '../model/alert.ts';
import type { Organization } from '../model/organization.ts';
import { type AlertFacts, afterSending, decideAlert, RUNS_FAILING_AFTER_MS } from './alert-decision.ts';
import { composeAlertEmail } from './alert-emails.ts';
import { type AlertMailer, AlertSendFailedError, smtpMailer } from './alert-mailer.ts';

/**
 * This process's claim on an alert ran out and another process took the alert over while this one was
 * deciding or sending; this one stops and leaves the alert to it.
 */
export class AlertClaimLostError extends ConnectorError {
  readonly code = 'ALERT_CLAIM_LOST';
}

/** What the rest of the connector tells the alerts: something about this organization may have changed. */
export interface AlertNotices {
  /** Checks the organization's alerts soon, without making the caller wait (a request, a run's end). */
  notice(organizationId: string): void;
}

export interface AlertMonitor extends AlertNotices {
  /** False when SMTP_URL is unset: nothing is checked, stored or sent. */
  readonly enabled: boolean;
  /**
   * Looks at the organization's alerts now and sends the emails due. Never throws: what fails is logged,
   * and an email that could not go stays owed for the next check.
   */
  check(organizationId: string): Promise<void>;
  /** Checks every organization that may be in trouble or owed an email (see `organizationsToCheck`). */
  sweep(): Promise<void>;
  /** Sweeps now and then every `sweepEveryMs`, for the trouble no event announces (time passing). */
  start(): void;
  /** Stops sweeping, waits for the checks under way, and closes the mailer. */
  stop(): Promise<void>;
  /** Resolves once no check is under way (tests, and a graceful stop). */
  idle(): Promise<void>;
}

export interface AlertMonitorOptions {
  /** How often every organization that may be in trouble is checked. */
  sweepEveryMs: number;
  /** How long a claim on an alert holds: longer than a slow mail server takes to give up. */
  claimTtlMs: number;
}

export const DEFAULT_ALERT_OPTIONS: AlertMonitorOptions = {
  sweepEveryMs: 5 * 60_000,
  claimTtlMs: 2 * 60_000,
};

// A decision takes at most: resolve, send the recovery email, open again, send the trouble email.
const MAX_MOVES = 4;

/** Alert emails are off (no SMTP_URL): every call does nothing. */
export function alertsOff(): AlertMonitor {
  return {
    enabled: false,
    notice() {},
    async check() {},
    async sweep() {},
    start() {},
    async stop() {},
    async idle() {},
  };
}

/**
 * Watches organizations for the trouble their admins must hear of, and emails them: once when an
 * episode begins, once when it ends. Whether to send is `decideAlert`'s, from the stored state and the
 * facts; this is the I/O around it. Each alert is changed only under its claim in the database, so of
 * several processes checking one organization, one sends, and a restart finds what was sent.
 */
export function createAlertMonitor(input: {
  repos: Pick<Repositories, 'organizations' | 'alerts'>;
  mailer: AlertMailer;
  /** The connector's address (PUBLIC_URL), for the link to the organization's page. */
  publicUrl: string;
  logger: Logger;
  now: () => Date;
  /** Web-only processes of a scale-out deployment keep no timers: their `start` does nothing. */
  sweeps?: boolean;
  timers?: SchedulerTimers;
  options?: Partial<AlertMonitorOptions>;
}): AlertMonitor {
  const { repos, mailer, now } = input;
  const settings = { ...DEFAULT_ALERT_OPTIONS, ...input.options };
  const timers = input.timers ?? systemTimers(now);
  const logger = input.logger.child({ component: 'alerts' });
  const holder = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const pending = new Set<Promise<void>>();
  // The last check asked for per organization: a process checks one organization at a time, in order, so
  // a check asked for after a run ended sees that run even while an earlier check holds the claim.
  const queued = new Map<string, Promise<void>>();
  let ticker: TimerHandle | undefined;
  let sweeping: Promise<void> | null = null;

  async function factsOf(organization: Organization): Promise<AlertFacts> {
    const watched = !organization.deletedAt && organization.ccAccount !== null;
    return {
      deleted: organization.deletedAt !== null,
      linked: organization.ccAccount !== null,
      needsReconnect: organization.needsReconnect,
      failures: watched ? await repos.alerts.failureStreak(organization.id, organization.linkedAt) : null,
    };
  }

  function check(organizationId: string): Promise<void> {
    const next = (queued.get(organizationId) ?? Promise.resolve()).then(() => checkNow(organizationId));
    queued.set(organizationId, next);
    void next.finally(() => {
      if (queued.get(organizationId) === next) queued.delete(organizationId);
    });
    return next;
  }

  async function checkNow(organizationId: string): Promise<void> {
    try {
      const organization = await repos.organizations.find(organizationId);
      if (!organization) return;
      const facts = await factsOf(organization);
      for (const kind of ALERT_KINDS) {
        // Most checks find nothing to do: they read, and write nothing.
        const stored = await repos.alerts.find(organizationId, kind);
        if (decideAlert(kind, stored, facts, now())) await settle(organizationId, kind);
      }
    } catch (error) {
      logger.error({ err: error, organizationId }, 'checking alerts failed; the next check tries again');
    }
  }

  /** Under the alert's claim, makes its moves until there is none left (or an email cannot go). */
  async function settle(organizationId: string, kind: AlertKind): Promise<void> {
    await repos.alerts.ensure(organizationId, kind);
    if (!(await repos.alerts.claim(organizationId, kind, holder, settings.claimTtlMs))) {
      logger.debug({ organizationId, kind }, 'another process is settling this alert');
      return;
    }
    try {
      for (let moves = 0; moves < MAX_MOVES; moves++) {
        // Read again under the claim: another process may have moved the alert since the first look.
        const organization = await repos.organizations.get(organizationId);
        const facts = await factsOf(organization);
        const state = (await repos.alerts.find(organizationId, kind)) ?? QUIET_ALERT;
        const step = decideAlert(kind, state, facts, now());
        if (!step) return;
        let next: AlertState;
        if (step.do === 'save') {
          next = step.next;
        } else {
          const recipients = await send(organization, kind, step.email, state, facts);
          if (recipients === null) return;
          next = afterSending(state, step.email, now(), recipients);
        }
        if (!(await repos.alerts.save(organizationId, kind, holder, next))) {
          const lost = new AlertClaimLostError(
            `The ${kind} alert of organization ${organizationId} was taken over by another process; this one left it.`,
          );
          logger.warn({ err: lost, organizationId, kind }, 'alert claim lost');
          return;
        }
        logger.info(
          {
            organizationId,
            kind,
            move: step.do === 'save' ? step.why : `${step.email}_sent`,
            status: next.status,
          },
          'alert moved',
        );
      }
    } finally {
      await repos.alerts.release(organizationId, kind, holder);
    }
  }

  /** Sends the email; the number of admins it went to, or null when it did not go (kept owed). */
  async function send(
    organization: Organization,
    kind: AlertKind,
    email: AlertEmailKind,
    state: AlertState,
    facts: AlertFacts,
  ): Promise<number | null> {
    const context = { organizationId: organization.id, kind, email };
    const recipients = await repos.alerts.adminEmails(organization.id);
    if (recipients.length === 0) {
      logger.warn(
        context,
        'no admin of the organization has an email address: the alert email goes to no one',
      );
      return 0;
    }
    const message = composeAlertEmail({
      kind,
      email,
      organization,
      troubleSince: state.troubleSince ?? now().toISOString(),
      reconnectReason: facts.needsReconnect?.reason ?? null,
      failures: facts.failures,
      publicUrl: input.publicUrl,
    });
    try {
      const result = await mailer.send(recipients, message);
      logger.info({ ...context, recipients: result.accepted, rejected: result.rejected }, 'alert email sent');
      return result.accepted;
    } catch (error) {
      if (!(error instanceof AlertSendFailedError)) throw error;
      await repos.alerts.recordSendFailure(organization.id, kind, holder, error.message);
      logger.error({ ...context, err: error }, 'alert email not sent; it is sent again at the next check');
      return null;
    }
  }

  function track(work: Promise<void>): void {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  async function sweepAll(): Promise<void> {
    const failedAfter = new Date(now().getTime() - RUNS_FAILING_AFTER_MS).toISOString();
    const organizationIds = await repos.alerts.organizationsToCheck(failedAfter);
    for (const organizationId of organizationIds) await check(organizationId);
  }

  const monitor: AlertMonitor = {
    enabled: true,
    check,
    notice(organizationId) {
      track(check(organizationId));
    },
    async sweep() {
      // One sweep at a time: a slow mail server must not pile them up.
      sweeping ??= sweepAll().finally(() => {
        sweeping = null;
      });
      return sweeping;
    },
    start() {
      if (ticker || input.sweeps === false) return;
      const safeSweep = () => {
        track(
          monitor.sweep().catch((error: unknown) => {
            logger.error({ err: error }, 'alert sweep failed; the next one tries again');
          }),
        );
      };
      ticker = timers.setInterval(safeSweep, settings.sweepEveryMs);
      ticker.unref?.();
      // Emails a stopped process still owed go out at start, not a sweep later.
      timers.setTimeout(safeSweep, 0).unref?.();
    },
    async stop() {
      timers.clear(ticker);
      ticker = undefined;
      await monitor.idle();
      mailer.close();
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  return monitor;
}

/**
 * The alerts as configured: off, said once in the log, when SMTP_URL is unset. Web-only processes check
 * what they change but leave the periodic sweep to the workers.
 */
export function alertsFromConfig(
  config: Pick<Config, 'alerts' | 'server' | 'scaleOut'>,
  repos: Pick<Repositories, 'organizations' | 'alerts'>,
  logger: Logger,
  now: () => Date = () => new Date(),
): AlertMonitor {
  const { smtpUrl, from } = config.alerts;
  if (!smtpUrl) {
    logger.info('alert emails are off: SMTP_URL is not set');
    return alertsOff();
  }
  return createAlertMonitor({
    repos,
    mailer: smtpMailer({ smtpUrl, from }),
    publicUrl: config.server.publicUrl,
    logger,
    now,
    sweeps: config.scaleOut?.role !== 'web',
  });
}
