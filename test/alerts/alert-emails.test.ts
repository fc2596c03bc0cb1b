import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AlertEmailInput, composeAlertEmail } from '../../src/alerts/alert-emails.ts';
import { withoutAddresses } from '../../src/alerts/alert-mailer.ts';

const base: AlertEmailInput = {
  kind: 'needs_reconnect',
  email: 'trouble',
  organization: {
    id: 'org-1',
    tenant: 'maestrano',
    groupUid: 'cld-4812',
    name: 'Demo Bakery',
    timeZone: null,
  },
  troubleSince: '2026-03-01T09:00:00.000Z',
  reconnectReason:
    'Constant Contact account "Demo Bakery" was linked to another organization on 2026-03-01 09:00 UTC; reconnect to share again.',
  failures: {
    since: '2026-03-01T09:00:00.000Z',
    lastAt: '2026-03-02T08:45:00.000Z',
    lastError: { code: 'CC_UNAVAILABLE', message: 'Constant Contact did not answer after 3 attempts.' },
  },
  publicUrl: 'https://cc.connector.example.com',
};
// The page needs a session: the link signs the admin in through the platform, for this organization.
const page =
  'https://cc.connector.example.com/maestrano/auth/saml/init/maestrano?group_id=cld-4812&to=settings';

describe('alert emails', () => {
  it('asks for a reconnect: the organization, why, since when, what to do and where', () => {
    const email = composeAlertEmail(base);
    assert.equal(email.subject, 'Action needed: reconnect Constant Contact for Demo Bakery');
    assert.ok(email.text.includes(base.reconnectReason!));
    assert.ok(email.text.includes('2026-03-01 09:00 UTC'));
    assert.ok(email.text.includes('"Reconnect to Constant Contact"'));
    assert.ok(email.text.includes(`\n${page}\n`), 'the page link on a line of its own');
    assert.ok(email.html.includes(`<a href="${page.replaceAll('&', '&amp;')}">`));
  });

  it('says since when runs fail and the last error', () => {
    const email = composeAlertEmail({ ...base, kind: 'runs_failing' });
    assert.equal(email.subject, 'Constant Contact sync failing for Demo Bakery since 2026-03-01 09:00 UTC');
    assert.ok(
      email.text.includes(
        'Last error (2026-03-02 08:45 UTC): Constant Contact did not answer after 3 attempts. [CC_UNAVAILABLE]',
      ),
    );
    assert.ok(email.text.includes('"Synchronize now"'));
    assert.ok(email.text.includes(page));
  });

  it("dates the email in the Constant Contact account's time zone, named", () => {
    const email = composeAlertEmail({
      ...base,
      kind: 'runs_failing',
      organization: { ...base.organization, timeZone: 'America/Chicago' },
    });
    assert.equal(email.subject, 'Constant Contact sync failing for Demo Bakery since 2026-03-01 03:00 CST');
    assert.ok(email.text.includes('Last error (2026-03-02 02:45 CST)'));
  });

  it('says it works again', () => {
    assert.equal(
      composeAlertEmail({ ...base, email: 'recovery' }).subject,
      'Constant Contact is connected again for Demo Bakery',
    );
    const works = composeAlertEmail({ ...base, kind: 'runs_failing', email: 'recovery' });
    assert.equal(works.subject, 'Constant Contact sync works again for Demo Bakery');
    assert.ok(works.text.includes('works again for Demo Bakery'));
    assert.ok(works.text.includes(page));
  });

  it('keeps the subject on one line and the HTML inert whatever the organization is called', () => {
    const email = composeAlertEmail({
      ...base,
      organization: {
        id: 'org-2',
        tenant: 'maes/trano',
        groupUid: 'cld&2',
        name: 'Bad\r\nBcc: x@y.example <script>',
        timeZone: null,
      },
    });
    assert.ok(!/[\r\n]/.test(email.subject));
    assert.ok(!email.html.includes('<script>'));
    assert.ok(email.html.includes('&lt;script&gt;'));
    assert.ok(email.text.includes('/saml/init/maes%2Ftrano?group_id=cld%262&to=settings'));
  });

  it('shortens a very long error message; the page has it whole', () => {
    const failures = { ...base.failures!, lastError: { code: 'CC_VALIDATION', message: 'x'.repeat(5000) } };
    const email = composeAlertEmail({ ...base, kind: 'runs_failing', failures });
    assert.ok(email.text.length < 2000);
  });

  it('takes addresses out of what the mail server says before it is logged or stored', () => {
    assert.equal(
      withoutAddresses(
        "Can't send mail - all recipients were rejected: 550 5.1.1 <ann@example.com>: unknown",
      ),
      "Can't send mail - all recipients were rejected: 550 5.1.1 [address]: unknown",
    );
  });
});
